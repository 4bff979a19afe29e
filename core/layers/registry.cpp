#include "core/layers/registry.h"

#include <functional>
#include <map>

#include "core/errors.h"
#include "core/layers/activation_layer.h"
#include "core/layers/advanced_numerical_embedding.h"
#include "core/layers/attention_layer.h"
#include "core/layers/batch_normalization.h"
#include "core/layers/bidirectional.h"
#include "core/layers/category_encoding.h"
#include "core/layers/column_attention.h"
#include "core/layers/concatenate_layer.h"
#include "core/layers/conv1d.h"
#include "core/layers/dense.h"
#include "core/layers/differentiable_tabular_preprocessor.h"
#include "core/layers/distribution_transform_layer.h"
#include "core/layers/einsum_dense.h"
#include "core/layers/embedding.h"
#include "core/layers/flatten_layer.h"
#include "core/layers/gated_feature_fusion.h"
#include "core/layers/gated_linear_unit.h"
#include "core/layers/gated_residual_network.h"
#include "core/layers/get_item.h"
#include "core/layers/global_pooling_1d.h"
#include "core/layers/grouped_query_attention.h"
#include "core/layers/gru.h"
#include "core/layers/identity_layer.h"
#include "core/layers/integer_lookup.h"
#include "core/layers/interpretable_multi_head_attention.h"
#include "core/layers/kerasfactory_identity.h"
#include "core/layers/kerasfactory_refusal.h"
#include "core/layers/layer_normalization.h"
#include "core/layers/lstm.h"
#include "core/layers/masking.h"
#include "core/layers/merge_layer.h"
#include "core/layers/multi_head_attention.h"
#include "core/layers/multi_head_graph_feature_preprocessor.h"
#include "core/layers/multi_resolution_tabular_attention.h"
#include "core/layers/normalization_layer.h"
#include "core/layers/numpy_operation.h"
#include "core/layers/padding_1d.h"
#include "core/layers/permute_layer.h"
#include "core/layers/pooling_1d.h"
#include "core/layers/prelu_layer.h"
#include "core/layers/relu_layer.h"
#include "core/layers/repeat_vector_layer.h"
#include "core/layers/rescaling_layer.h"
#include "core/layers/reshape_layer.h"
#include "core/layers/simple_rnn.h"
#include "core/layers/softmax_layer.h"
#include "core/layers/sparse_attention_weighting.h"
#include "core/layers/stochastic_depth.h"
#include "core/layers/string_lookup.h"
#include "core/layers/tabular_attention.h"
#include "core/layers/tabular_mo_e_layer.h"
#include "core/layers/tf_op_lambda.h"
#include "core/layers/time_distributed.h"
#include "core/layers/transformer_block.h"
#include "core/layers/up_sampling_1d.h"
#include "core/layers/variable_selection.h"

namespace attnlens {

namespace {

using Factory = std::unique_ptr<Layer> (*)(const LayerConfig &);

/// One Keras class: how to build it and how its weights nest. What a built layer says of itself
/// (Layer::positions(), Layer::attention(), its call signature) is answered by the layer.
struct Row
{
    Row(Factory factory, std::vector<Sublayer> parts = {}, bool refusedClass = false)
        : create(factory)
        , sublayers(std::move(parts))
        , refused(refusedClass)
    {
    }

