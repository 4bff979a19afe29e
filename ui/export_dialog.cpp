#include "ui/export_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>

namespace attnlens {

ExportDialog::ExportDialog(const ImageExportSettings &initial, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Export Image"));
    auto *form = new QFormLayout(this); // owned by this dialog, as are the fields
    m_fields = std::make_unique<ImageSettingsFields>(this, form, initial);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

ExportDialog::~ExportDialog() = default;

ImageExportSettings ExportDialog::settings() const
{
    return m_fields->settings();
}

} // namespace attnlens
