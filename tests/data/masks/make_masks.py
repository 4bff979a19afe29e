#!/usr/bin/python3
"""Writes the small mask test models of tests/core/tst_masks_end_to_end.cpp (numpy + h5py only).

Each model is an architecture JSON in the Keras 3 `model.to_json()` form plus a weights file in
the `save_weights("w.h5")` layout (keras/src/legacy/saving/legacy_h5_format.py
save_weights_to_hdf5_group: root @layer_names / @keras_version, one group per layer with
@weight_names = _legacy_weights(layer), MultiHeadAttention's in query, key, value,
attention_output order, each kernel then bias). The weights are random (seeded); the test checks
Keras's mask semantics by comparing padded runs with runs on the truncated sequences.

  embed_mha.json     ids (int32, free length) -> Embedding(12, 8, mask_zero=True) -> mha(x, x)
  causal_pad.json    the same with mha(x, x, use_causal_mask=True)
  masking_mha.json   x (free length, 3) -> Masking(0.0) -> mha(x, x)
  explicit_mask.json x, m (free T x T) -> mha(x, x, attention_mask=m)   (no implicit mask)
  embed_mha_k3.h5 / embed_mha_k2.h5: Embedding + mha weights, keras_version 3.15.1 / 2.15.0
  mha3.h5: the E=3 mha (with a weightless "masking" group), keras_version 3.15.1
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261125)
DTYPE = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
         "registered_name": None}


def kt(layer, shape):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": shape, "dtype": "float32", "keras_history": [layer, 0, 0]}}


def entry(cls, name, config, nodes):
    return {"module": "keras.layers", "class_name": cls,
            "config": {"name": name, "trainable": True, "dtype": DTYPE, **config},
            "registered_name": None, "name": name, "inbound_nodes": nodes}


def input_layer(name, shape, dtype):
    return {"module": "keras.layers", "class_name": "InputLayer",
            "config": {"batch_shape": shape, "dtype": dtype, "sparse": False, "ragged": False,
                       "name": name, "optional": False},
            "registered_name": None, "name": name, "inbound_nodes": []}


def mha(source, heads, key_dim, kwargs):
    config = {"num_heads": heads, "key_dim": key_dim, "value_dim": key_dim, "dropout": 0.0,
              "use_bias": True, "use_gate": False, "output_shape": None,
              "attention_axes": None, "sliding_window": None}
    shape = [None, None, 8]
    return entry("MultiHeadAttention", "mha", config,
                 [{"args": [kt(source, shape), kt(source, shape)], "kwargs": kwargs}])


def model(name, layers, inputs, output):
    return {"module": "keras.src.models.functional", "class_name": "Functional",
            "config": {"name": name, "trainable": True, "layers": layers,
                       "input_layers": inputs, "output_layers": [output, 0, 0]},
            "registered_name": "Functional", "build_config": {"input_shape": None},
            "compile_config": None}


def embedding():
    return entry("Embedding", "embedding",
                 {"input_dim": 12, "output_dim": 8, "mask_zero": True,
                  "embeddings_initializer": None, "input_length": None},
                 [{"args": [kt("ids", [None, None])], "kwargs": {}}])


def write_json(name, config):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(config, f, indent=1)


def mha_weights(prefix, dim, heads, key_dim):
    names, values = [], []
    for part in ("query", "key", "value"):
        names += [f"{prefix}/{part}/kernel", f"{prefix}/{part}/bias"]
        values += [rng.normal(0, 0.6, (dim, heads, key_dim)), rng.normal(0, 0.2, (heads, key_dim))]
    names += [f"{prefix}/attention_output/kernel", f"{prefix}/attention_output/bias"]
    values += [rng.normal(0, 0.4, (heads, key_dim, dim)), rng.normal(0, 0.1, (dim,))]
    return names, values


def write_weights(name, version, layers):
    with h5py.File(os.path.join(HERE, name), "w") as f:
        f.attrs["layer_names"] = [n.encode() for n, _, _ in layers]
        f.attrs["backend"] = b"tensorflow" if version.startswith("2") else b"numpy"
        f.attrs["keras_version"] = version.encode()
        for layer, names, values in sorted(layers, key=lambda e: e[0]):
            g = f.create_group(layer)
            if names:
                g.attrs["weight_names"] = [n.encode() for n in names]
            else:
                g.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)
            for n, v in zip(names, values):
                g.create_dataset(n, data=np.asarray(v, dtype=np.float32))


ids = input_layer("ids", [None, None], "int32")
write_json("embed_mha.json", model("embed_mha", [ids, embedding(), mha("embedding", 2, 4, {})],
                                   ["ids", 0, 0], "mha"))
write_json("causal_pad.json",
           model("causal_pad", [ids, embedding(), mha("embedding", 2, 4, {"use_causal_mask": True})],
                 ["ids", 0, 0], "mha"))
x = input_layer("x", [None, None, 3], "float32")
masking = entry("Masking", "masking", {"mask_value": 0.0},
                [{"args": [kt("x", [None, None, 3])], "kwargs": {}}])
write_json("masking_mha.json", model("masking_mha", [x, masking, mha("masking", 2, 4, {})],
                                     ["x", 0, 0], "mha"))
m = input_layer("m", [None, None, None], "float32")
write_json("explicit_mask.json",
           model("explicit_mask", [x, m, mha("x", 2, 4, {"attention_mask": kt("m", [None, None, None])})],
                 [["x", 0, 0], ["m", 0, 0]], "mha"))

embeddings = rng.normal(0, 1.0, (12, 8))
names8, values8 = mha_weights("mha", 8, 2, 4)
for file, version in (("embed_mha_k3.h5", "3.15.1"), ("embed_mha_k2.h5", "2.15.0")):
    write_weights(file, version, [("ids", [], []), ("embedding", ["embedding/embeddings"], [embeddings]),
                                  ("mha", names8, values8)])
names3, values3 = mha_weights("mha", 3, 2, 4)
write_weights("mha3.h5", "3.15.1", [("x", [], []), ("masking", [], []), ("mha", names3, values3)])
