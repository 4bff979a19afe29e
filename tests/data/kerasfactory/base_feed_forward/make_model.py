#!/usr/bin/python3
"""Writes a KerasFactory BaseFeedForwardModel the way Keras 3.15 saves it, and its outputs.

No Keras on this machine, so the files are written by hand, following the layout KerasFactory's
catalogue verified by saving real files (docs of the project: ../shared/docs/kerasfactory.md
section 3.G): config.json root class `BaseFeedForwardModel`, registered name
`kerasfactory>BaseFeedForwardModel`; hidden Dense layers under hidden_layers/dense[_k], Dropout
groups hidden_layers/dropout[_k] (no vars), the output Dense under layers/dense_<hidden count>,
the private functional `_model` under layers/functional with no vars of its own.
The reference is NumPy of feed_forward.py's call(): concatenate the (B, 1) inputs in
feature_names order, Dense(h, relu) per hidden layer (Dropout is the identity at inference),
a linear Dense(output_units).
Run: /usr/bin/python3 make_model.py (writes model.keras, model.weights.h5, model.json,
kmr_model.json, data.h5, data.csv, reference.h5).
"""
import io, json, zipfile
import h5py
import numpy as np

rng = np.random.default_rng(1)
features = ["age", "bmi", "glucose"]
hidden = [4, 3]
output_units = 2
config = {
    "name": "base_feed_forward_model", "trainable": True,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": None},
    "feature_names": features, "hidden_units": hidden, "output_units": output_units,
    "dropout_rate": 0.1, "activation": "relu", "preprocessing_model": None,
    "kernel_initializer": "glorot_uniform", "bias_initializer": "zeros",
    "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
    "kernel_constraint": None, "bias_constraint": None,
}
def root(registered):
    return {"module": registered.split(">")[0] + ".models.feed_forward",
            "class_name": "BaseFeedForwardModel", "config": config,
            "registered_name": registered, "build_config": {"input_shape": None}}

widths = [len(features)] + hidden + [output_units]
kernels = [rng.normal(0, 0.9, (widths[i], widths[i + 1])).astype(np.float32) for i in range(len(widths) - 1)]
biases = [rng.normal(0.3, 0.2, (widths[i + 1],)).astype(np.float32) for i in range(len(widths) - 1)]

def write_weights(f):
    def dense(path, k):
        g = f.create_group(path + "/vars")
        g["0"] = kernels[k]
        g["1"] = biases[k]
    f.create_group("concat_layer/vars")
    for i in range(len(hidden)):
        dense("hidden_layers/dense" + ("" if i == 0 else f"_{i}"), i)
        f.create_group("hidden_layers/dropout" + ("" if i == 0 else f"_{i}") + "/vars")
    dense(f"layers/dense_{len(hidden)}", len(hidden))
    for i in range(len(features)):
        f.create_group("layers/functional/layers/input_layer" + ("" if i == 0 else f"_{i}") + "/vars")
    f.create_group("layers/functional/vars")
    f.create_group("vars")

buf = io.BytesIO()
with h5py.File(buf, "w") as f:
    write_weights(f)
with zipfile.ZipFile("model.keras", "w") as z:
    z.writestr("metadata.json", json.dumps({"keras_version": "3.15.1", "date_saved": "2026-12-02@18:30:00"}))
    z.writestr("config.json", json.dumps(root("kerasfactory>BaseFeedForwardModel")))
    z.writestr("model.weights.h5", buf.getvalue())
with h5py.File("model.weights.h5", "w") as f:
    write_weights(f)
to_json = root("kerasfactory>BaseFeedForwardModel"); del to_json["build_config"]
json.dump(to_json, open("model.json", "w"))
kmr = root("kmr>BaseFeedForwardModel"); del kmr["build_config"]
json.dump(kmr, open("kmr_model.json", "w"))

n = 7
x = rng.normal(0, 1, (n, len(features))).astype(np.float32)
with h5py.File("data.h5", "w") as f:
    for i, name in enumerate(features):
        f[name] = x[:, i:i + 1]
with open("data.csv", "w") as f:
    f.write("id,glucose,age,bmi,outcome\n")   # not in feature_names order on purpose
    for r in range(n):
        f.write(f"P{r:03d},{x[r,2]!r},{x[r,0]!r},{x[r,1]!r},{r % 2}\n")
h = x.astype(np.float64)
for k in range(len(hidden)):
    h = np.maximum(h @ kernels[k] + biases[k], 0.0)
y = h @ kernels[-1] + biases[-1]
with h5py.File("reference.h5", "w") as f:
    f["outputs/0"] = y.astype(np.float32)
    f.attrs["note"] = "NumPy of BaseFeedForwardModel.call (make_model.py), not Keras-computed"
