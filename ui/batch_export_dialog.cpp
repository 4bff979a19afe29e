#include "ui/batch_export_dialog.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace attnlens {

BatchExportDialog::BatchExportDialog(const Workspace &workspace, int currentAttention,
    int currentSample, const QString &colorMap, QWidget *parent)
    : QDialog(parent)
    , m_colorMap(colorMap)
{
    setWindowTitle(tr("Batch Export"));
    auto *form = new QFormLayout(this); // owned by this dialog, as are the fields
    const int rows = workspace.dataset ? static_cast<int>(workspace.dataset->sampleCount()) : 1;

    m_directory = new QLineEdit(QDir::homePath() + QStringLiteral("/attnlens-export"), this);
    auto *browse = new QPushButton(tr("Choose…"), this);
    auto *dirRow = new QHBoxLayout;
    dirRow->addWidget(m_directory, 1);
    dirRow->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir
            = QFileDialog::getExistingDirectory(this, tr("Export to"), m_directory->text());
        if (!dir.isEmpty())
            m_directory->setText(dir);
    });
    m_first = new QSpinBox(this);
    m_last = new QSpinBox(this);
    m_first->setRange(0, rows - 1);
    m_last->setRange(0, rows - 1);
    m_first->setValue(currentSample);
    m_last->setValue(currentSample);
    auto *rowRange = new QHBoxLayout;
    rowRange->addWidget(m_first);
    rowRange->addWidget(new QLabel(tr("to"), this));
    rowRange->addWidget(m_last);
    m_calls = new QComboBox(this);
    m_calls->addItem(tr("All attention calls"), -1);
    int index = 0;
    for (const AttentionLayerInfo &call : workspace.model->attentionLayers())
        m_calls->addItem(QString::fromStdString(call.key), index++);
    m_calls->setCurrentIndex(m_calls->findData(currentAttention));
    m_heads = new QCheckBox(tr("every head"), this);
    m_heads->setChecked(true);
    m_mean = new QCheckBox(tr("mean over heads"), this);
    m_max = new QCheckBox(tr("max over heads"), this);
    auto *heads = new QHBoxLayout;
    heads->addWidget(m_heads);
    heads->addWidget(m_mean);
    heads->addWidget(m_max);
    m_matrix = new QComboBox(this);
    m_matrix->addItem(tr("no matrix files"), QString());
    m_matrix->addItem(tr("CSV beside each image"), QStringLiteral("csv"));
    m_matrix->addItem(tr("NumPy .npy beside each image"), QStringLiteral("npy"));

    form->addRow(tr("Folder:"), dirRow);
    form->addRow(tr("Samples:"), rowRange);
    form->addRow(tr("Attention calls:"), m_calls);
    form->addRow(tr("Heads:"), heads);
    m_image = std::make_unique<ImageSettingsFields>(this, form, ImageExportSettings {});
    form->addRow(tr("Matrices:"), m_matrix);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

BatchExportDialog::~BatchExportDialog() = default;

BatchExportRequest BatchExportDialog::request() const
{
    BatchExportRequest r;
    const ImageExportSettings image = m_image->settings();
    r.report.directory = m_directory->text();
    r.report.format = image.format;
    r.report.size = image.size;
    r.report.dpi = image.dpi;
    r.report.colorMap = m_colorMap;
    r.report.matrix = m_matrix->currentData().toString();
    r.firstSample = std::min(m_first->value(), m_last->value());
    r.lastSample = std::max(m_first->value(), m_last->value());
    r.attention = m_calls->currentData().toInt();
    r.heads.allHeads = m_heads->isChecked();
    r.heads.mean = m_mean->isChecked();
    r.heads.max = m_max->isChecked();
    return r;
}

} // namespace attnlens
