#pragma once

#include <vector>

#include <QImage>
#include <QWidget>

#include "ui/head_matrix.h"

class QListWidget;

namespace attnlens {

/// The heads of the shown attention layer as a list of small thumbnails, followed by "mean of
/// heads" and "max of heads". ] / Ctrl+Right and [ / Ctrl+Left step through it (MainWindow owns
/// those shortcuts and calls selectNext/selectPrevious).
class HeadList : public QWidget
{
    Q_OBJECT
public:
    explicit HeadList(QWidget *parent = nullptr);

    /// One thumbnail per head, then the mean and max thumbnails. Keeps the current choice when
    /// it still exists. Emits nothing.
    void setThumbnails(const std::vector<QImage> &heads, const QImage &mean, const QImage &max);
    void clear();
    int headCount() const { return m_heads; }

    HeadChoice current() const;
    /// Selects `choice` without emitting headChosen.
    void setCurrent(const HeadChoice &choice);
    /// Next / previous entry, wrapping around; emits headChosen.
    void selectNext();
    void selectPrevious();

    QListWidget *list() const { return m_list; }

signals:
    void headChosen(const attnlens::HeadChoice &choice);

private:
    void step(int delta);
    static HeadChoice choiceAt(int row, int heads);
    static int rowOf(const HeadChoice &choice, int heads);

    QListWidget *m_list = nullptr;
    int m_heads = 0;
    bool m_quiet = false;
};

} // namespace attnlens
