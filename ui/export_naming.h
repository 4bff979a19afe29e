#pragma once

#include <string>

#include <QString>

#include "ui/head_matrix.h"

namespace attnlens::exportnaming {

/// What one exported file shows; the counts set the zero padding so names sort in a listing.
struct ExportName
{
    qint64 row = 0;         ///< dataset row index (0-based)
    qint64 rowCount = 1;    ///< number of rows in the dataset (pads to at least 6 digits)
    int attention = 0;      ///< index in Model::attentionLayers() (the call); printed 1-based
    int attentionCount = 1; ///< number of attention calls (pads to at least 2 digits)
    QString attentionKey;   ///< the call's key ("enc", "enc@1" for a second call); sanitised
    HeadChoice head;        ///< one head, or the mean / max over heads
    int headCount = 1;      ///< heads of the layer (pads to at least 2 digits)
};

/// "name" with every character outside [A-Za-z0-9_.-] replaced by '_' (so "enc@1" gives
/// "enc_1"), leading dots removed, never empty ("layer").
QString sanitize(const QString &name);

/// "h02", "mean" or "max".
QString headTag(const HeadChoice &head, int headCount);

/// `r000012_L01-feature_attention_h02.<extension>`: row, then layer, then head, so names
/// sort by row, layer and head in a directory listing. `extension` without dot ("png", "csv").
QString fileName(const ExportName &name, const QString &extension);

/// "L01-<key>": an attention call's part of a group image's name (summarize --images).
QString callTag(int call, int calls, const QString &key);
/// `target_M_L01-mha_h02.<extension>` (`..._std.<extension>` for the standard deviation): a
/// group's map, as attnlens-cli summarize --images names it.
QString groupFileName(const std::string &group, int call, int calls, const QString &key,
    const HeadChoice &head, int headCount, bool std, const QString &extension);
/// What one exported feature-weight chart shows.
struct WeightsName
{
    qint64 row = 0;      ///< dataset row index; ignored for weights the same for every sample
    qint64 rowCount = 1; ///< pads the row to at least 6 digits
    int set = 0;         ///< index in Model::featureWeightLayers(); printed 1-based
    int setCount = 1;    ///< pads to at least 2 digits
    QString key;         ///< FeatureWeightsInfo::key; sanitised
    bool isStatic = false;
};

/// `r000012_W01-variable_selection.<extension>`, or `W01-key.<extension>` for weights that are
/// the same for every sample: beside the heatmaps of that row in a listing, never the same
/// name as one of them (heatmaps are `_L`).
QString fileName(const WeightsName &name, const QString &extension);

} // namespace attnlens::exportnaming
