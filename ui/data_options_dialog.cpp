#include "ui/data_options_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/predictions.h"

namespace attnlens {

namespace {

constexpr int kNameRole = Qt::UserRole;

QString qs(const std::string &text)
{
    return QString::fromStdString(text);
}

QString shapeText(const Shape &shape)
{
    return qs(shapeToString(shape));
}

std::vector<std::string> splitNames(const QString &text)
{
    std::vector<std::string> names;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString name = part.trimmed();
        if (!name.isEmpty())
            names.push_back(name.toStdString());
    }
    return names;
}

} // namespace

DataOptionsDialog::DataOptionsDialog(const Model &model, const QString &dataFile,
    std::vector<DataColumn> columns, const DatasetOptions &guess, const DatasetOptions &options,
    QWidget *parent)
    : QDialog(parent)
    , m_columnInfo(std::move(columns))
    , m_guess(guess)
    , m_classes(classCount(model))
    , m_explicitFeatures(!options.featureColumns.empty())
{
    setObjectName(QStringLiteral("dataOptionsDialog"));
    setWindowTitle(tr("Data Options — %1").arg(QFileInfo(dataFile).fileName()));
    QString inputText;
    QString stepsText = tr("None (numbered steps)");
    if (!model.inputs().empty()) {
        const InputInfo &input = model.inputs().front();
        const std::size_t rank = input.shape.size();
        m_sequence = rank == 3;
        m_width = rank == 1 ? 1 : input.shape.back();
        if (m_sequence && input.shape[1] > 1)
            stepsText = tr("None (t-%1 … t0)").arg(input.shape[1] - 1);
        inputText = m_sequence
            ? tr("Input '%1' takes %2: each CSV row is one time step of %3 values; a sample is a "
                 "window of consecutive rows.")
                  .arg(qs(input.name), shapeText(input.shape))
                  .arg(m_width)
            : tr("Input '%1' takes %2: each CSV row is one sample of %3 values.")
                  .arg(qs(input.name), shapeText(input.shape))
                  .arg(m_width);
    }

    // Every widget below is owned by this dialog through its layouts.
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(inputText, this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *featureBox
        = new QGroupBox(tr("Features: checked columns, fed to the model top to bottom"), this);
    auto *featureLayout = new QHBoxLayout(featureBox);
    m_features = new QListWidget(featureBox);
    m_features->setObjectName(QStringLiteral("featureList"));
    m_features->setDragDropMode(QAbstractItemView::InternalMove);
    m_features->setDefaultDropAction(Qt::MoveAction);
    m_features->setMinimumSize(360, 160);
    m_features->installEventFilter(this);
    featureLayout->addWidget(m_features, 1);
    auto *buttons = new QVBoxLayout;
    auto *up = new QPushButton(tr("Move &Up"), featureBox);
    up->setObjectName(QStringLiteral("moveUpButton"));
    up->setToolTip(tr("Feed the selected column earlier (Alt+Up in the list)"));
    auto *down = new QPushButton(tr("Move &Down"), featureBox);
    down->setObjectName(QStringLiteral("moveDownButton"));
    down->setToolTip(tr("Feed the selected column later (Alt+Down in the list)"));
    buttons->addWidget(up);
    buttons->addWidget(down);
    buttons->addStretch(1);
    featureLayout->addLayout(buttons);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("featureCount"));
    layout->addWidget(featureBox, 1);
    layout->addWidget(m_count);

    auto *form = new QFormLayout;
    m_id = new QComboBox(this);
    m_id->setObjectName(QStringLiteral("idBox"));
    m_target = new QComboBox(this);
    m_target->setObjectName(QStringLiteral("targetBox"));
    m_time = new QComboBox(this);
    m_time->setObjectName(QStringLiteral("timeBox"));
    m_stride = new QSpinBox(this);
    m_stride->setObjectName(QStringLiteral("strideBox"));
    m_stride->setRange(1, 1000000);
    m_stride->setValue(
        static_cast<int>(std::clamp<std::int64_t>(options.windowStride, 1, 1000000)));
    m_predictions = new QComboBox(this);
    m_predictions->setObjectName(QStringLiteral("predictionBox"));
    m_classNames = new QLineEdit(this);
    m_classNames->setObjectName(QStringLiteral("classNamesEdit"));
    m_classNames->setPlaceholderText(tr("from the targets; or e.g. benign, malignant"));
    form->addRow(tr("Sample &id:"), m_id);
    form->addRow(tr("&Target:"), m_target);
    form->addRow(tr("Time steps &named by:"), m_time);
    form->addRow(tr("Window &stride (rows):"), m_stride);
    form->addRow(tr("&Predictions:"), m_predictions);
    form->addRow(tr("&Class names:"), m_classNames);
    layout->addLayout(form);

    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("problemText"));
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_problem->setVisible(false);
    layout->addWidget(m_problem);

    auto *box = new QDialogButtonBox(this);
    m_apply = box->addButton(tr("&Re-read Data"), QDialogButtonBox::AcceptRole);
    m_apply->setObjectName(QStringLiteral("applyButton"));
    m_apply->setDefault(true);
    QPushButton *reset = box->addButton(tr("Restore &Guess"), QDialogButtonBox::ResetRole);
    reset->setObjectName(QStringLiteral("restoreGuessButton"));
    box->addButton(QDialogButtonBox::Cancel);
    layout->addWidget(box);

    fillFeatures(m_explicitFeatures ? options.featureColumns : guess.featureColumns);
    fillColumnBox(m_id, guess.idColumn, options.idColumn, tr("None (number the samples)"));
    fillColumnBox(m_target, guess.targetColumn, options.targetColumn, tr("None"));
    fillColumnBox(m_time, guess.timeColumn, options.timeColumn, stepsText);
    const bool classifier = isClassifierOutput(model);
    m_predictions->addItem(classifier
            ? tr("Automatic (classes: the output ends in softmax or sigmoid)")
            : tr("Automatic (values: the output has no softmax or sigmoid)"),
        static_cast<int>(PredictionKind::Automatic));
    m_predictions->addItem(
        tr("Classes (%1)").arg(m_classes), static_cast<int>(PredictionKind::Classes));
    m_predictions->addItem(tr("Values (regression)"), static_cast<int>(PredictionKind::Regression));
    m_predictions->setCurrentIndex(m_predictions->findData(static_cast<int>(options.predictions)));
    QStringList names;
    for (const std::string &name : options.classNames)
        names << qs(name);
    m_classNames->setText(names.join(QStringLiteral(", ")));

    const QString sequenceOnly = tr("Only for inputs whose CSV rows are time steps (None, T, C)");
    m_time->setEnabled(m_sequence);
    m_stride->setEnabled(m_sequence);
    m_time->setToolTip(
        m_sequence ? tr("Its values label the time steps on the map's axes") : sequenceOnly);
    m_stride->setToolTip(m_sequence
            ? tr("The next window starts this many rows later (1 = every window; the window "
                 "length = windows that do not overlap)")
            : sequenceOnly);
    auto updateClassNames = [this] {
        m_classNames->setEnabled(
            m_predictions->currentData().toInt() != static_cast<int>(PredictionKind::Regression));
    };
    updateClassNames();
    updateCount();

    connect(m_predictions, &QComboBox::currentIndexChanged, this, updateClassNames);
    connect(m_features, &QListWidget::itemChanged, this, [this] {
        m_explicitFeatures = true;
        updateCount();
    });
    connect(m_features->model(), &QAbstractItemModel::rowsMoved, this, [this] {
        m_explicitFeatures = true;
        updateCount();
    });
    connect(up, &QPushButton::clicked, this, [this] { moveCurrentFeature(-1); });
    connect(down, &QPushButton::clicked, this, [this] { moveCurrentFeature(1); });
    connect(reset, &QPushButton::clicked, this, &DataOptionsDialog::restoreGuess);
    connect(m_apply, &QPushButton::clicked, this, &DataOptionsDialog::apply);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

