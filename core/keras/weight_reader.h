#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/io/hdf5_file.h"
#include "core/keras/keras_config.h"
#include "core/layers/registry.h"
#include "core/tensor/tensor.h"

namespace attnlens {

/// Finds each layer's weights in a Keras HDF5 file and returns them in Keras's legacy order
/// (the order LayerConfig::weights documents). Composite layers' sublayers are taken in the
/// order their registry row lists (sublayersOf, core/layers/registry.h).
///
/// Two layouts: the legacy one (`model.save("m.h5")`'s `model_weights/` group, or a
/// `save_weights("w.h5")` file's root) lists `<layer>/@weight_names`; the Keras 3 one
/// (`.weights.h5`, the weights inside a `.keras`) has `layers/<key>/vars/<i>` with sublayers
/// as child groups, bound to config layers by `vars@name` or, in files older than Keras 3.6,
/// by the snake_case class name and a counter over `model.layers`.
class WeightReader
{
public:
    enum class Layout
    {
        Legacy, ///< `<root>/<layer>/@weight_names`
        Keras3  ///< `layers/<key>/vars/<i>`
    };

    /// `legacyRoot` is "model_weights" for a full legacy model, "" for a weights-only file.
    WeightReader(const Hdf5File &file, Layout layout, std::string legacyRoot = {});

    /// Binds Keras 3 groups to the layers of `model`, and the weights of models used as layers
    /// to their inner layers in both layouts. An inner layer `L` of nested model `M` is bound
    /// under the name "M/L" (the name flattenNestedModels gives it).
    ///
    /// Keras 3 layout: `layers/<key of M>/layers/<key of L>/...` (saving_lib `_walk_saveable`
    /// visits a model's `layers` list first; keys count snake_case class names per list).
    /// Legacy layout: one group `M` whose `weight_names` list M.trainable_weights then
    /// M.non_trainable_weights (legacy_h5_format `_legacy_weights`); each name is given to the
    /// inner layer named by its first path component that is an inner layer's name
    /// ("dense_1/kernel:0", "M/dense_1/kernel"). Throws InputFileError when a weight of a
    /// nested group names no inner layer.
    void bind(const ModelSpec &model);

    /// Appends the weights of `layer` and their names. Returns false when the file has no
    /// entry at all for the layer. Throws InputFileError for unreadable datasets.
    bool read(const LayerSpec &layer, std::vector<Tensor> &weights,
        std::vector<std::string> &names) const;

    /// Keras 3 layout: every variable below the layer's group, keyed by its path relative to the
    /// group ("att/query_dense/vars/0"), for a recipe (core/keras/recipe.h) that lists them by
    /// path. False when the file has no group for the layer.
    bool readAll(const LayerSpec &layer, std::map<std::string, Tensor> &variables) const;

    Layout layout() const { return m_layout; }

    /// Keras 3 layout: the group path of `layer` ("layers/text_vectorization"), which is also
    /// where a `.keras` archive keeps its assets (below assets/); empty when unbound.
    std::string groupOf(const LayerSpec &layer) const;

private:
    void collectAll(const std::string &path, const std::string &relative,
        std::map<std::string, Tensor> &variables, int depth) const;
    void collectKeras3(const std::string &path, const std::string &className,
        const nlohmann::json &config, std::vector<Tensor> &weights, std::vector<std::string> &names,
        int depth) const;
    /// Appends the weights of every entry of a list attribute (Sublayer::list), in order.
    void collectList(const std::string &path, const Sublayer &list, std::vector<Tensor> &weights,
        std::vector<std::string> &names, int depth) const;
    std::string childPath(const std::string &parent, const std::string &child) const;
    void bindKeras3(const ModelSpec &model, const std::string &prefix,
        const std::vector<std::pair<std::string, std::string>> &groups, int depth);
    void bindLegacyNested(const LayerSpec &layer);

    const Hdf5File &m_file;
    Layout m_layout;
    std::string m_legacyRoot;
    std::map<std::string, std::string> m_groupOfLayer; ///< Keras 3: layer name -> group path
    /// Legacy layout, inner layers of nested models: "M/L" -> (group, weight names in it).
    std::map<std::string, std::pair<std::string, std::vector<std::string>>> m_legacyNested;
};

/// Keras's `to_snake_case` of a class name ("MultiHeadAttention" -> "multi_head_attention").
std::string kerasSnakeCase(const std::string &className);

} // namespace attnlens
