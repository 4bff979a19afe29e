#pragma once

namespace attnlens::colormaps {

/// matplotlib's 256-entry RGB tables (components in [0, 1]), entry 0 = lowest value.
extern const float kViridisTable[256][3];
extern const float kMagmaTable[256][3];
extern const float kInfernoTable[256][3];
extern const float kPlasmaTable[256][3];
extern const float kCividisTable[256][3];

} // namespace attnlens::colormaps
