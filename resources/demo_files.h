#pragma once

#include <QString>

namespace attnlens {

/// The bundled demo (breast-cancer model and CSV), written once to a per-user cache folder so the
/// engine can open them as ordinary files. Empty strings if the cache folder is not writable.
struct DemoFiles
{
    QString model;
    QString data;
};

DemoFiles extractDemoFiles();

} // namespace attnlens
