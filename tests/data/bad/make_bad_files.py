#!/usr/bin/env python3
"""Makes the malformed model files used by tests/core/tst_bad_model_files.cpp, and the
unusual-but-valid HDF5 variants used by tests/core/tst_keras_hdf5.cpp.

Run from anywhere with numpy + h5py:  python3 tests/data/bad/make_bad_files.py
The outputs are small and committed next to this script; Keras never writes files like these.
"""
import json
import os
import shutil

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
KERAS = os.path.join(HERE, "..", "keras")


def out(name):
    return os.path.join(HERE, name)


def legacy_model(path, config, layer_names):
    """A legacy full-model .h5 (model_config + model_weights) whose layers own no weights."""
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "3.15.1"
        f.attrs["backend"] = "numpy"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = [n.encode("utf8") for n in layer_names]
        for name in layer_names:
            weights.create_group(name).attrs["weight_names"] = []


def input_layer(name, shape):
    return {"class_name": "InputLayer", "name": name, "inbound_nodes": [],
            "config": {"batch_shape": shape, "dtype": "float32", "name": name}}


def tensor(layer):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": None, "dtype": "float32", "keras_history": [layer, 0, 0]}}


def functional(layers, inputs, outputs):
    return {"class_name": "Functional",
            "config": {"name": "bad", "layers": layers,
                       "input_layers": [[n, 0, 0] for n in inputs],
                       "output_layers": [[n, 0, 0] for n in outputs]}}


def main():
    source = os.path.join(KERAS, "tabular_tokens")
    with open(os.path.join(KERAS, "sequential_no_attention", "model.h5"), "rb") as f:
        h5 = f.read()

    # 1. Truncated: the first 4 KiB of a real legacy .h5.
    with open(out("truncated.h5"), "wb") as f:
        f.write(h5[:4096])
    # 2. Corrupt: a real .h5 whose superblock (after the magic) is overwritten.
    corrupt = bytearray(h5)
    corrupt[8:200] = b"\xa5" * 192
    with open(out("corrupt.h5"), "wb") as f:
        f.write(bytes(corrupt))
    # 3. A Git LFS pointer committed instead of the model.
    with open(out("lfs_pointer.h5"), "w") as f:
        f.write("version https://git-lfs.github.com/spec/v1\n"
                "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
                "size 1382480\n")
    # 4. HDF5 but not Keras: a PyTorch-like state dict saved with h5py.
    rng = np.random.default_rng(0)
    with h5py.File(out("pytorch_state_dict.h5"), "w") as f:
        f["transformer.layers.0.linear1.weight"] = rng.standard_normal((8, 4)).astype("f4")
        f["transformer.layers.0.linear1.bias"] = np.zeros(8, "f4")

    # 5-7. Weights files derived from tabular_tokens' model.weights.h5 (+ its model.json).
    shutil.copy(os.path.join(source, "model.json"), out("tabular.json"))
    shutil.copy(os.path.join(source, "model.weights.h5"), out("shape_mismatch.weights.h5"))
    with h5py.File(out("shape_mismatch.weights.h5"), "a") as f:
        del f["layers/dense_1/vars/0"]
        f["layers/dense_1/vars/0"] = np.zeros((7, 2), "f4")  # should be (480, 2)
    shutil.copy(os.path.join(source, "model.weights.h5"), out("missing_layer.weights.h5"))
    with h5py.File(out("missing_layer.weights.h5"), "a") as f:
        del f["layers/dense_1"]
    shutil.copy(os.path.join(source, "model.weights.h5"), out("nan_inf.weights.h5"))
    with h5py.File(out("nan_inf.weights.h5"), "a") as f:
        bias = f["layers/dense_1/vars/1"][...]
        bias[0] = np.nan
        bias[1] = np.inf
        f["layers/dense_1/vars/1"][...] = bias

    # 8. Absurd dimensions: an input of 10^16 values per sample.
    legacy_model(out("absurd_dims.h5"),
                 functional([input_layer("huge", [None, 100000000, 100000000])],
                            ["huge"], ["huge"]), ["huge"])
    # 9. A Lambda layer (Python code).
    lam = {"class_name": "Lambda", "name": "lambda",
           "config": {"name": "lambda", "function": {"class_name": "__lambda__",
                                                      "config": {"code": "4wEAAAAAAAAA"}}},
           "inbound_nodes": [{"args": [tensor("x")], "kwargs": {}}]}
    legacy_model(out("lambda.h5"),
                 functional([input_layer("x", [None, 4]), lam], ["x"], ["lambda"]),
                 ["x", "lambda"])
    # 10. A class nobody knows.
    fancy = {"class_name": "mypkg>FancyLayer", "name": "fancy",
             "config": {"name": "fancy", "units": 3},
             "inbound_nodes": [{"args": [tensor("x")], "kwargs": {}}]}
    legacy_model(out("unknown_class.h5"),
                 functional([input_layer("x", [None, 4]), fancy], ["x"], ["fancy"]),
                 ["x", "fancy"])
    # 11. An architecture file that is not JSON.
    with open(out("not_json.json"), "w") as f:
        f.write('{"class_name": "Functional",\n  "config": {"layers": [ oops ]}}\n')


def variants():
    # tf-keras 2.15 on Windows: root-level groups named with backslashes ("layers\\mha"),
    # private MultiHeadAttention children ("_query_dense"), no vars@name (so groups are bound
    # by class-name counters), and a float64 kernel. Same numbers as cross_attention.
    source = os.path.join(KERAS, "cross_attention", "model.weights.h5")
    with h5py.File(source, "r") as src, h5py.File(out("tfkeras_windows.weights.h5"), "w") as dst:
        def copy(group, new_name):
            for key, item in group.items():
                if isinstance(item, h5py.Group) and key != "vars":
                    child = ("_" + key) if key.endswith("_dense") else key
                    copy(item, new_name + "\\" + child)
            if "vars" in group:
                target = dst.create_group(new_name + "/vars")
                for index, data in group["vars"].items():
                    dtype = "f8" if data.ndim == 2 and data.shape[0] == 72 else data.dtype
                    target[index] = data[...].astype(dtype)
        for key, item in src["layers"].items():
            copy(item, "layers\\" + key)
        dst.create_group("vars")

    # Attribute and dataset encodings a Keras file may use.
    with h5py.File(out("hdf5_variants.h5"), "w") as f:
        f.attrs["vlen_scalar"] = "hello"
        f.attrs["utf8_list"] = ["caf\u00e9", "b"]
        f.attrs["fixed_nullpad"] = np.array([b"ab", b"cde"])
        tid = h5py.h5t.C_S1.copy()
        tid.set_size(4)
        tid.set_strpad(h5py.h5t.STR_NULLTERM)
        f.attrs.create("fixed_nullterm", np.array([b"xyz", b"w"], dtype="S4"),
                       dtype=h5py.Datatype(tid))
        f.attrs["names0"] = np.array([b"first", b"second"])
        f.attrs["names1"] = np.array([b"third"])
        f.attrs["empty"] = []
        f.attrs["number"] = 3.5
        f["f16"] = np.array([[0.5, -2.0], [1.5, 65504.0]], dtype="f2")
        f["f64"] = np.array([1e-3, 2.0, -3.25], dtype="f8")
        f["i32"] = np.array([1, -7, 12], dtype="i4")
        f["scalar"] = np.float32(4.0)
        f["text"] = np.array([b"a", b"b"])


if __name__ == "__main__":
    variants()
    main()
