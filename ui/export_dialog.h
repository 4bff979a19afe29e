#pragma once

#include <memory>

#include <QDialog>

#include "ui/image_settings_fields.h"

namespace attnlens {

/// Asks for ImageExportSettings; the file name is asked for afterwards with the matching filter.
class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ExportDialog(const ImageExportSettings &initial, QWidget *parent = nullptr);
    ~ExportDialog() override;
    ImageExportSettings settings() const;

private:
    std::unique_ptr<ImageSettingsFields> m_fields;
};

} // namespace attnlens
