#pragma once

#include <stdexcept>
#include <string>

namespace attnlens {

/// Base of every error the core reports to a user. The message says what went wrong, where
/// (file, layer, line, column) and what to do next; the UI and the CLI print it as it is.
class Error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// A model or data file that cannot be read: missing, truncated, corrupt, not a Keras file,
/// weights that disagree with the architecture, a dataset with ragged rows. CLI exit code 2.
class InputFileError : public Error
{
public:
    using Error::Error;
};

/// A well-formed model that AttnLens cannot run: an unknown layer class, a Lambda layer (Python
/// code is never executed), an option of a known layer that is not implemented. CLI exit code 3.
class UnsupportedModelError : public Error
{
public:
    using Error::Error;
};

/// Input values that do not fit the model (wrong width, wrong rank, too large). CLI exit code 2.
class ShapeError : public Error
{
public:
    using Error::Error;
};

} // namespace attnlens
