#!/usr/bin/python3
"""Keras 2 (tf.keras 2.15) legacy .h5 files written with h5py, no TensorFlow needed.

1. ts_encoder_k2.h5: tests/data/keras/ts_encoder (Keras 3.15.1) rewritten the way tf.keras
   2.15 `model.save("m.h5")` writes the same model, with the fixture's weights, so its
   expected.h5 is the reference. Follows tf-keras 2.15 (keras/src/... in the keras 2.15
   package):
   * saving/legacy/hdf5_format.py save_model_to_hdf5: root @keras_version "2.15.0",
     @backend "tensorflow", @model_config = json bytes; save_weights_to_hdf5_group:
     model_weights/@layer_names = model.layers (InputLayer and TFOpLambda included), one group
     per layer (sorted), @weight_names = [w.name] ("block0_mha/query/kernel:0": variables
     are named in the layer's name scope, with the ":0" output suffix),
     top_level_model_weights with an empty list.
   * engine/functional.py get_network_config / serialize node (engine/node.py
     Node.serialize): Keras 2 inbound nodes are lists of [layer, node, tensor, kwargs]
     over the first call argument; other tensor arguments sit in kwargs as
     [layer, node, tensor]: mha(x, x) -> [["dense", 0, 0, {"value": ["dense", 0, 0]}]].
   * `x + y` on symbolic tensors becomes a TFOpLambda layer "tf.__operators__.add"
     (layers/core/tf_op_layers.py), node [["x", 0, 0, {"y": ["y", 0, 0], "name": null}]]
     (the flat single-entry form), config {"function": "__operators__.add"}.
   * InputLayer config: batch_input_shape; dtype as a plain string; LayerNormalization axis
     made positive ([2]); input_layers / output_layers as lists of triples.
2. ts_encoder_k2_nested.h5: the same with the first encoder block in an inner Functional
   model "block0" (class_name "Functional"). tf.keras keeps a nested Functional's first node
   out of the outer config (functional.py _should_skip_first_node: a Functional whose first
   layer is an InputLayer), so the outer layers read ["block0", 1, 0]. Its legacy group holds
   all inner weights (hdf5_format.py _legacy_weights(layer) = trainable + non-trainable).
3. settyl_arch.json: the architecture of tests/data/realmodels/vijaychandar2002__Settyl_task/
   transformer_weights.h5 (Keras 2.15 save_weights), reconstructed from its layer_names and
   weight shapes (see INFERRED below).
"""
import copy
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..", "keras", "ts_encoder")

with h5py.File(os.path.join(SRC, "model.h5"), "r") as f:
    K3 = json.loads(f.attrs["model_config"])
K3_ENTRY = {e["name"]: e for e in K3["config"]["layers"]}
ADD_NAME = {"add": "tf.__operators__.add", "add_1": "tf.__operators__.add_1",
            "add_2": "tf.__operators__.add_2", "add_3": "tf.__operators__.add_3"}


def k2_config(name):
    """The Keras 3 config of `name` in Keras 2 spelling."""
    config = copy.deepcopy(K3_ENTRY[name]["config"])
    config["dtype"] = "float32"
    for key in ("quantization_config", "use_gate", "sliding_window", "seed", "rms_scaling"):
        config.pop(key, None)
    for key, value in list(config.items()):
        if isinstance(value, dict) and "class_name" in value and "module" in value:
            config[key] = {"class_name": value["class_name"],
                           "config": {"seed": None} if "seed" in value["config"] else {}}
    if K3_ENTRY[name]["class_name"] == "LayerNormalization":
        config["axis"] = [2]
    if K3_ENTRY[name]["class_name"] == "MultiHeadAttention":
        for key in ("query_shape", "key_shape", "value_shape"):
            config[key] = [None, 48, 32]
    return config


def layer(name, nodes):
    return {"class_name": K3_ENTRY[name]["class_name"], "config": k2_config(name), "name": name,
            "inbound_nodes": nodes}


def ref(src):
    return [src[0], src[1], 0] if isinstance(src, tuple) else [src, 0, 0]


def entry_ref(src):
    return src if isinstance(src, tuple) else (src, 0)


def add(name, x, y):
    op = ADD_NAME[name]
    return {"class_name": "TFOpLambda",
            "config": {"name": op, "trainable": True, "dtype": "float32",
                       "function": "__operators__.add"},
            "name": op,
            "inbound_nodes": [[entry_ref(x)[0], entry_ref(x)[1], 0,
                               {"y": ref(y), "name": None}]]}


def input_layer(name, shape):
    return {"class_name": "InputLayer",
            "config": {"batch_input_shape": shape, "dtype": "float32", "sparse": False,
                       "ragged": False, "name": name},
            "name": name, "inbound_nodes": []}


