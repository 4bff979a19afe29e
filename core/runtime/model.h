#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/runtime/layer.h"
#include "core/runtime/string_encoder.h"
#include "core/tensor/tensor.h"

namespace attnlens {

class Graph;

/// Which Keras file layout a model was read from.
enum class ModelFormat
{
    KerasArchive,   ///< Keras 3 / tf-keras `.keras` zip (config.json + model.weights.h5)
    LegacyH5,       ///< `model.save("m.h5")`: model_config attribute + model_weights/
    WeightsH5,      ///< Keras 3 `.weights.h5` (layers/<key>/vars/<i>) with an architecture JSON
    LegacyWeightsH5 ///< Keras 2/3 `save_weights("w.h5")` (layer_names at the root) with a JSON
};

/// Short human name of a format ("Keras archive (.keras)", ...).
std::string formatName(ModelFormat format);

/// One layer as `attnlens-cli info` and the model panel list it.
struct LayerInfo
{
    std::string name;      ///< Keras layer name
    std::string className; ///< Keras class name, e.g. "MultiHeadAttention"
    Shape outputShape;     ///< first output's shape; -1 = unknown (the batch axis is always -1)
    std::int64_t parameters = 0; ///< number of weight values
    bool isAttention = false;
    /// The function the layer applies last, by its Keras name ("softmax", "sigmoid", "linear",
    /// "relu"): its `activation` setting, or "softmax" for a Softmax layer; empty when the layer
    /// has no activation. Tells a classifier's output (probabilities) from a regression's.
    std::string activation;
    int outputIndex = -1; ///< i when the layer produces model output i (the first such), else -1
    /// A custom layer run from a recipe (its Python code is not in the file): the recipe's
    /// label, "built-in recipe 'keras-io TransformerBlock'" or "recipe 'X' (path)"; else empty.
    std::string recipe;
    /// The file of that recipe when it is not a built-in one (a --recipe file or one of the
    /// user recipe folder), so a session can name it; else empty.
    std::string recipeFile;
};

/// One model input.
struct InputInfo
{
    std::string name;        ///< the InputLayer's name (datasets name arrays after it)
    Shape shape;             ///< with the batch axis, which is -1; other -1 are free lengths
    bool integerIds = false; ///< true when the input feeds an Embedding (token ids)
    /// A text input (Keras dtype "string"): how its text becomes the ids `shape` describes (the
    /// TextVectorization or StringLookup layer it feeds); null for a number input.
    std::shared_ptr<const StringEncoder> encoder;
    /// A text input's shape as Keras declares it, (None, cells) or (None,): the text cells of a
    /// sample, before `encoder` turns them into `shape`. Empty for a number input.
    Shape textShape;
};

/// What the positions along one attention axis stand for, traced back through the graph.
struct AxisOrigin
{
    enum class Kind
    {
        Unknown,   ///< cannot be traced to an input axis
        Features,  ///< the input's feature columns (features-as-tokens: Reshape (F) -> (F, 1))
        TimeSteps, ///< the input's time axis of a (N, T, C) sequence
        Tokens,    ///< token ids fed to an Embedding
        /// channels a layer made itself (TabularAttention's `sample_attention` attends among
        /// its d_model projected channels): no input's positions, whatever the layer calls them
        LatentChannels
    };
    Kind kind = Kind::Unknown;
    int inputIndex = -1; ///< index into Model::inputs(), -1 when unknown
};

/// One call of one attention layer. A layer called twice has two entries: `key` is the layer
/// name for the first call and "<name>@<k>" for call k >= 1. A layer that holds several
/// attention sublayers (KerasFactory's TabularAttention) has one entry per sublayer and call,
/// keyed "<name>/<attribute>" ("tabular_attention/feature_attention", "blk@1/mha").
struct AttentionLayerInfo
{
    std::string key;
    std::string layerName;
    std::string className; ///< "MultiHeadAttention" or "InterpretableMultiHeadAttention"
    std::string attribute; ///< the sublayer's attribute for an attention part, else empty
    int callIndex = 0;
    int heads = 0;
    int keyDim = 0;
    int valueDim = 0;
    std::int64_t queryLength = -1; ///< T_query (product of the attention axes); -1 if free
    std::int64_t keyLength = -1;   ///< T_key
    AxisOrigin queryOrigin;
    AxisOrigin keyOrigin;
    /// True when the query and the key (or value, when no key is given) are the same tensor:
    /// self-attention, which chains from call to call (attention rollout).
    bool selfAttention = false;
};

/// One set of weights over features, experts or modules that a layer computes (VariableSelection's
/// variable importances, ColumnAttention's feature weights, TabularMoELayer's expert gates,
/// SparseAttentionWeighting's module weights), per call like attention: `key` is the layer name,
/// "<name>@<k>" for call k >= 1, and "/<attribute>" appended for a layer with several sets.
/// For a bar chart: one bar per position, labelled by featureWeightLabels
/// (core/data/axis_labels.h).
struct FeatureWeightsInfo
{
    std::string key;
    std::string layerName;
    std::string className;
    int callIndex = 0;
    WeightsOver over = WeightsOver::Features;
    /// True when the weights are learned constants (the same for every sample): RunResult then
    /// holds them once, shape (count,), instead of (N, count).
    bool isStatic = false;
    std::int64_t count = -1; ///< number of features, experts or modules
    /// over == Features: Features (with the input) when the weighted positions are a model
    /// input's feature columns (names from the data), TimeSteps/Tokens likewise, else Unknown.
    AxisOrigin origin;
};

/// The feature weights of one FeatureWeightsInfo for a batch.
struct FeatureWeights
{
    std::string key; ///< FeatureWeightsInfo::key
    Tensor weights;  ///< (N, count), or (count,) when static; softmax rows sum to 1
};

/// General facts about the model file.
struct ModelSummary
{
    std::string name; ///< the model's Keras name
    /// "Functional" or "Sequential"; a subclassed model run as a graph by its registered name
    /// ("kerasfactory>BaseFeedForwardModel")
    std::string className;
    ModelFormat format = ModelFormat::KerasArchive;
    std::string kerasVersion; ///< as written in the file, empty when the file does not say
    std::filesystem::path file;
    std::string sha256; ///< of the model file's bytes, 64 hex digits (set by Model::open)
    std::int64_t parameters = 0;
};

/// Scores of one attention call for a batch.
struct AttentionScores
{
    std::string key; ///< AttentionLayerInfo::key
    Tensor scores;   ///< (N, heads, T_query, T_key); rows sum to 1 (or 0 where fully masked)
};

/// What one forward pass returns.
struct RunResult
{
    std::vector<Tensor> outputs;            ///< model output i, shape (N, ...)
    std::vector<AttentionScores> attention; ///< in AttentionLayerInfo order
    /// Every FeatureWeightsInfo's weights, in featureWeightLayers() order (always computed).
    std::vector<FeatureWeights> featureWeights;
};

/// What one sample shows (Model::runSample), without the batch axis.
struct SampleResult
{
    std::vector<Tensor> attention;      ///< per attention call: (heads, T_query, T_key)
    std::vector<Tensor> featureWeights; ///< per FeatureWeightsInfo: (count,)
    std::vector<Tensor> outputs;        ///< model output i, without the batch axis
};

struct RunOptions
{
    bool captureAttention = true;
    /// When non-empty, only these attention keys are captured (others are computed, not stored).
    std::vector<std::string> onlyKeys;
    /// Rows per internal batch: bounds the memory of captured scores and intermediates.
    std::int64_t batchSize = 64;
    /// Called after each internal batch with (rows done, rows total); return false to cancel,
    /// in which case run() throws Cancelled.
    std::function<bool(std::int64_t, std::int64_t)> progress;
};

/// Thrown by Model::run when RunOptions::progress asked to stop.
struct Cancelled
{
};

struct LoadOptions
{
    /// Refuse a model whose weights or per-sample activations would need more than this.
    std::int64_t memoryCapBytes = std::int64_t(8) << 30;
    /// Recipe files for custom layers (docs/recipes.md), tried before the user recipe folder
    /// and the built-in recipes; the first given wins.
    std::vector<std::filesystem::path> recipeFiles;
    /// Also read the *.json recipes of the user recipe folder ($XDG_CONFIG_HOME/attnlens/recipes).
    bool userRecipes = true;
};

/// A Keras model ready to run. Immutable once opened: share it as std::shared_ptr<const Model>;
/// run() is const and safe to call from several threads at once.
class Model
{
public:
    /// Opens a `.keras`, a legacy `.h5`, or a weights-only file with its architecture JSON
    /// (`configFile`, from `model.to_json()`). The format is detected by content. Defined by the
    /// Keras loader (core/keras/model_builder.cpp), so the runtime itself knows no Keras file.
    /// Throws InputFileError (unreadable or inconsistent file) or UnsupportedModelError.
    static std::shared_ptr<const Model> open(const std::filesystem::path &file,
        const std::optional<std::filesystem::path> &configFile = std::nullopt,
        const LoadOptions &options = {});

