#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <hdf5.h>

namespace attnlens {

/// Reads `count` strings stored with the HDF5 string type `fileType` (variable or fixed length,
/// ASCII or UTF-8) from an attribute or a dataset: `read(memoryType, buffer)` is H5Aread or
/// H5Dread with that memory type. Fixed-length strings end at their first NUL and lose trailing
/// spaces (h5py and Keras pad with either). Returns nullopt when the read fails or the type has
/// size 0. The caller silences HDF5's error printing (core/io/hdf5_quiet.h).
std::optional<std::vector<std::string>> readStrings(
    hid_t fileType, std::size_t count, const std::function<herr_t(hid_t, void *)> &read);

} // namespace attnlens
