#!/usr/bin/python3
"""Writes the indexing / concatenation test models of tests/core/tst_get_item.cpp
(numpy + h5py only; no Keras or TensorFlow needed). Run: /usr/bin/python3 make_slicing.py

Each model is an architecture JSON written by hand in the form Keras writes it, a weights file
in the `save_weights("w.h5")` layout (root @layer_names / @keras_version, one group per layer
with @weight_names; as tests/data/masks/make_masks.py), fixed inputs and the outputs NumPy
computes for them (reference.h5: /input, /out_<i>).

getitem_k3.json (Keras 3 `model.to_json()`): operation nodes as keras/src/models/functional.py
serialize_node writes them ({"args", "kwargs"} serialized by keras/src/saving/
serialization_lib.py: a slice is {"class_name": "__slice__", "config": {"start", "stop",
"step"}}, Ellipsis {"class_name": "__ellipsis__", "config": {}}, None null, a tuple a list);
the operation entry is {"module": "keras.src.ops.numpy", "class_name": "GetItem",
"registered_name": "GetItem", "config": {"name": ...}}.
    x (None, 6, 3) -> dense Dense(4) -> mha MultiHeadAttention(2 heads, key_dim 2)(dense, dense)
    get_item   = mha[:, -1, :]                  (None, 4)
    get_item_1 = dense[:, 0]                    (None, 4)
    get_item_2 = dense[:, ::-2, ...]            (None, 3, 4)
    get_item_3 = dense[..., None, 1:100]        (None, 6, 1, 3)
    get_item_4 = x[..., 0]                      (None, 6)
    concatenate = ops.concatenate([get_item, get_item_1], axis=-1)   (None, 8)
    stack       = ops.stack([get_item, get_item_1], axis=1)          (None, 2, 4)
    outputs: concatenate, get_item_2, get_item_3, get_item_4, stack

slicing_k2.json (tf.keras 2.15 `model.to_json()`): `x[...]` on a KerasTensor is a
SlicingOpLambda layer (tf_keras layers/core/tf_op_layer.py) with function
"__operators__.getitem" (tf _slice_helper(tensor, slice_spec, var=None)); Node.serialize puts
every argument after the first in the node's kwargs by name, slices as {"start", "stop",
"step"} dicts (_slice_to_dict), Ellipsis as {"class_name": "__ellipsis__"}
(json_utils.get_json_type); the node is the flat [layer, node, tensor, kwargs] form.
tf.concat / tf.stack are TFOpLambda layers "concat" / "stack" over a list of tensors.
    x (None, 6, 3) -> dense Dense(4)
    tf.__operators__.getitem   = dense[:, -1, :]        (None, 4)
    tf.__operators__.getitem_1 = dense[..., 0, 1:3]     (None, 2)
    tf.__operators__.getitem_2 = dense[:, -2::-3]       (None, 2, 4)
    tf.concat = tf.concat([getitem, getitem_1], axis=-1) (None, 6)
    tf.stack  = tf.stack([getitem, getitem], axis=1)     (None, 2, 4)
    outputs: tf.concat, tf.__operators__.getitem_2, tf.stack
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261126)
DTYPE = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
         "registered_name": None}
FULL = {"class_name": "__slice__", "config": {"start": None, "stop": None, "step": None}}
ELLIPSIS = {"class_name": "__ellipsis__", "config": {}}


def sl(start=None, stop=None, step=None):
    return {"class_name": "__slice__", "config": {"start": start, "stop": stop, "step": step}}


def kt(layer, shape):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": shape, "dtype": "float32", "keras_history": [layer, 0, 0]}}


def layer(cls, name, config, nodes):
    return {"module": "keras.layers", "class_name": cls,
            "config": {"name": name, "trainable": True, "dtype": DTYPE, **config},
            "registered_name": None, "build_config": {"input_shape": None}, "name": name,
            "inbound_nodes": nodes}


def operation(cls, name, config, args):
    return {"module": "keras.src.ops.numpy", "class_name": cls,
            "config": {"name": name, **config}, "registered_name": cls, "name": name,
            "inbound_nodes": [{"args": args, "kwargs": {}}]}


def write(name, obj):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, indent=1)


def write_weights(name, version, layers):
    with h5py.File(os.path.join(HERE, name), "w") as f:
        f.attrs["layer_names"] = [n.encode() for n, _, _ in layers]
        f.attrs["backend"] = b"tensorflow" if version.startswith("2") else b"numpy"
        f.attrs["keras_version"] = version.encode()
        for lname, names, values in layers:
            g = f.create_group(lname)
            if names:
                g.attrs["weight_names"] = [n.encode() for n in names]
            else:
                g.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)
            for n, v in zip(names, values):
                g.create_dataset(n, data=np.asarray(v, dtype=np.float32))


def f32(a):
    return np.asarray(a, dtype=np.float32)


# Shared input and Dense weights (float32, as the engine stores them; reference in float64).
x = f32(rng.normal(0, 1, (2, 6, 3)))
W = f32(rng.normal(0, 0.7, (3, 4)))
b = f32(rng.normal(0, 0.2, (4,)))
dense = x.astype(np.float64) @ W.astype(np.float64) + b

# ------------------------------------------------------------------ Keras 3 model
heads, key_dim, dim = 2, 2, 4
mha_names, mha_values = [], []
for part in ("query", "key", "value"):
    mha_names += [f"mha/{part}/kernel", f"mha/{part}/bias"]
    mha_values += [f32(rng.normal(0, 0.6, (dim, heads, key_dim))),
                   f32(rng.normal(0, 0.2, (heads, key_dim)))]
mha_names += ["mha/attention_output/kernel", "mha/attention_output/bias"]
mha_values += [f32(rng.normal(0, 0.4, (heads, key_dim, dim))), f32(rng.normal(0, 0.1, (dim,)))]
Wq, bq, Wk, bk, Wv, bv, Wo, bo = [v.astype(np.float64) for v in mha_values]
q = np.einsum("btd,dhk->bthk", dense, Wq) + bq
k = np.einsum("btd,dhk->bthk", dense, Wk) + bk
v = np.einsum("btd,dhk->bthk", dense, Wv) + bv
logits = np.einsum("bqhk,bshk->bhqs", q / np.sqrt(key_dim), k)
p = np.exp(logits - logits.max(-1, keepdims=True))
p /= p.sum(-1, keepdims=True)
ctx = np.einsum("bhqs,bshk->bqhk", p, v)
mha = np.einsum("bqhk,hkd->bqd", ctx, Wo) + bo

get_item = mha[:, -1, :]
get_item_1 = dense[:, 0]
get_item_2 = dense[:, ::-2, ...]
get_item_3 = dense[..., None, 1:100]
get_item_4 = x.astype(np.float64)[..., 0]
k3_outputs = [np.concatenate([get_item, get_item_1], axis=-1), get_item_2, get_item_3,
              get_item_4, np.stack([get_item, get_item_1], axis=1)]

mha_config = {"num_heads": heads, "key_dim": key_dim, "value_dim": key_dim, "dropout": 0.0,
              "use_bias": True, "output_shape": None, "attention_axes": None,
              "kernel_initializer": None, "bias_initializer": None}
k3_layers = [
    {"module": "keras.layers", "class_name": "InputLayer",
     "config": {"batch_shape": [None, 6, 3], "dtype": "float32", "sparse": False,
                "ragged": False, "name": "x", "optional": False},
     "registered_name": None, "name": "x", "inbound_nodes": []},
    layer("Dense", "dense", {"units": 4, "activation": "linear", "use_bias": True},
          [{"args": [kt("x", [None, 6, 3])], "kwargs": {}}]),
    layer("MultiHeadAttention", "mha", mha_config,
          [{"args": [kt("dense", [None, 6, 4]), kt("dense", [None, 6, 4])], "kwargs": {}}]),
    operation("GetItem", "get_item", {}, [kt("mha", [None, 6, 4]), [FULL, -1, FULL]]),
    operation("GetItem", "get_item_1", {}, [kt("dense", [None, 6, 4]), [FULL, 0]]),
    operation("GetItem", "get_item_2", {},
              [kt("dense", [None, 6, 4]), [FULL, sl(step=-2), ELLIPSIS]]),
    operation("GetItem", "get_item_3", {},
              [kt("dense", [None, 6, 4]), [ELLIPSIS, None, sl(1, 100)]]),
    operation("GetItem", "get_item_4", {}, [kt("x", [None, 6, 3]), [ELLIPSIS, 0]]),
    operation("Concatenate", "concatenate", {"axis": -1},
              [[kt("get_item", [None, 4]), kt("get_item_1", [None, 4])]]),
    operation("Stack", "stack", {"axis": 1},
              [[kt("get_item", [None, 4]), kt("get_item_1", [None, 4])]]),
]
write("getitem_k3.json", {
    "module": "keras.src.models.functional", "class_name": "Functional",
    "config": {"name": "getitem_k3", "trainable": True, "layers": k3_layers,
               "input_layers": [["x", 0, 0]],
               "output_layers": [["concatenate", 0, 0], ["get_item_2", 0, 0],
                                 ["get_item_3", 0, 0], ["get_item_4", 0, 0], ["stack", 0, 0]]},
    "registered_name": "Functional", "build_config": {"input_shape": None},
    "compile_config": None})
write_weights("getitem_k3.h5", "3.15.1",
              [("x", [], []), ("dense", ["dense/kernel", "dense/bias"], [W, b]),
               ("mha", mha_names, mha_values)])

# ------------------------------------------------------------------ Keras 2 model
K2_FULL = {"start": None, "stop": None, "step": None}


def k2_layer(cls, name, config, nodes):
    return {"class_name": cls, "config": {"name": name, "trainable": True, "dtype": "float32",
                                          **config},
            "name": name, "inbound_nodes": nodes}


def slicing(name, source, spec):
    return k2_layer("SlicingOpLambda", name, {"function": "__operators__.getitem"},
                    [[source, 0, 0, {"slice_spec": spec}]])


k2_layers = [
    {"class_name": "InputLayer",
     "config": {"batch_input_shape": [None, 6, 3], "dtype": "float32", "sparse": False,
                "ragged": False, "name": "x"},
     "name": "x", "inbound_nodes": []},
    k2_layer("Dense", "dense", {"units": 4, "activation": "linear", "use_bias": True},
             [[["x", 0, 0, {}]]]),
    slicing("tf.__operators__.getitem", "dense", [K2_FULL, -1, K2_FULL]),
    slicing("tf.__operators__.getitem_1", "dense",
            [{"class_name": "__ellipsis__"}, 0, {"start": 1, "stop": 3, "step": None}]),
    slicing("tf.__operators__.getitem_2", "dense",
            [K2_FULL, {"start": -2, "stop": None, "step": -3}]),
    k2_layer("TFOpLambda", "tf.concat", {"function": "concat"},
             [[["tf.__operators__.getitem", 0, 0, {"axis": -1, "name": None}],
               ["tf.__operators__.getitem_1", 0, 0, {"axis": -1, "name": None}]]]),
    k2_layer("TFOpLambda", "tf.stack", {"function": "stack"},
             [[["tf.__operators__.getitem", 0, 0, {"axis": 1}],
               ["tf.__operators__.getitem", 0, 0, {"axis": 1}]]]),
]
write("slicing_k2.json", {
    "class_name": "Functional",
    "config": {"name": "slicing_k2", "layers": k2_layers, "input_layers": [["x", 0, 0]],
               "output_layers": [["tf.concat", 0, 0], ["tf.__operators__.getitem_2", 0, 0],
                                 ["tf.stack", 0, 0]]},
    "keras_version": "2.15.0", "backend": "tensorflow"})
write_weights("slicing_k2.h5", "2.15.0",
              [("x", [], []), ("dense", ["dense/kernel:0", "dense/bias:0"], [W, b]),
               ("tf.__operators__.getitem", [], []), ("tf.__operators__.getitem_1", [], []),
               ("tf.__operators__.getitem_2", [], []), ("tf.concat", [], []),
               ("tf.stack", [], [])])
g, g1 = dense[:, -1, :], dense[..., 0, 1:3]
k2_outputs = [np.concatenate([g, g1], axis=-1), dense[:, -2::-3], np.stack([g, g], axis=1)]

with h5py.File(os.path.join(HERE, "reference.h5"), "w") as f:
    f.create_dataset("input", data=x)
    for i, out in enumerate(k3_outputs):
        f.create_dataset(f"k3/out_{i}", data=f32(out))
    for i, out in enumerate(k2_outputs):
        f.create_dataset(f"k2/out_{i}", data=f32(out))
