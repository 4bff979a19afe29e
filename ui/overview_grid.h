#pragma once

#include <vector>

#include <QImage>
#include <QStringList>
#include <QWidget>

#include "ui/head_matrix.h"

class QTableWidget;

namespace attnlens {

/// The whole model at a glance: one thumbnail per head (rows) and attention call (columns) for
/// the current sample. Clicking a thumbnail emits cellChosen for that call and head.
class OverviewGrid : public QWidget
{
    Q_OBJECT
public:
    explicit OverviewGrid(QWidget *parent = nullptr);

    /// `thumbnails[call][head]`; calls may have different head counts. `callNames` (attention
    /// keys) label the columns.
    void setThumbnails(
        const QStringList &callNames, const std::vector<std::vector<QImage>> &thumbnails);
    void clear();
    /// Outlines the shown cell (no signal).
    void setCurrent(int attention, const HeadChoice &choice);

    QTableWidget *table() const { return m_table; }

signals:
    void cellChosen(int attention, const attnlens::HeadChoice &choice);

private:
    QTableWidget *m_table = nullptr;
    bool m_quiet = false;
};

} // namespace attnlens
