#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace attnlens {

/// Where an error happened, as far as the code that knows it can tell. Empty strings and
/// negative numbers are unknown. Error::what() formats the known fields in front of the detail:
///
///   <file>: line <line>, column <column>: sample <sample>: layer '<layer>' (<className>): <detail>
struct ErrorContext
{
    std::string file;         ///< a model or data file, as the user named it
    std::string layer;        ///< a Keras layer name
    std::string className;    ///< its class as shown to a user ("Dense", "TFOpLambda tf.add"); may
                              ///< be empty
    std::int64_t line = -1;   ///< 1-based line of a text file
    std::string column;       ///< a column of a data file (its name or number)
    std::int64_t sample = -1; ///< 0-based sample (row of the data) the error was found in
};

/// A text that starts with a layer's context: `context + ": message"` in a layer (where the
/// context is ErrorContext::ofLayer) gives an Error that knows its layer, so nothing outside adds
/// the layer again. Converts to the formatted text where a plain string is wanted.
struct ContextText
{
    ErrorContext context;
    std::string rest; ///< the text after the context, as written (": needs ...", " cannot ...")

    operator std::string() const; // NOLINT(google-explicit-constructor): used as text
};

/// A layer's context as a value that reads as its label ("layer 'x' (Dense)") where a string is
/// wanted, so code that passes a `where` string on keeps working; `where + ": ..."` keeps the
/// fields (see ContextText).
class ErrorWhere
{
public:
    ErrorWhere() = default;
    /// Plain text, for callers that have no layer (kept for the kernels' string interface).
    ErrorWhere(std::string text); // NOLINT(google-explicit-constructor)
    ErrorWhere(const char *text); // NOLINT(google-explicit-constructor)
    /// A layer's context with more words ("layer 'x' (Add) (masks)"), for a helper's messages.
    ErrorWhere(const ContextText &text); // NOLINT(google-explicit-constructor)
    /// A layer: "layer 'name' (className)"; className may be empty, then no parentheses.
    static ErrorWhere ofLayer(std::string name, std::string className, std::string file = {});
    /// A file: `ErrorWhere::ofFile(name) + ": cannot ..."` gives an Error whose file is known.
    static ErrorWhere ofFile(std::string file);

    const ErrorContext &context() const { return m_context; }
    bool hasContext() const { return !m_context.layer.empty() || !m_context.file.empty(); }
    const std::string &suffix() const { return m_suffix; }
    /// "file: layer 'x' (Dense)" for a layer, "file" for a file, the text otherwise.
    std::string label() const;
    operator std::string() const { return label(); } // NOLINT(google-explicit-constructor)

private:
    ErrorContext m_context;
    std::string m_text;   ///< plain text, when neither a layer nor a file is known
    std::string m_suffix; ///< words after the context's label (" (masks)")
};

ContextText operator+(const ErrorWhere &where, std::string_view text);
ContextText operator+(ContextText text, std::string_view more);
std::string operator+(std::string_view text, const ErrorWhere &where);

/// Base of every error the core reports to a user. The message says what went wrong (the
/// detail) and where (the ErrorContext); the UI and the CLI print what() as it is, and catch an
/// Error once per user action.
///
/// The innermost code that knows a field sets it (a layer its name, a reader its file); code
/// further out adds a field with inLayer()/inFile()/atSample() only when it is still unknown, so
/// no context is ever given twice and no message is searched for names.
class Error : public std::runtime_error
{
public:
    explicit Error(const std::string &detail);
    explicit Error(const char *detail);
    Error(const std::string &detail, ErrorContext context);
    /// A message that starts with a layer's context (ErrorWhere + text).
    explicit Error(const ContextText &text);
    /// `other`'s context and detail with `note` appended to the detail: turns an error into
    /// another type (a dry run's ShapeError into an InputFileError) and says why.
    Error(const Error &other, std::string_view note);

    const char *what() const noexcept override { return m_what.c_str(); }
    const std::string &detail() const { return m_detail; }
    const ErrorContext &context() const { return m_context; }

    /// Fill a field of the context if it is still unknown (returns *this for `throw e.inFile()`
    /// sites that rethrow a copy; rethrowing with `throw;` keeps the type).
    Error &inLayer(const std::string &layer, const std::string &className);
    Error &inFile(const std::string &file);
    Error &atSample(std::int64_t sample);

private:
    void format();

    ErrorContext m_context;
    std::string m_detail;
    bool m_detailFollowsLayer = false; ///< the detail continues the layer label (" cannot ...")
    std::string m_what;
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

/// A result that cannot be written: the output folder is missing or read-only, the disk is
/// full, an image cannot be encoded. CLI exit code 4.
class OutputError : public Error
{
public:
    using Error::Error;
};

} // namespace attnlens