def block(prefix, x, first_dense):
    """Encoder block layers reading `x`: mha, add, ln1, ffn, add, ln2."""
    d1, d2 = first_dense
    mha, ln1, ln2 = prefix + "_mha", prefix + "_ln1", prefix + "_ln2"
    adds = ["add", "add_1"] if prefix == "block0" else ["add_2", "add_3"]
    return [
        layer(mha, [[[entry_ref(x)[0], entry_ref(x)[1], 0, {"value": ref(x)}]]]),
        add(adds[0], x, mha),
        layer(ln1, [[[ADD_NAME[adds[0]], 0, 0, {}]]]),
        layer(d1, [[[ln1, 0, 0, {}]]]),
        layer(d2, [[[d1, 0, 0, {}]]]),
        add(adds[1], ln1, d2),
        layer(ln2, [[[ADD_NAME[adds[1]], 0, 0, {}]]]),
    ]


def tail(x):
    return [layer("global_average_pooling1d", [[[x[0], x[1], 0, {}]]]),
            layer("dense_5", [[["global_average_pooling1d", 0, 0, {}]]])]


def flat_model():
    layers = [input_layer("series", [None, 48, 3]),
              layer("dense", [[["series", 0, 0, {}]]])]
    layers += block("block0", "dense", ("dense_1", "dense_2"))
    layers += block("block1", "block0_ln2", ("dense_3", "dense_4"))
    layers += tail(("block1_ln2", 0))
    return {"class_name": "Functional",
            "config": {"name": "model", "trainable": True, "layers": layers,
                       "input_layers": [["series", 0, 0]], "output_layers": [["dense_5", 0, 0]]},
            "keras_version": "2.15.0", "backend": "tensorflow"}, [l["name"] for l in layers]


def nested_model():
    inner_layers = [input_layer("block0_in", [None, 48, 32])]
    inner_layers += block("block0", "block0_in", ("dense_1", "dense_2"))
    inner = {"class_name": "Functional",
             "config": {"name": "block0", "trainable": True, "layers": inner_layers,
                        "input_layers": [["block0_in", 0, 0]],
                        "output_layers": [["block0_ln2", 0, 0]]},
             "name": "block0", "inbound_nodes": [[["dense", 0, 0, {}]]]}
    outer_in = ("block0", 1)  # the nested Functional's first kept node
    layers = [input_layer("series", [None, 48, 3]),
              layer("dense", [[["series", 0, 0, {}]]]), inner]
    layers += block("block1", outer_in, ("dense_3", "dense_4"))
    layers += tail(("block1_ln2", 0))
    model = {"class_name": "Functional",
             "config": {"name": "model", "trainable": True, "layers": layers,
                        "input_layers": [["series", 0, 0]], "output_layers": [["dense_5", 0, 0]]},
             "keras_version": "2.15.0", "backend": "tensorflow"}
    inner_names = [l["name"] for l in inner_layers]
    return model, [l["name"] for l in layers], {"block0": inner_names}


def write(path, model, layer_names, nested=None):
    nested = nested or {}
    weights = h5py.File(os.path.join(SRC, "model.h5"), "r")["model_weights"]

    def own(name):
        if name not in weights:
            return []
        return [(n.decode() if isinstance(n, bytes) else n) for n in weights[name].attrs["weight_names"]]

    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.15.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(model).encode("utf8")
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = [n.encode() for n in layer_names]
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = b"2.15.0"
        for name in sorted(layer_names):
            group = g.create_group(name)
            pairs = []  # (Keras 3 name in the fixture, Keras 2 name)
            for member in nested.get(name, [name]):
                pairs += [(n, n + ":0") for n in own(member)]
            if pairs:
                group.attrs["weight_names"] = [k2.encode() for _, k2 in pairs]
            else:
                group.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)
            for k3, k2 in pairs:
                group.create_dataset(k2, data=np.asarray(weights[k3.split("/")[0]][k3]))
        top = g.create_group("top_level_model_weights")
        top.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)


