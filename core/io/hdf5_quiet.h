#pragma once

#include <hdf5.h>

namespace attnlens {

/// Turns off HDF5's automatic error printing (the "HDF5-DIAG: Error detected ..." stack on
/// stderr) on the calling thread while it lives, and restores the previous handler after. We
/// report failures ourselves, once, as exceptions, and clear the thread's error stack when done.
///
/// Create one at every entry point that calls HDF5: a thread-safe HDF5 (Debian's) keeps this
/// setting per thread, so a process-wide switch set once silences only the thread that set it,
/// and the desktop opens models on pool threads. Not copyable or movable: it is a scope.
class Hdf5Quiet
{
public:
    Hdf5Quiet()
    {
        H5Eget_auto2(H5E_DEFAULT, &m_function, &m_data);
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }
    ~Hdf5Quiet()
    {
        // A failed call leaves its error stack on this thread, and HDF5 never frees a thread's
        // stack when the thread ends (LeakSanitizer: 24 strings per failed open on a pool
        // thread, and "infinite loop closing library" at exit). By now every failure has been
        // turned into an exception, so the stack is done with.
        H5Eclear2(H5E_DEFAULT);
        H5Eset_auto2(H5E_DEFAULT, m_function, m_data);
    }
    Hdf5Quiet(const Hdf5Quiet &) = delete;
    Hdf5Quiet &operator=(const Hdf5Quiet &) = delete;

private:
    H5E_auto2_t m_function = nullptr;
    void *m_data = nullptr;
};

} // namespace attnlens
