#pragma once

#include <QWidget>

#include "core/runtime/model.h"

class QLabel;
class QTreeWidget;

namespace attnlens {

/// The model at a glance: name, file format, Keras version, parameter count, and its layers
/// (name, class, output shape, parameters) with the attention layers marked. Choosing an
/// attention layer (click or Enter) emits attentionChosen with the index in
/// Model::attentionLayers() of its attention call (the first one of a layer called more than
/// once).
class ModelPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ModelPanel(QWidget *parent = nullptr);

    void showModel(const Model &model);
    void clear();
    /// Highlights the layer of attention call `attentionIndex` (no signal).
    void setCurrentAttention(int attentionIndex);

    QTreeWidget *tree() const { return m_tree; }
    QString summaryText() const;

signals:
    void attentionChosen(int attention);

protected:
    /// Refits the columns when the tree's viewport changes size (dock resized, or the vertical
    /// scroll bar came or went).
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    /// Output shape and parameters at their full width; name and class share what is left
    /// (elided in the middle, full text in the tooltip), so nothing is cut at the right edge.
    void fitColumns();

    QLabel *m_summary = nullptr;
    QTreeWidget *m_tree = nullptr;
    bool m_quiet = false;
};

} // namespace attnlens
