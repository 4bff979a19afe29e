#pragma once

#include <QDialog>
#include <QSize>

#include "ui/image_export.h"

class QComboBox;
class QSpinBox;

namespace attnlens {

/// Format, size and resolution of an image export.
struct ImageExportSettings
{
    ImageFormat format = ImageFormat::Png;
    QSize size {800, 600}; ///< logical pixels at 96 DPI (same as attnlens-cli export)
    int dpi = 96;
};

/// Asks for ImageExportSettings; the file name is asked for afterwards with the matching filter.
class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ExportDialog(const ImageExportSettings &initial, QWidget *parent = nullptr);
    ImageExportSettings settings() const;

private:
    QComboBox *m_format = nullptr;
    QSpinBox *m_width = nullptr;
    QSpinBox *m_height = nullptr;
    QSpinBox *m_dpi = nullptr;
};

} // namespace attnlens
