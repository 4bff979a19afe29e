#pragma once

#include <QDialog>

#include "ui/batch_export.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace attnlens {

/// Asks what a batch export writes (folder, samples, layers, heads, format, size, matrix files).
class BatchExportDialog : public QDialog
{
    Q_OBJECT
public:
    BatchExportDialog(const Workspace &workspace, int currentLayer, int currentSample,
        const QString &colorMap, QWidget *parent = nullptr);
    BatchExportRequest request() const;

private:
    QLineEdit *m_directory = nullptr;
    QSpinBox *m_first = nullptr;
    QSpinBox *m_last = nullptr;
    QComboBox *m_layers = nullptr;
    QCheckBox *m_heads = nullptr;
    QCheckBox *m_mean = nullptr;
    QCheckBox *m_max = nullptr;
    QComboBox *m_format = nullptr;
    QSpinBox *m_width = nullptr;
    QSpinBox *m_height = nullptr;
    QSpinBox *m_dpi = nullptr;
    QComboBox *m_matrix = nullptr;
    QString m_colorMap;
};

} // namespace attnlens