    Factory create = nullptr;
    /// Composite classes: their sublayers in Keras's legacy weight order (empty for the rest).
    std::vector<Sublayer> sublayers;
    /// A class recognised only to be refused with its reason (not listed as supported).
    bool refused = false;
};
using Table = std::map<std::string, Row, std::less<>>;

/// Sublayer `attributes` as saved: Keras 3 >= 3.0.3 public properties first, then Keras 3.0 /
/// tf-keras private ones.
Sublayer child(std::vector<std::string> attributes, std::string className)
{
    return {std::move(attributes), std::move(className), {}};
}

/// A Python list attribute of layers of one class (KerasFactory's `experts`, `feature_grns`).
Sublayer listOf(std::string attribute, std::string className)
{
    return {{std::move(attribute)}, std::move(className), {}, true};
}

/// A KerasFactory class refused with its reason (KerasFactoryRefusal).
Row refusal()
{
    return Row(&KerasFactoryRefusal::fromKeras, {}, true);
}

/// A wrapped layer whose class the config names under `configKey` (Bidirectional).
Sublayer wrapped(std::vector<std::string> attributes, std::string configKey)
{
    return {std::move(attributes), {}, std::move(configKey)};
}

/// GroupedQueryAttention's projections: `_query_dense` ... in Keras 3 files (with the
/// underscore), in the legacy order query, key, value, attention_output.
std::vector<Sublayer> groupedQueryParts()
{
    return {child({"_query_dense", "query_dense"}, "EinsumDense"),
        child({"_key_dense", "key_dense"}, "EinsumDense"),
        child({"_value_dense", "value_dense"}, "EinsumDense"),
        child({"_output_dense", "output_dense"}, "EinsumDense")};
}

const Table &table()
{
    static const Table rows = {
        // --- core, attention, normalization, merge and reshaping layers (layers engineer) ---
        {"Dense", {&Dense::fromKeras}},
        {"EinsumDense", {&EinsumDense::fromKeras}},
        {"MultiHeadAttention",
            {&MultiHeadAttention::fromKeras,
                {
                    child({"query_dense", "_query_dense"}, "EinsumDense"),
                    child({"key_dense", "_key_dense"}, "EinsumDense"),
                    child({"gate_dense", "_gate_dense"}, "EinsumDense"),
                    child({"value_dense", "_value_dense"}, "EinsumDense"),
                    child({"output_dense", "_output_dense"}, "EinsumDense"),
                }}},
        {"InterpretableMultiHeadAttention",
            {&InterpretableMultiHeadAttention::fromKeras, {child({"mha"}, "MultiHeadAttention")}}},
        {"LayerNormalization", {&LayerNormalization::fromKeras}},
        {"BatchNormalization", {&BatchNormalization::fromKeras}},
        {"Normalization", {&NormalizationLayer::fromKeras}},
        {"Rescaling", {&RescalingLayer::fromKeras}},
        {"Dropout", {&IdentityLayer::fromKeras}},
        {"SpatialDropout1D", {&IdentityLayer::fromKeras}},
        {"SpatialDropout2D", {&IdentityLayer::fromKeras}},
        {"SpatialDropout3D", {&IdentityLayer::fromKeras}},
        {"GaussianNoise", {&IdentityLayer::fromKeras}},
        {"GaussianDropout", {&IdentityLayer::fromKeras}},
        {"AlphaDropout", {&IdentityLayer::fromKeras}},
        {"ActivityRegularization", {&IdentityLayer::fromKeras}},
        {"Activation", {&ActivationLayer::fromKeras}},
        {"LeakyReLU", {&ActivationLayer::fromKerasLeakyRelu}},
        {"ELU", {&ActivationLayer::fromKerasElu}},
        {"ReLU", {&ReluLayer::fromKeras}},
        {"PReLU", {&PReluLayer::fromKeras}},
        {"Softmax", {&SoftmaxLayer::fromKeras}},
        {"Reshape", {&ReshapeLayer::fromKeras}},
        {"Flatten", {&FlattenLayer::fromKeras}},
        {"Permute", {&PermuteLayer::fromKeras}},
        {"RepeatVector", {&RepeatVectorLayer::fromKeras}},
        {"Add", {&MergeLayer::fromKeras}},
        {"Subtract", {&MergeLayer::fromKeras}},
        {"Multiply", {&MergeLayer::fromKeras}},
        {"Average", {&MergeLayer::fromKeras}},
        {"Maximum", {&MergeLayer::fromKeras}},
        {"Minimum", {&MergeLayer::fromKeras}},
        {"Concatenate", {&ConcatenateLayer::fromKeras}},

        // --- attention layers besides MultiHeadAttention, and TimeDistributed (issue 11) ---
        {"Attention", {&AttentionLayer::fromKeras}},
        {"AdditiveAttention", {&AttentionLayer::fromKerasAdditive}},
        // Keras registers the Python class GroupedQueryAttention as "GroupQueryAttention".
        {"GroupQueryAttention", {&GroupedQueryAttention::fromKeras, groupedQueryParts()}},
        {"GroupedQueryAttention", {&GroupedQueryAttention::fromKeras, groupedQueryParts()}},
        {"TimeDistributed", {&TimeDistributed::fromKeras, {wrapped({"layer"}, "layer")}}},

        // --- sequence, embedding, pooling and operator layers (sequence engineer) ---
        {"Embedding", {&Embedding::fromKeras}},
        {"TextVectorization", {&StringLookup::fromKeras}},
        {"StringLookup", {&StringLookup::fromKeras}},
        {"IntegerLookup", {&IntegerLookup::fromKeras}},
        {"CategoryEncoding", {&CategoryEncoding::fromKeras}},
        {"Masking", {&Masking::fromKeras}},
        {"GlobalAveragePooling1D", {&GlobalPooling1D::fromKerasAverage}},
        {"GlobalAvgPool1D", {&GlobalPooling1D::fromKerasAverage}},
        {"GlobalMaxPooling1D", {&GlobalPooling1D::fromKerasMax}},
        {"GlobalMaxPool1D", {&GlobalPooling1D::fromKerasMax}},
        {"MaxPooling1D", {&Pooling1D::fromKerasMax}},
        {"MaxPool1D", {&Pooling1D::fromKerasMax}},
        {"AveragePooling1D", {&Pooling1D::fromKerasAverage}},
        {"AvgPool1D", {&Pooling1D::fromKerasAverage}},
        {"ZeroPadding1D", {&Padding1D::fromKerasZeroPadding}},
        {"Cropping1D", {&Padding1D::fromKerasCropping}},
        {"UpSampling1D", {&UpSampling1D::fromKeras}},
        {"Conv1D", {&Conv1D::fromKeras}},
        {"Convolution1D", {&Conv1D::fromKeras}},
        {"LSTM", {&Lstm::fromKeras, {child({"cell"}, "LSTMCell")}}},
        {"GRU", {&Gru::fromKeras, {child({"cell"}, "GRUCell")}}},
        {"SimpleRNN", {&SimpleRnn::fromKeras, {child({"cell"}, "SimpleRNNCell")}}},
        {"Bidirectional",
            {&Bidirectional::fromKeras,
                {wrapped({"forward_layer"}, "layer"),
                    wrapped({"backward_layer"}, "backward_layer")}}},
        {"TFOpLambda", {&TfOpLambda::fromKeras}},
        // Indexing, x[:, -1, :]: the Keras 3 GetItem operation and tf.keras SlicingOpLambda.
        {"GetItem", {&GetItem::fromKeras}},
        {"SlicingOpLambda", {&GetItem::fromSlicingOpLambda}},
        // Keras 3 operator classes whose names no keras.layers class uses; Add, Subtract,
        // Multiply, Maximum, Minimum, Reshape, Softmax and Concatenate operators are told apart
        // from the layers of the same name in makeLayer (NumpyOperation::isOperation).
        {"Divide", {&NumpyOperation::fromKeras}},
        {"TrueDivide", {&NumpyOperation::fromKeras}},
        {"Power", {&NumpyOperation::fromKeras}},
        {"Matmul", {&NumpyOperation::fromKeras}},
        {"Sqrt", {&NumpyOperation::fromKeras}},
        {"Square", {&NumpyOperation::fromKeras}},
        {"Exp", {&NumpyOperation::fromKeras}},
        {"Log", {&NumpyOperation::fromKeras}},
        {"Abs", {&NumpyOperation::fromKeras}},
        {"Absolute", {&NumpyOperation::fromKeras}},
        {"Negative", {&NumpyOperation::fromKeras}},
        {"Reciprocal", {&NumpyOperation::fromKeras}},
        {"Mean", {&NumpyOperation::fromKeras}},
        {"Sum", {&NumpyOperation::fromKeras}},
        {"Max", {&NumpyOperation::fromKeras}},
        {"Amax", {&NumpyOperation::fromKeras}},
        {"Min", {&NumpyOperation::fromKeras}},
        {"Amin", {&NumpyOperation::fromKeras}},
        {"Transpose", {&NumpyOperation::fromKeras}},
        {"ExpandDims", {&NumpyOperation::fromKeras}},
        {"Squeeze", {&NumpyOperation::fromKeras}},
        {"Stack", {&NumpyOperation::fromKeras}},
        // --- Keras 3 operations added with dtypes (issue 11): comparisons, logical operations,
        // where, cast, element-wise maths, reductions, shape operations, products and
        // keras.ops.nn functions. Rows matter for legacy .h5 files, which drop the module: an
        // operation with a "dtype" argument (Cast, OneHot, Cumsum ...) is found by its row. ---
        {"FloorDivide", {&NumpyOperation::fromKeras}},
        {"Mod", {&NumpyOperation::fromKeras}},
        {"Arctan2", {&NumpyOperation::fromKeras}},
        {"Hypot", {&NumpyOperation::fromKeras}},
        {"Logaddexp", {&NumpyOperation::fromKeras}},
        {"Heaviside", {&NumpyOperation::fromKeras}},
        {"Equal", {&NumpyOperation::fromKeras}},
        {"NotEqual", {&NumpyOperation::fromKeras}},
        {"Greater", {&NumpyOperation::fromKeras}},
        {"GreaterEqual", {&NumpyOperation::fromKeras}},
        {"Less", {&NumpyOperation::fromKeras}},
        {"LessEqual", {&NumpyOperation::fromKeras}},
        {"LogicalAnd", {&NumpyOperation::fromKeras}},
        {"LogicalOr", {&NumpyOperation::fromKeras}},
        {"LogicalXor", {&NumpyOperation::fromKeras}},
        {"LogicalNot", {&NumpyOperation::fromKeras}},
        {"Isnan", {&NumpyOperation::fromKeras}},
        {"Isinf", {&NumpyOperation::fromKeras}},
        {"Isfinite", {&NumpyOperation::fromKeras}},
        {"Signbit", {&NumpyOperation::fromKeras}},
        {"Where", {&NumpyOperation::fromKeras}},
        {"Rsqrt", {&NumpyOperation::fromKeras}},
        {"Exp2", {&NumpyOperation::fromKeras}},
        {"Expm1", {&NumpyOperation::fromKeras}},
        {"Log1p", {&NumpyOperation::fromKeras}},
        {"Log2", {&NumpyOperation::fromKeras}},
        {"Log10", {&NumpyOperation::fromKeras}},
        {"Sign", {&NumpyOperation::fromKeras}},
        {"Floor", {&NumpyOperation::fromKeras}},
        {"Ceil", {&NumpyOperation::fromKeras}},
        {"Trunc", {&NumpyOperation::fromKeras}},
        {"Round", {&NumpyOperation::fromKeras}},
        {"Cbrt", {&NumpyOperation::fromKeras}},
        {"Sin", {&NumpyOperation::fromKeras}},
        {"Cos", {&NumpyOperation::fromKeras}},
        {"Tan", {&NumpyOperation::fromKeras}},
        {"Arcsin", {&NumpyOperation::fromKeras}},
        {"Arccos", {&NumpyOperation::fromKeras}},
        {"Arctan", {&NumpyOperation::fromKeras}},
        {"Sinh", {&NumpyOperation::fromKeras}},
        {"Cosh", {&NumpyOperation::fromKeras}},
        {"Tanh", {&NumpyOperation::fromKeras}},
        {"Arcsinh", {&NumpyOperation::fromKeras}},
        {"Arccosh", {&NumpyOperation::fromKeras}},
        {"Arctanh", {&NumpyOperation::fromKeras}},
        {"Erf", {&NumpyOperation::fromKeras}},
        {"Erfinv", {&NumpyOperation::fromKeras}},
        {"Clip", {&NumpyOperation::fromKeras}},
        {"Cast", {&NumpyOperation::fromKeras}},
        {"ConvertToTensor", {&NumpyOperation::fromKeras}},
        {"StopGradient", {&NumpyOperation::fromKeras}},
        {"Copy", {&NumpyOperation::fromKeras}},
        {"Relu", {&NumpyOperation::fromKeras}},
        {"Sigmoid", {&NumpyOperation::fromKeras}},
        {"LogSigmoid", {&NumpyOperation::fromKeras}},
        {"TanhShrink", {&NumpyOperation::fromKeras}},
        {"Squareplus", {&NumpyOperation::fromKeras}},
        {"SparsePlus", {&NumpyOperation::fromKeras}},
        {"HardTanh", {&NumpyOperation::fromKeras}},
        {"SoftShrink", {&NumpyOperation::fromKeras}},
        {"HardShrink", {&NumpyOperation::fromKeras}},
        {"Celu", {&NumpyOperation::fromKeras}},
        {"Relu6", {&NumpyOperation::fromKeras}},
        {"Softplus", {&NumpyOperation::fromKeras}},
        {"Softsign", {&NumpyOperation::fromKeras}},
        {"Silu", {&NumpyOperation::fromKeras}},
        {"HardSigmoid", {&NumpyOperation::fromKeras}},
        {"HardSilu", {&NumpyOperation::fromKeras}},
        {"Elu", {&NumpyOperation::fromKeras}},
        {"Selu", {&NumpyOperation::fromKeras}},
        {"Gelu", {&NumpyOperation::fromKeras}},
        {"LeakyRelu", {&NumpyOperation::fromKeras}},
        {"Mish", {&NumpyOperation::fromKeras}},
        {"LogSoftmax", {&NumpyOperation::fromKeras}},
        {"Glu", {&NumpyOperation::fromKeras}},
        {"Threshold", {&NumpyOperation::fromKeras}},
        {"OneHot", {&NumpyOperation::fromKeras}},
        {"Any", {&NumpyOperation::fromKeras}},
        {"All", {&NumpyOperation::fromKeras}},
        {"Prod", {&NumpyOperation::fromKeras}},
        {"Argmax", {&NumpyOperation::fromKeras}},
        {"Argmin", {&NumpyOperation::fromKeras}},
        {"Std", {&NumpyOperation::fromKeras}},
        {"Var", {&NumpyOperation::fromKeras}},
        {"Cumsum", {&NumpyOperation::fromKeras}},
        {"Cumprod", {&NumpyOperation::fromKeras}},
        {"Logsumexp", {&NumpyOperation::fromKeras}},
        {"Tile", {&NumpyOperation::fromKeras}},
        {"Repeat", {&NumpyOperation::fromKeras}},
        {"BroadcastTo", {&NumpyOperation::fromKeras}},
        {"Pad", {&NumpyOperation::fromKeras}},
        {"Split", {&NumpyOperation::fromKeras}},
        {"Unstack", {&NumpyOperation::fromKeras}},
        {"Flip", {&NumpyOperation::fromKeras}},
        {"Roll", {&NumpyOperation::fromKeras}},
        {"Moveaxis", {&NumpyOperation::fromKeras}},
        {"Swapaxes", {&NumpyOperation::fromKeras}},
        {"Tril", {&NumpyOperation::fromKeras}},
        {"Triu", {&NumpyOperation::fromKeras}},
        {"Take", {&NumpyOperation::fromKeras}},
        {"TakeAlongAxis", {&NumpyOperation::fromKeras}},
        {"Tensordot", {&NumpyOperation::fromKeras}},
        {"Arange", {&NumpyOperation::fromKeras}},
        {"ZerosLike", {&NumpyOperation::fromKeras}},
        {"OnesLike", {&NumpyOperation::fromKeras}},
        {"FullLike", {&NumpyOperation::fromKeras}},

        // --- KerasFactory (kerasfactory.layers>X and the older kmr.layers>X; the factories
        // refuse a class of the same name registered by another package). Sublayers in the
        // order the Python code assigns them, which is also the legacy weight order. ---
        {"GatedLinearUnit",
            {&GatedLinearUnit::fromKeras,
                {child({"linear"}, "Dense"), child({"sigmoid"}, "Dense")}}},
        {"GatedResidualNetwork",
            {&GatedResidualNetwork::fromKeras,
                {child({"elu_dense"}, "Dense"), child({"linear_dense"}, "Dense"),
                    child({"gated_linear_unit"}, "GatedLinearUnit"), child({"project"}, "Dense"),
                    child({"layer_norm"}, "LayerNormalization")}}},
        {"VariableSelection",
            {&VariableSelection::fromKeras,
                {listOf("feature_grns", "GatedResidualNetwork"),
                    child({"grn_var"}, "GatedResidualNetwork")}}},
        {"TransformerBlock",
            {&TransformerBlock::fromKeras,
                {child({"multihead_attention"}, "MultiHeadAttention"),
                    child({"layer_norm1"}, "LayerNormalization"), child({"ff1"}, "Dense"),
                    child({"ff2"}, "Dense"), child({"layer_norm2"}, "LayerNormalization")}}},
        {"TabularAttention",
            {&TabularAttention::fromKeras,
                {child({"input_projection"}, "Dense"),
                    child({"feature_attention"}, "MultiHeadAttention"),
                    child({"sample_attention"}, "MultiHeadAttention"),
                    child({"ffn_dense1"}, "Dense"), child({"ffn_dense2"}, "Dense"),
                    child({"feature_layernorm"}, "LayerNormalization"),
                    child({"feature_layernorm2"}, "LayerNormalization"),
                    child({"sample_layernorm"}, "LayerNormalization"),
                    child({"sample_layernorm2"}, "LayerNormalization")}}},
        {"MultiResolutionTabularAttention",
            {&MultiResolutionTabularAttention::fromKeras,
                {child({"num_projection"}, "Dense"), child({"cat_projection"}, "Dense"),
                    child({"num_attention"}, "MultiHeadAttention"),
                    child({"cat_attention"}, "MultiHeadAttention"),
                    child({"num_cat_attention"}, "MultiHeadAttention"),
                    child({"cat_num_attention"}, "MultiHeadAttention"),
                    child({"ffn_dense1"}, "Dense"), child({"ffn_dense2"}, "Dense"),
                    child({"num_layernorm1"}, "LayerNormalization"),
                    child({"num_layernorm2"}, "LayerNormalization"),
                    child({"cross_num_layernorm"}, "LayerNormalization"),
                    child({"cat_layernorm1"}, "LayerNormalization"),
                    child({"cat_layernorm2"}, "LayerNormalization"),
                    child({"cross_cat_layernorm"}, "LayerNormalization")}}},
        {"GatedFeatureFusion", {&GatedFeatureFusion::fromKeras, {child({"fusion_gate"}, "Dense")}}},
        {"DifferentiableTabularPreprocessor", {&DifferentiableTabularPreprocessor::fromKeras}},
        {"AdvancedNumericalEmbedding",
            {&AdvancedNumericalEmbedding::fromKeras,
                {child({"hidden_layer"}, "Dense"), child({"output_layer"}, "Dense"),
                    child({"batch_norm"}, "BatchNormalization"), child({"residual_proj"}, "Dense"),
                    listOf("bin_embeddings", "Embedding")}}},
        {"ColumnAttention",
            {&ColumnAttention::fromKeras,
                {child({"attention_net/layers/dense"}, "Dense"),
                    child({"attention_net/layers/batch_normalization"}, "BatchNormalization"),
                    child({"attention_net/layers/dense_1"}, "Dense")}}},
        {"MultiHeadGraphFeaturePreprocessor",
            {&MultiHeadGraphFeaturePreprocessor::fromKeras,
                {child({"projection"}, "Dense"), child({"q_dense"}, "Dense"),
                    child({"k_dense"}, "Dense"), child({"v_dense"}, "Dense"),
                    child({"out_proj"}, "Dense"), child({"final_dense"}, "Dense")}}},
        {"DistributionTransformLayer", {&DistributionTransformLayer::fromKeras}},
        {"SparseAttentionWeighting", {&SparseAttentionWeighting::fromKeras}},
        {"TabularMoELayer",
            {&TabularMoELayer::fromKeras,
                {listOf("experts", "Dense"), listOf("expert_outputs", "Dense"),
                    child({"gate"}, "Dense")}}},
        {"StochasticDepth", {&StochasticDepth::fromKeras}},
        {"FeatureCutout", {&KerasFactoryIdentity::fromKeras}},
        {"CastToFloat32Layer", {&KerasFactoryIdentity::fromKeras}},
        {"BusinessRulesLayer", refusal()},
        {"CategoricalAnomalyDetectionLayer", refusal()},
        {"DateParsingLayer", refusal()},
        {"DistributionAwareEncoder", refusal()},
    };
    return rows;
}

/// Keras 3 operation classes that the table above gives a Layer class of their own instead of
/// NumpyOperation; no keras.layers class has their names.
bool hasOwnOperationClass(std::string_view className)
{
    return className == "GetItem";
}

/// A class of the user's own (a custom layer) rather than a Keras layer or operation the engine
/// does not know: not in the table, not a Keras operation, from no Keras module, and serialized
/// like a layer (every Layer.get_config has trainable and dtype; an operation's has neither),
/// with a module or registration that says so.
bool isCustomClass(const LayerConfig &config)
{
    if (table().count(config.className) != 0 || NumpyOperation::isSupportedClass(config.className))
        return false;
    if (config.module == "keras" || config.module.rfind("keras.", 0) == 0)
        return false;
    if (!config.config.is_object()
        || (!config.config.contains("trainable") && !config.config.contains("dtype")))
        return false;
    // A .keras file names a class defined in the saving script with module null and the bare
    // class name registered; a legacy .h5 names no module for any class, so it cannot tell.
    return !config.module.empty() || config.registeredName == config.className
        || config.registeredName == "Custom>" + config.className;
}

} // namespace

bool isKnownLayerClass(std::string_view className)
{
    const auto it = table().find(className);
    return it != table().end() && !it->second.refused;
}

std::vector<std::string> knownLayerClasses()
{
    std::vector<std::string> names;
    for (const auto &row : table())
        if (!row.second.refused)
            names.push_back(row.first);
    return names;
}

std::string savedClassName(std::string_view className)
{
    if (className == "GroupQueryAttention")
        return "GroupedQueryAttention";
    return std::string(className);
}

const std::vector<Sublayer> *sublayersOf(std::string_view className)
{
    const auto it = table().find(className);
    if (it == table().end() || it->second.sublayers.empty())
        return nullptr;
    return &it->second.sublayers;
}

std::unique_ptr<Layer> makeLayer(const LayerConfig &config)
{
    const ErrorWhere where
        = ErrorWhere::ofLayer(config.name, "class " + config.className, config.file);
    if (config.className == "Lambda")
        throw UnsupportedModelError(where
            + " is a Lambda layer: it contains Python code, which AttnLens never executes. "
              "Replace it with built-in Keras layers and save the model again.");
    if (KerasFactoryRefusal::isKdpClass(config))
        KerasFactoryRefusal::fromKeras(config);
    if (isCustomClass(config))
        throw UnsupportedModelError(where + " is a custom layer class ("
            + (config.module.empty() ? std::string("defined in the script that saved the model")
                                     : "from the Python module '" + config.module + "'")
            + "): its Python code is not in the file, and AttnLens never runs Python. Give "
              "AttnLens a recipe that says what its call() computes: see docs/recipes.md, then "
              "pass it with `attnlens-cli --recipe FILE`, put it in the user recipe folder, or "
              "use File > Add Recipe in the desktop app.");
    // Keras 3 operator nodes (`x + y` is class "Add" of module keras.src.ops.numpy) share
    // class names with keras.layers (Add, Multiply, Reshape...): they are dispatched first.
    // A class registered under its bare name is an operation only if it is one or no layer
    // class has its name (a script's own class named like a layer class reaches that class).
    if (NumpyOperation::isOperation(config) && !hasOwnOperationClass(config.className)
        && (NumpyOperation::isSupportedClass(config.className) || !config.module.empty()
            || table().count(config.className) == 0))
        return NumpyOperation::fromKeras(config);
    const auto it = table().find(config.className);
    if (it == table().end() && NumpyOperation::looksLikeOperation(config))
        NumpyOperation::refuse(config);
    if (it == table().end()) {
        std::string supported;
        for (const std::string &name : knownLayerClasses())
            supported += (supported.empty() ? "" : ", ") + name;
        throw UnsupportedModelError(where + " cannot be run by AttnLens: the class '"
            + config.className + "' is not supported. Supported layer classes: " + supported
            + ". If it is a custom layer class of your own, write a recipe for it "
              "(docs/recipes.md).");
    }
    return it->second.create(config);
}

} // namespace attnlens
