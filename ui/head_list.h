#pragma once

#include <vector>

#include <QImage>
#include <QWidget>

#include "ui/head_matrix.h"

class QCheckBox;
class QListWidget;

namespace attnlens {

/// The heads of the shown attention layer as a list of small thumbnails, followed by "mean of
/// heads" and "max of heads". ] / Ctrl+Right and [ / Ctrl+Left step through it (MainWindow owns
/// those shortcuts and calls selectNext/selectPrevious). Each head shows its sharpness (mean
/// normalised row entropy: 0 = every query on one key, 1 = uniform), the sharpest is marked,
/// and "Sort by sharpness" lists the heads from the sharpest to the flattest.
class HeadList : public QWidget
{
    Q_OBJECT
public:
    explicit HeadList(QWidget *parent = nullptr);

    /// One thumbnail per head, then the mean and max thumbnails; `entropy[h]` is head h's
    /// sharpness (empty: none shown). Keeps the current choice when it still exists. Emits
    /// nothing.
    void setThumbnails(const std::vector<QImage> &heads, const QImage &mean, const QImage &max,
        const std::vector<float> &entropy = {});
    void clear();
    int headCount() const { return m_heads; }

    HeadChoice current() const;
    /// Selects `choice` without emitting headChosen.
    void setCurrent(const HeadChoice &choice);
    /// Next / previous entry in the list's order, wrapping around; emits headChosen.
    void selectNext();
    void selectPrevious();
    /// Lists the heads sharpest first (when sharpness is known), else in head order.
    void setSortBySharpness(bool sort);
    /// The sharpest head, -1 when no sharpness is known.
    int sharpestHead() const;

    QListWidget *list() const { return m_list; }
    QCheckBox *sortBox() const { return m_sort; }

signals:
    void headChosen(const attnlens::HeadChoice &choice);

private:
    void step(int delta);
    void rebuild();
    HeadChoice choiceAt(int row) const;
    int rowOf(const HeadChoice &choice) const;

    QListWidget *m_list = nullptr;
    QCheckBox *m_sort = nullptr;
    int m_heads = 0;
    std::vector<QImage> m_images; ///< heads, then mean and max
    std::vector<float> m_entropy;
    bool m_quiet = false;
};

} // namespace attnlens
