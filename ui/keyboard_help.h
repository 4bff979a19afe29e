#pragma once

#include <QString>

namespace attnlens {

/// The Help > Keyboard text (HTML): every shortcut of the window, in one place.
QString keyboardHelpText();

} // namespace attnlens
