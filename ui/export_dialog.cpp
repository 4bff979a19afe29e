#include "ui/export_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QSpinBox>

namespace attnlens {

ExportDialog::ExportDialog(const ImageExportSettings &initial, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Export Image"));
    auto *form = new QFormLayout(this); // owned by this dialog, as are the fields
    m_format = new QComboBox(this);
    m_format->addItem(tr("PNG (raster, with provenance)"), static_cast<int>(ImageFormat::Png));
    m_format->addItem(tr("JPG (raster)"), static_cast<int>(ImageFormat::Jpg));
    m_format->addItem(tr("PDF (vector)"), static_cast<int>(ImageFormat::Pdf));
    m_format->addItem(tr("SVG (vector)"), static_cast<int>(ImageFormat::Svg));
    m_format->setCurrentIndex(m_format->findData(static_cast<int>(initial.format)));
    auto spin = [this](int low, int high, int value, const QString &suffix) {
        auto *box = new QSpinBox(this);
        box->setRange(low, high);
        box->setValue(value);
        box->setSuffix(suffix);
        return box;
    };
    m_width = spin(64, 16384, initial.size.width(), tr(" px"));
    m_height = spin(64, 16384, initial.size.height(), tr(" px"));
    m_dpi = spin(48, 1200, initial.dpi, tr(" DPI"));
    m_dpi->setToolTip(tr("Raster images get (DPI / 96) times the pixels; vector files ignore it"));
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("Width:"), m_width);
    form->addRow(tr("Height:"), m_height);
    form->addRow(tr("Resolution:"), m_dpi);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

ImageExportSettings ExportDialog::settings() const
{
    return {static_cast<ImageFormat>(m_format->currentData().toInt()),
        QSize(m_width->value(), m_height->value()), m_dpi->value()};
}

} // namespace attnlens