bool DataOptionsDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_features && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->modifiers() == Qt::AltModifier
            && (key->key() == Qt::Key_Up || key->key() == Qt::Key_Down)) {
            moveCurrentFeature(key->key() == Qt::Key_Up ? -1 : 1);
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void DataOptionsDialog::fillFeatures(const std::vector<std::string> &checked)
{
    const QSignalBlocker quiet(m_features);
    m_features->clear();
    auto add = [this](const DataColumn &column, bool on) {
        const QString kind = column.numeric ? tr("numbers") : tr("text");
        const QString text = column.example.empty()
            ? tr("%1   (%2)").arg(qs(column.name), kind)
            : tr("%1   (%2, e.g. %3)").arg(qs(column.name), kind, qs(column.example));
        auto *item = new QListWidgetItem(text, m_features); // owned by the list
        item->setData(kNameRole, qs(column.name));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable
            | Qt::ItemIsDragEnabled);
        item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    };
    // The chosen ones first, in their order (a name, else a position), then the others.
    std::vector<bool> used(m_columnInfo.size(), false);
    for (const std::string &choice : checked) {
        std::size_t found = m_columnInfo.size();
        for (std::size_t c = 0; c < m_columnInfo.size() && found == m_columnInfo.size(); ++c)
            if (m_columnInfo[c].name == choice && !used[c])
                found = c;
        bool isNumber = false;
        const int position = qs(choice).toInt(&isNumber);
        if (found == m_columnInfo.size() && isNumber && position >= 0
            && static_cast<std::size_t>(position) < m_columnInfo.size()
            && !used[static_cast<std::size_t>(position)])
            found = static_cast<std::size_t>(position);
        if (found == m_columnInfo.size())
            continue;
        used[found] = true;
        add(m_columnInfo[found], true);
    }
    for (std::size_t c = 0; c < m_columnInfo.size(); ++c)
        if (!used[c])
            add(m_columnInfo[c], false);
    if (m_features->count() > 0)
        m_features->setCurrentRow(0);
}

