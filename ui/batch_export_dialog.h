#pragma once

#include <memory>

#include <QDialog>

#include "ui/batch_export.h"
#include "ui/image_settings_fields.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace attnlens {

/// Asks what a batch export writes (folder, samples, attention calls, heads, format, size,
/// matrix files).
class BatchExportDialog : public QDialog
{
    Q_OBJECT
public:
    /// `workspace` is the snapshot the request is for; `currentAttention` indexes its
    /// Model::attentionLayers().
    BatchExportDialog(const Workspace &workspace, int currentAttention, int currentSample,
        const QString &colorMap, QWidget *parent = nullptr);
    ~BatchExportDialog() override;
    BatchExportRequest request() const;

private:
    QLineEdit *m_directory = nullptr;
    QSpinBox *m_first = nullptr;
    QSpinBox *m_last = nullptr;
    QComboBox *m_calls = nullptr;
    QCheckBox *m_heads = nullptr;
    QCheckBox *m_mean = nullptr;
    QCheckBox *m_max = nullptr;
    std::unique_ptr<ImageSettingsFields> m_image;
    QComboBox *m_matrix = nullptr;
    QString m_colorMap;
};

} // namespace attnlens
