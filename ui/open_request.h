#pragma once

#include <memory>

#include <QByteArray>
#include <QString>
#include <QStringList>

#include "core/data/dataset.h"
#include "core/runtime/model.h"

namespace attnlens {

/// What one load opens: a model file (with the architecture JSON of a weights-only file) and the
/// data files read against its inputs with the data options. It crosses the process boundary as
/// JSON: OpenProbe hands it to the probe process (runOpenProbe) on its command line.
struct OpenRequest
{
    QString modelFile;
    QString configFile; ///< architecture JSON of a weights-only modelFile, else empty
    QStringList dataFiles;
    DatasetOptions dataOptions;
    QStringList recipeFiles; ///< recipe files for custom layers (LoadOptions::recipeFiles)

    /// Opens modelFile with recipeFiles (Model::open); throws what it throws.
    std::shared_ptr<const Model> openModel() const;
    /// Reads dataFiles against `model`'s inputs with dataOptions (loadDataset); throws what it
    /// throws.
    Dataset readData(const Model &model) const;

    /// Every field, as one line of compact JSON.
    QByteArray toJson() const;
    /// The request toJson() wrote. Throws Error for anything else.
    static OpenRequest fromJson(const QByteArray &json);
};

} // namespace attnlens