    ~Model();
    Model(const Model &) = delete;
    Model &operator=(const Model &) = delete;

    const ModelSummary &summary() const;
    const std::vector<LayerInfo> &layers() const;
    const std::vector<InputInfo> &inputs() const;
    /// Output shapes, batch axis -1.
    const std::vector<Shape> &outputShapes() const;
    const std::vector<AttentionLayerInfo> &attentionLayers() const;
    /// The layers' weights over features, experts or modules (empty for most models).
    const std::vector<FeatureWeightsInfo> &featureWeightLayers() const;
    /// Non-fatal findings made while opening (NaN or Inf in weights, ...), one sentence each.
    const std::vector<std::string> &warnings() const;

    /// Forward pass on a batch: one tensor per model input, each (N, ...) with the same N.
    /// Throws ShapeError when an input does not fit.
    RunResult run(const std::vector<Tensor> &inputs, const RunOptions &options = {}) const;

    /// Everything one sample shows (row `row` of `inputs`), from one forward pass of that row:
    /// the scores of every attention call (SampleResult::attention, one per attentionLayers()
    /// entry, each (heads, T_query, T_key)) and every set of feature weights
    /// (SampleResult::featureWeights, one per featureWeightLayers() entry, each (count,)).
    /// Throws ShapeError when `row` is outside the inputs or they do not fit.
    SampleResult runSample(const std::vector<Tensor> &inputs, std::int64_t row) const;

    /// The scores of one attention call for one sample (row `row` of `inputs`), shape
    /// (heads, T_query, T_key), computed without materialising any other sample's scores.
    Tensor attentionForSample(
        const std::vector<Tensor> &inputs, std::int64_t row, const std::string &attentionKey) const;

    /// What the model holds (core/runtime/model_impl.h); only the loader and the runtime see it.
    struct Impl;

private:
    Model();
    std::unique_ptr<Impl> m_impl;
};

} // namespace attnlens