void DataOptionsDialog::fillColumnBox(QComboBox *box, const std::string &guess,
    const std::string &chosen, const QString &noneText) const
{
    box->addItem(guess.empty() ? tr("Automatic")
            : guess == "-"     ? tr("Automatic (none found)")
                               : tr("Automatic (guess: %1)").arg(qs(guess)),
        QString());
    box->addItem(noneText, QStringLiteral("-"));
    for (const DataColumn &column : m_columnInfo)
        box->addItem(qs(column.name), qs(column.name));
    int index = box->findData(qs(chosen));
    if (index < 0 && !chosen.empty()) { // a name the file does not have: keep it, visibly
        box->addItem(qs(chosen), qs(chosen));
        index = box->count() - 1;
    }
    box->setCurrentIndex(std::max(0, index));
}

std::vector<std::string> DataOptionsDialog::checkedFeatures() const
{
    std::vector<std::string> names;
    for (int row = 0; row < m_features->count(); ++row) {
        const QListWidgetItem *item = m_features->item(row);
        if (item->checkState() == Qt::Checked)
            names.push_back(item->data(kNameRole).toString().toStdString());
    }
    return names;
}

void DataOptionsDialog::moveCurrentFeature(int delta)
{
    const int row = m_features->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_features->count())
        return;
    {
        const QSignalBlocker quiet(m_features);
        QListWidgetItem *item = m_features->takeItem(row);
        m_features->insertItem(to, item);
        m_features->setCurrentRow(to);
    }
    m_explicitFeatures = true;
    updateCount();
}

void DataOptionsDialog::updateCount()
{
    const auto checked = static_cast<std::int64_t>(checkedFeatures().size());
    const QString noun = m_sequence ? tr("values per time step") : tr("features");
    const bool fits = m_width < 0 || checked == m_width;
    m_count->setText(fits
            ? tr("%1 columns checked; the model takes %2 %3.").arg(checked).arg(m_width).arg(noun)
            : tr("%1 columns checked, but the model takes %2 %3.")
                  .arg(checked)
                  .arg(m_width)
                  .arg(noun));
    m_count->setStyleSheet(fits ? QString() : QStringLiteral("color: #b00020;"));
}

void DataOptionsDialog::restoreGuess()
{
    m_explicitFeatures = false;
    fillFeatures(m_guess.featureColumns);
    for (QComboBox *box : {m_id, m_target, m_time})
        box->setCurrentIndex(0);
    m_stride->setValue(1);
    m_predictions->setCurrentIndex(0);
    m_classNames->clear();
    m_problem->setVisible(false);
    updateCount();
}

DatasetOptions DataOptionsDialog::options() const
{
    DatasetOptions o;
    if (m_explicitFeatures)
        o.featureColumns = checkedFeatures();
    o.idColumn = m_id->currentData().toString().toStdString();
    o.targetColumn = m_target->currentData().toString().toStdString();
    o.timeColumn = m_sequence ? m_time->currentData().toString().toStdString() : std::string();
    o.windowStride = m_sequence ? m_stride->value() : 1;
    o.predictions = static_cast<PredictionKind>(m_predictions->currentData().toInt());
    if (o.predictions != PredictionKind::Regression)
        o.classNames = splitNames(m_classNames->text());
    return o;
}

void DataOptionsDialog::showProblem(const QString &message)
{
    m_problem->setText(message);
    m_problem->setVisible(!message.isEmpty());
}

QString DataOptionsDialog::problem() const
{
    return m_problem->isVisible() ? m_problem->text() : QString();
}

void DataOptionsDialog::apply()
{
    const DatasetOptions chosen = options();
    if (m_explicitFeatures && chosen.featureColumns.empty()) {
        showProblem(tr("No feature column is checked: check the %1 columns to feed to the model, "
                       "or Restore Guess.")
                        .arg(m_width));
        return;
    }
    if (const std::string names = classNamesProblem(m_classes, chosen); !names.empty()) {
        showProblem(tr("Class names: %1.").arg(qs(names)));
        return;
    }
    showProblem(QString());
    emit applyRequested(chosen);
}

} // namespace attnlens
