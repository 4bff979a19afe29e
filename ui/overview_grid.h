#pragma once

#include <vector>

#include <QImage>
#include <QStringList>
#include <QWidget>

#include "ui/head_matrix.h"

class QCheckBox;
class QTableWidget;

namespace attnlens {

/// The whole model at a glance: one thumbnail per head (rows) and attention call (columns) for
/// the current sample. Clicking a thumbnail emits cellChosen for that call and head. The cells
/// shrink to fit the dock (down to kMinimumSide); call names elide at the start ("…ock_3/mha"),
/// whole on hover; "One colour range" draws every cell on the model's range, so that cells
/// compare.
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
    /// True when every cell is drawn on one colour range (the checkbox).
    bool sharedRange() const;
    /// The side of a cell's thumbnail now, in pixels.
    int cellSide() const { return m_side; }

    static constexpr int kMaximumSide = 72;
    static constexpr int kMinimumSide = 24;

signals:
    void cellChosen(int attention, const attnlens::HeadChoice &choice);
    /// The "One colour range" checkbox changed: the thumbnails must be drawn again.
    void sharedRangeChanged(bool shared);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void fitCells();

    QTableWidget *m_table = nullptr;
    QCheckBox *m_shared = nullptr;
    QStringList m_callNames; ///< whole, for eliding the headers again at another cell size
    int m_side = kMaximumSide;
    bool m_quiet = false;
};

} // namespace attnlens