# INFERRED for the Settyl file (keras.io "Timeseries classification with a Transformer" encoder,
# pre-norm, whose layer sequence the layer_names follow exactly, 3 blocks):
#   input_2 (N, T) token ids, T free (the file does not say; maxlen is not stored)
#   embedding_1: Embedding(5000, 16)                       embeddings (5000, 16)
#   per block k: LayerNormalization(epsilon=1e-6)          gamma/beta (16,)
#     MultiHeadAttention(num_heads=4, key_dim=256)(x, x)   query kernel (16, 4, 256)
#     Dropout -> tf.__operators__.add(dropout, block input)  (res = x + inputs)
#     LayerNormalization -> Conv1D(1024, 1, relu) -> Dropout -> Conv1D(16, 1)
#     tf.__operators__.add(conv, res)
#   GlobalAveragePooling1D(channels_last) -> Dense(15, softmax)   kernel (16, 15)
#   Not recoverable from the weights: dropout rates (irrelevant at inference), epsilon (1e-6
#   from the tutorial), the output activation (softmax assumed), and the pooling's data_format
#   (channels_last: Dense's 16 inputs equal the embedding width).
def settyl():
    def lyr(cls, name, config, nodes):
        return {"class_name": cls, "config": {"name": name, "trainable": True, "dtype": "float32",
                                              **config},
                "name": name, "inbound_nodes": nodes}

    layers = [{"class_name": "InputLayer",
               "config": {"batch_input_shape": [None, None], "dtype": "float32", "sparse": False,
                          "ragged": False, "name": "input_2"},
               "name": "input_2", "inbound_nodes": []},
              lyr("Embedding", "embedding_1", {"input_dim": 5000, "output_dim": 16,
                                              "mask_zero": False, "input_length": None},
                  [[["input_2", 0, 0, {}]]])]
    x = "embedding_1"
    for k in range(3):
        ln_a, ln_b = f"layer_normalization_{6 + 2 * k}", f"layer_normalization_{7 + 2 * k}"
        mha, drop_a, drop_b = (f"multi_head_attention_{3 + k}", f"dropout_{6 + 2 * k}",
                               f"dropout_{7 + 2 * k}")
        add_a, add_b = f"tf.__operators__.add_{6 + 2 * k}", f"tf.__operators__.add_{7 + 2 * k}"
        conv_a, conv_b = f"conv1d_{6 + 2 * k}", f"conv1d_{7 + 2 * k}"
        layers += [
            lyr("LayerNormalization", ln_a, {"axis": [2], "epsilon": 1e-6, "center": True,
                                             "scale": True}, [[[x, 0, 0, {}]]]),
            lyr("MultiHeadAttention", mha, {"num_heads": 4, "key_dim": 256, "value_dim": 256,
                                            "dropout": 0.25, "use_bias": True,
                                            "output_shape": None, "attention_axes": [1]},
                [[[ln_a, 0, 0, {"value": [ln_a, 0, 0]}]]]),
            lyr("Dropout", drop_a, {"rate": 0.25}, [[[mha, 0, 0, {}]]]),
            lyr("TFOpLambda", add_a, {"function": "__operators__.add"},
                [[drop_a, 0, 0, {"y": [x, 0, 0], "name": None}]]),
            lyr("LayerNormalization", ln_b, {"axis": [2], "epsilon": 1e-6, "center": True,
                                             "scale": True}, [[[add_a, 0, 0, {}]]]),
            lyr("Conv1D", conv_a, {"filters": 1024, "kernel_size": [1], "strides": [1],
                                   "padding": "valid", "data_format": "channels_last",
                                   "dilation_rate": [1], "groups": 1, "activation": "relu",
                                   "use_bias": True}, [[[ln_b, 0, 0, {}]]]),
            lyr("Dropout", drop_b, {"rate": 0.25}, [[[conv_a, 0, 0, {}]]]),
            lyr("Conv1D", conv_b, {"filters": 16, "kernel_size": [1], "strides": [1],
                                   "padding": "valid", "data_format": "channels_last",
                                   "dilation_rate": [1], "groups": 1, "activation": "linear",
                                   "use_bias": True}, [[[drop_b, 0, 0, {}]]]),
            lyr("TFOpLambda", add_b, {"function": "__operators__.add"},
                [[conv_b, 0, 0, {"y": [add_a, 0, 0], "name": None}]]),
        ]
        x = add_b
    layers += [lyr("GlobalAveragePooling1D", "global_average_pooling1d_1",
                   {"data_format": "channels_last", "keepdims": False}, [[[x, 0, 0, {}]]]),
               lyr("Dense", "dense_1", {"units": 15, "activation": "softmax", "use_bias": True},
                   [[["global_average_pooling1d_1", 0, 0, {}]]])]
    return {"class_name": "Functional",
            "config": {"name": "model_1", "trainable": True, "layers": layers,
                       "input_layers": [["input_2", 0, 0]],
                       "output_layers": [["dense_1", 0, 0]]},
            "keras_version": "2.15.0", "backend": "tensorflow"}


if __name__ == "__main__":
    model, names = flat_model()
    write(os.path.join(HERE, "ts_encoder_k2.h5"), model, names)
    model, names, nested = nested_model()
    write(os.path.join(HERE, "ts_encoder_k2_nested.h5"), model, names, nested)
    with open(os.path.join(HERE, "settyl_arch.json"), "w") as f:
        json.dump(settyl(), f, indent=1)
