#include "ui/model_panel.h"

#include <algorithm>

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace attnlens {

namespace {

constexpr int kAttentionRole = Qt::UserRole + 1; // index into attentionLayers(), -1 if none

QString shapeText(const Shape &shape)
{
    return QString::fromStdString(shapeToString(shape));
}

} // namespace

ModelPanel::ModelPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this); // owned by this widget, as are the children
    layout->setContentsMargins(4, 4, 4, 4);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("modelSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("layerTree"));
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setHeaderLabels({tr("Layer"), tr("Class"), tr("Output shape"), tr("Parameters")});
    // Names and classes can be long (InterpretableMultiHeadAttention): fitColumns() elides them
    // so the shape and parameter count stay in view in a narrow dock.
    QHeaderView *header = m_tree->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    m_tree->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_tree->setTextElideMode(Qt::ElideMiddle);
    m_tree->viewport()->installEventFilter(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_tree, 1);
    auto choose = [this](QTreeWidgetItem *item) {
        if (m_quiet || item == nullptr)
            return;
        const int index = item->data(0, kAttentionRole).toInt();
        if (index >= 0)
            emit attentionChosen(index);
    };
    connect(m_tree, &QTreeWidget::currentItemChanged, this, choose);
    connect(m_tree, &QTreeWidget::itemActivated, this, choose);
    clear();
}

void ModelPanel::showModel(const Model &model)
{
    m_quiet = true;
    const ModelSummary &s = model.summary();
    const QLocale locale;
    QString text = QStringLiteral("<b>%1</b> (%2)<br>%3")
                       .arg(QString::fromStdString(s.name).toHtmlEscaped(),
                           QString::fromStdString(s.className).toHtmlEscaped(),
                           QString::fromStdString(formatName(s.format)).toHtmlEscaped());
    text += QStringLiteral("<br>")
        + tr("Keras version: %1")
              .arg(s.kerasVersion.empty() ? tr("not recorded")
                                          : QString::fromStdString(s.kerasVersion).toHtmlEscaped());
    text += QStringLiteral("<br>")
        + tr("%1 parameters, %2 layers, attention calls: %3")
              .arg(locale.toString(static_cast<qlonglong>(s.parameters)))
              .arg(model.layers().size())
              .arg(model.attentionLayers().size());
    if (model.attentionLayers().empty())
        text += QStringLiteral("<br><i>") + tr("This model has no attention layer.")
            + QStringLiteral("</i>");
    // A custom layer's Python code is not in the file: say what it ran from instead.
    for (const LayerInfo &layer : model.layers())
        if (!layer.recipe.empty())
            text += QStringLiteral("<br>")
                + tr("%1 (%2) runs from the %3")
                      .arg(QString::fromStdString(layer.name).toHtmlEscaped(),
                          QString::fromStdString(layer.className).toHtmlEscaped(),
                          QString::fromStdString(layer.recipe).toHtmlEscaped());
    m_summary->setText(text);

    m_tree->clear();
    const auto &attention = model.attentionLayers();
    for (const LayerInfo &layer : model.layers()) {
        int attentionIndex = -1;
        for (std::size_t i = 0; i < attention.size() && layer.isAttention; ++i) {
            if (attention[i].layerName == layer.name) {
                attentionIndex = static_cast<int>(i);
                break;
            }
        }
        auto *item = new QTreeWidgetItem(m_tree); // owned by the tree
        const QString name = QString::fromStdString(layer.name);
        item->setText(0, layer.isAttention ? QStringLiteral("◆ ") + name : name);
        item->setToolTip(0, name);
        item->setText(1, QString::fromStdString(layer.className));
        item->setToolTip(1,
            layer.recipe.empty() ? QString::fromStdString(layer.className)
                                 : tr("%1, run from the %2")
                                       .arg(QString::fromStdString(layer.className),
                                           QString::fromStdString(layer.recipe)));
        item->setText(2, shapeText(layer.outputShape));
        item->setText(3, locale.toString(static_cast<qlonglong>(layer.parameters)));
        item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
        item->setData(0, kAttentionRole, attentionIndex);
        if (layer.isAttention) {
            QFont bold = item->font(0);
            bold.setBold(true);
            for (int c = 0; c < 4; ++c)
                item->setFont(c, bold);
            item->setToolTip(0, tr("%1: attention layer, choose it to show its heads").arg(name));
        }
    }
    m_quiet = false;
    fitColumns();
}

bool ModelPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_tree->viewport() && event->type() == QEvent::Resize)
        fitColumns();
    return QWidget::eventFilter(watched, event);
}

void ModelPanel::fitColumns()
{
    QHeaderView *header = m_tree->header();
    int natural[4] = {};
    for (int c = 0; c < 4; ++c) {
        m_tree->resizeColumnToContents(c);
        natural[c] = header->sectionSize(c);
    }
    const int available = m_tree->viewport()->width();
    const int left = available - natural[2] - natural[3];
    if (natural[0] + natural[1] <= left || left <= 0)
        return; // everything fits (or nothing would): natural widths
    // Give the name at least half of what is left, the class the rest, neither more than needed.
    const int name = std::min(natural[0], std::max(left / 2, left - natural[1]));
    header->resizeSection(0, name);
    header->resizeSection(1, left - name);
}

void ModelPanel::clear()
{
    m_tree->clear();
    m_summary->setText(tr("No model open."));
}

void ModelPanel::setCurrentAttention(int attentionIndex)
{
    m_quiet = true;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_tree->topLevelItem(i);
        if (item->data(0, kAttentionRole).toInt() == attentionIndex && attentionIndex >= 0) {
            m_tree->setCurrentItem(item);
            break;
        }
    }
    m_quiet = false;
}

QString ModelPanel::summaryText() const
{
    return m_summary->text();
}

} // namespace attnlens
