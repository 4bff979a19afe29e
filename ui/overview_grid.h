#pragma once

#include <vector>

#include <QImage>
#include <QStringList>
#include <QWidget>

#include "ui/head_matrix.h"

class QTableWidget;

namespace attnlens {

/// The whole model at a glance: one thumbnail per head (rows) and attention layer (columns) for
/// the current sample. Clicking a thumbnail emits cellChosen for that layer and head.
class OverviewGrid : public QWidget
{
    Q_OBJECT
public:
    explicit OverviewGrid(QWidget *parent = nullptr);

    /// `thumbnails[layer][head]`; layers may have different head counts. `layerNames` labels the
    /// columns.
    void setThumbnails(
        const QStringList &layerNames, const std::vector<std::vector<QImage>> &thumbnails);
    void clear();
    /// Outlines the shown cell (no signal).
    void setCurrent(int layer, const HeadChoice &choice);

    QTableWidget *table() const { return m_table; }

signals:
    void cellChosen(int layer, const attnlens::HeadChoice &choice);

private:
    QTableWidget *m_table = nullptr;
    bool m_quiet = false;
};

} // namespace attnlens
