#pragma once

#include <string>
#include <vector>

#include "core/tensor/tensor.h"

namespace attnlens {

/// One array read from a .npy, .npz or HDF5 file: numbers as float32 in C order, or text.
struct ArrayData
{
    Shape shape;
    std::string dtype;                ///< descr as written, e.g. "<f8", "|b1", "<U12"
    bool isText = false;              ///< a 'U' (unicode) or 'S' (bytes) array
    std::vector<float> values;        ///< C order, when !isText
    std::vector<std::string> strings; ///< C order, UTF-8, when isText
    bool integers = false;            ///< an integer or bool dtype
};

} // namespace attnlens
