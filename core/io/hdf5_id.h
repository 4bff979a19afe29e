#pragma once

#include <utility>

#include <hdf5.h>

namespace attnlens {

/// Owns one HDF5 identifier (file, group, dataset, attribute, datatype, dataspace, property
/// list) and closes it with the matching H5?close function. Move-only.
class Hdf5Id
{
public:
    using Closer = herr_t (*)(hid_t);

    Hdf5Id() = default;
    Hdf5Id(hid_t id, Closer closer)
        : m_id(id)
        , m_closer(closer)
    {
    }
    ~Hdf5Id() { reset(); }
    Hdf5Id(Hdf5Id &&other) noexcept
        : m_id(std::exchange(other.m_id, H5I_INVALID_HID))
        , m_closer(other.m_closer)
    {
    }
    Hdf5Id &operator=(Hdf5Id &&other) noexcept
    {
        if (this != &other) {
            reset();
            m_id = std::exchange(other.m_id, H5I_INVALID_HID);
            m_closer = other.m_closer;
        }
        return *this;
    }
    Hdf5Id(const Hdf5Id &) = delete;
    Hdf5Id &operator=(const Hdf5Id &) = delete;

    hid_t get() const { return m_id; }
    bool valid() const { return m_id >= 0; }
    void reset()
    {
        if (m_id >= 0 && m_closer != nullptr)
            m_closer(m_id);
        m_id = H5I_INVALID_HID;
    }

private:
    hid_t m_id = H5I_INVALID_HID;
    Closer m_closer = nullptr;
};

} // namespace attnlens
