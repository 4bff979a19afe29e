#include "ui/image_settings_fields.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>

namespace attnlens {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("attnlens::ImageSettingsFields", text);
}

} // namespace

ImageSettingsFields::ImageSettingsFields(
    QWidget *owner, QFormLayout *form, const ImageExportSettings &initial)
{
    m_format = new QComboBox(owner);
    m_format->addItem(tr("PNG (raster, with provenance)"), static_cast<int>(ImageFormat::Png));
    m_format->addItem(tr("JPG (raster)"), static_cast<int>(ImageFormat::Jpg));
    m_format->addItem(tr("PDF (vector)"), static_cast<int>(ImageFormat::Pdf));
    m_format->addItem(tr("SVG (vector)"), static_cast<int>(ImageFormat::Svg));
    m_format->setCurrentIndex(m_format->findData(static_cast<int>(initial.format)));
    auto spin = [owner](int low, int high, int value) {
        auto *box = new QSpinBox(owner);
        box->setRange(low, high);
        box->setValue(value);
        return box;
    };
    m_width = spin(64, 16384, initial.size.width());
    m_height = spin(64, 16384, initial.size.height());
    m_dpi = spin(48, 1200, initial.dpi);
    m_dpi->setToolTip(tr("Raster images get (DPI / 96) times the pixels; vector files ignore it"));
    auto *size = new QHBoxLayout; // owned by the form once added
    size->addWidget(m_width);
    size->addWidget(new QLabel(QStringLiteral("×"), owner));
    size->addWidget(m_height);
    size->addWidget(new QLabel(tr("px at"), owner));
    size->addWidget(m_dpi);
    size->addWidget(new QLabel(tr("DPI"), owner));
    size->addStretch(1);
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("Size:"), size);
}

ImageExportSettings ImageSettingsFields::settings() const
{
    return {static_cast<ImageFormat>(m_format->currentData().toInt()),
        QSize(m_width->value(), m_height->value()), m_dpi->value()};
}

} // namespace attnlens
