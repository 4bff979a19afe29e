// Compiled with attnlens::core's include paths and flags only. It must NOT compile: core/ has
// no Qt, and the core_rejects_qt test fails if a change ever hands Qt to the core target.
#include <QString>

#include "core/tensor/tensor.h"

int probe()
{
    return QString("core must not see Qt").size();
}
