#pragma once

#include <QSize>

#include "ui/image_export.h"

class QComboBox;
class QFormLayout;
class QSpinBox;
class QWidget;

namespace attnlens {

/// Format, size and resolution of an image export.
struct ImageExportSettings
{
    ImageFormat format = ImageFormat::Png;
    QSize size {800, 600}; ///< logical pixels at 96 DPI (same as attnlens-cli export)
    int dpi = 96;
};

/// The format, size and resolution rows shared by the export dialogs (one image, batch). The
/// widgets are created as children of `owner` and added to `form`; Qt owns them.
class ImageSettingsFields
{
public:
    ImageSettingsFields(QWidget *owner, QFormLayout *form, const ImageExportSettings &initial);
    ImageExportSettings settings() const;

private:
    QComboBox *m_format = nullptr;
    QSpinBox *m_width = nullptr;
    QSpinBox *m_height = nullptr;
    QSpinBox *m_dpi = nullptr;
};

} // namespace attnlens
