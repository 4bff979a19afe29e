#pragma once

#include <memory>

#include <QString>
#include <QStringList>

#include "core/data/dataset.h"
#include "core/runtime/model.h"

namespace attnlens {

/// What is open: a model and, optionally, the data set read against its inputs. Swapped as a
/// whole on the GUI thread only after a load succeeded, so a failed load never leaves a
/// half-changed state. The model and data set are immutable and may be read from any thread.
struct Workspace
{
    std::shared_ptr<const Model> model;
    std::shared_ptr<const Dataset> dataset; ///< null when no data is open
    QString modelFile;
    QString modelSha256; ///< of modelFile's bytes, hashed once when the model was opened
    QString configFile;  ///< architecture JSON for weights-only files, else empty
    /// Recipe files the model was opened with (LoadOptions::recipeFiles), besides the user
    /// recipe folder and the built-in recipes; a session names them.
    QStringList recipeFiles;
    QStringList dataFiles;
    /// The data options the data set was read with, as the user chose them (automatic choices
    /// left empty; Dataset::chosen has them filled in).
    DatasetOptions dataOptions;
    /// Why the data was dropped when a new model did not fit it (shown once), else empty.
    QString droppedDataReason;
    /// Why the data files asked for could not be read with `dataOptions` (the model opened).
    /// Such a workspace is never shown: JobRunner::dataRejected hands it to the window, which
    /// offers the data options. Empty otherwise.
    QString dataError;
};

/// One sample's attention scores for every attention call of the model.
struct SampleAttention
{
    std::int64_t sample = -1;  ///< sample index in Dataset::inputs
    std::vector<Tensor> calls; ///< per Model::attentionLayers() entry: (heads, T_query, T_key)
    std::vector<Tensor> featureWeights; ///< per Model::featureWeightLayers() entry: (count,)
    std::vector<Tensor> outputs;        ///< the model's outputs, without the batch axis
};

} // namespace attnlens
