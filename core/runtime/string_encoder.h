#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/tensor/tensor.h"

namespace attnlens {

/// What a model does to a text input before its first layer runs: Keras's TextVectorization
/// (standardize, split, look up, pad) or StringLookup (look up, maybe one-hot encode), as
/// keras/src/layers/preprocessing/text_vectorization.py and index_lookup.py compute them.
/// AttnLens holds no string tensors: the data loader encodes a text column with this when it
/// reads the file, and the model runs on the ids (the lookup layer itself passes them on).
struct StringEncoding
{
    enum class Standardize
    {
        None,
        Lower,                   ///< ASCII letters only, as tf.strings.lower without encoding
        StripPunctuation,        ///< removes the 32 ASCII punctuation characters
        LowerAndStripPunctuation ///< lower first, then strip
    };
    enum class Split
    {
        None,       ///< the whole cell is one token
        Whitespace, ///< runs of ASCII whitespace separate tokens; none at the ends
        Character   ///< every UTF-8 character is a token
    };
    enum class Output
    {
        Int,      ///< the index of each token
        OneHot,   ///< one row of `depth` per cell (a last axis of 1 is replaced)
        MultiHot, ///< 1 for every index present in the sample's cells
        Count     ///< how often each index occurs in the sample's cells
    };

    std::string layerName; ///< the Keras layer, for messages
    std::string className; ///< "TextVectorization" or "StringLookup"
    Standardize standardize = Standardize::None;
    Split split = Split::None;
    Output output = Output::Int;
    /// Index i's term (Keras's get_vocabulary(include_special_tokens=True)): in Int mode the
    /// mask token first when there is one, then the OOV token(s), then the words.
    std::vector<std::string> vocabulary;
    std::optional<std::string> maskToken; ///< cells equal to it give 0 (Int) or nothing
    int oovIndices = 1; ///< 0: an unknown term is an error; 1: it gets the OOV index
    /// TextVectorization in Int mode: a sample's terms become one sequence, padded with 0 or cut
    /// to sequenceLength (its compute_output_shape is (batch, output_sequence_length), split or
    /// not). StringLookup keeps its input's shape instead.
    bool sequence = false;
    /// With `sequence`: pad with 0 or cut to this many tokens; -1 = the longest sample of the
    /// data (one term per sample when the text is not split).
    std::int64_t sequenceLength = -1;
    /// Width of the encoded axis in the other modes (the vocabulary's size, or max_tokens with
    /// pad_to_max_tokens).
    std::int64_t depth = 0;
};

/// Encodes text cells into the ids (or one-hot rows) the model's first layers take.
/// Immutable; encode() is const and thread-safe.
class StringEncoder
{
public:
    /// Throws InputFileError for a vocabulary with a repeated term (Keras refuses it too).
    explicit StringEncoder(StringEncoding encoding);

    const StringEncoding &encoding() const { return m_encoding; }
    const std::vector<std::string> &vocabulary() const { return m_encoding.vocabulary; }

    /// The encoded shape of a text input of Keras shape `input` (batch axis -1): a sequence
    /// (N, 1) or (N,) -> (N, L); StringLookup's Int keeps the shape; OneHot / MultiHot / Count as
    /// Keras's compute_output_shape. Throws ShapeError for a shape the layer cannot take.
    Shape encodedShape(const Shape &input) const;

    /// The terms of one cell after standardize and split (before lookup).
    std::vector<std::string> terms(std::string_view cell) const;

    /// The index of one term: the mask token 0, a word its index, an unknown word the OOV
    /// index; nullopt for an unknown word when the layer has no OOV index.
    std::optional<std::int64_t> indexOf(const std::string &term) const;

    /// One sample's problem found while encoding (an unknown word with no OOV index, a cell that
    /// is not UTF-8); `cell` is the index of the cell within the sample.
    struct Problem
    {
        std::int64_t sample = 0;
        std::int64_t cell = 0;
        std::string reason;
    };

    /// Encodes `cells` ((N, width) text cells, row-major) into a tensor of encodedShape with
    /// N samples. A sequence with no sequence length is padded to its longest sample.
    /// Problems are appended; their samples hold zeros.
    Tensor encode(const std::vector<std::string> &cells, std::int64_t samples, std::int64_t width,
        const Shape &inputShape, std::vector<Problem> &problems) const;

    /// "TextVectorization 'vectorize': lower and strip punctuation, split on whitespace, 20,002
    /// terms, 100 tokens" for `info` and the model panel.
    std::string describe() const;

private:
    std::vector<std::int64_t> cellIndices(std::string_view cell, std::int64_t sample,
        std::int64_t c, std::vector<Problem> &problems) const;

    StringEncoding m_encoding;
    std::unordered_map<std::string, std::int64_t> m_index;
    std::int64_t m_oovIndex = -1; ///< -1 when there is no OOV index
};

} // namespace attnlens
