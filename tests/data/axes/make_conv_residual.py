#!/usr/bin/python3
"""Writes tests/data/axes/conv_residual/: the ts_encoder fixture (Keras 3.15.1) with block0's
feed-forward written the way keras-io's timeseries transformer writes it, with no Keras needed
(numpy + h5py).

  block0's Dense(64, gelu) -> Dense(32) become Conv1D(64, kernel_size=1, gelu) ->
  Conv1D(32, kernel_size=1), padding "valid", with the same weights as kernels of shape
  (1, in, out); block0's residual layer Add([block0_ln1, dense_2]) becomes the operation node
  Keras 3 writes for `x + res` (keras.src.ops.numpy Add, x1 = the convolution, x2 = block0_ln1).

A Conv1D with kernel_size 1 and stride 1 computes, at each step, exactly the Dense of that step
(keras/src/ops/nn.py conv: the window of one step), and float addition is commutative, so the
outputs and both attention maps equal ts_encoder's expected.h5 (the reference for the test).
The point of the case: both attention calls keep the time-step labels t-47 ... t0 through the
convolutions and the operation node (issue 11 item 5, issue 14 item 6).

Weights (keras/src/saving/saving_lib.py): a layer's variables sit at layers/<key>/vars/<i>,
where <key> is the snake_case class name plus a per-class counter in the order of
Functional.layers (operation nodes are not layers and get no key); vars carries @name = the
layer's name since Keras 3.6.

Run from anywhere: /usr/bin/python3 tests/data/axes/make_conv_residual.py
"""
import copy
import io
import json
import os
import re
import zipfile

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "keras", "ts_encoder")
OUT = os.path.join(HERE, "conv_residual")


def snake(name):  # keras/src/utils/naming.py to_snake_case
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def tensor(layer, shape):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": [None] + list(shape), "dtype": "float32",
                       "keras_history": [layer, 0, 0]}}


def conv1d(dense_entry, name, source, in_dim):
    units = dense_entry["config"]["units"]
    cfg = {k: v for k, v in dense_entry["config"].items() if k not in ("units",)}
    cfg.update({"name": name, "filters": units, "kernel_size": [1], "strides": [1],
                "padding": "valid", "data_format": "channels_last", "dilation_rate": [1],
                "groups": 1, "lora_rank": None})
    return {"module": "keras.layers", "class_name": "Conv1D", "config": cfg,
            "registered_name": None, "build_config": {"input_shape": [None, 48, in_dim]},
            "name": name, "inbound_nodes": [{"args": [tensor(source, (48, in_dim))],
                                              "kwargs": {}}]}


def main():
    with zipfile.ZipFile(os.path.join(SRC, "model.keras")) as z:
        config = json.loads(z.read("config.json"))
        metadata = z.read("metadata.json")
        weights = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
    layers = config["config"]["layers"]
    by_name = {e["name"]: e for e in layers}
    old_keys = {}
    counters = {}
    for e in layers:
        key = snake(e["class_name"])
        n = counters.get(key, 0)
        counters[key] = n + 1
        old_keys[e["name"]] = key if n == 0 else "%s_%d" % (key, n)

    new_layers = []
    for e in layers:
        if e["name"] == "dense_1":
            new_layers.append(conv1d(e, "ffn0_conv_a", "block0_ln1", 32))
        elif e["name"] == "dense_2":
            new_layers.append(conv1d(e, "ffn0_conv_b", "ffn0_conv_a", 64))
        elif e["name"] == "add_1":
            new_layers.append({"module": "keras.src.ops.numpy", "class_name": "Add",
                               "config": {"name": "add_1"}, "registered_name": "Add",
                               "name": "add_1", "inbound_nodes": [{"args": [
                                   tensor("ffn0_conv_b", (48, 32)),
                                   tensor("block0_ln1", (48, 32))], "kwargs": {}}]})
        else:
            new_layers.append(copy.deepcopy(e))
    config["config"]["layers"] = new_layers
    renamed = {"ffn0_conv_a": "dense_1", "ffn0_conv_b": "dense_2"}

    os.makedirs(OUT, exist_ok=True)
    buffer = io.BytesIO()
    counters = {}
    with h5py.File(buffer, "w") as out:
        out.create_group("layers")
        out.create_group("vars").attrs["name"] = "functional"
        for e in new_layers:
            if e["module"].startswith("keras.src.ops"):
                continue
            key = snake(e["class_name"])
            n = counters.get(key, 0)
            counters[key] = n + 1
            key = key if n == 0 else "%s_%d" % (key, n)
            source = old_keys[renamed.get(e["name"], e["name"])]
            weights.copy(weights["layers/" + source], out["layers"], name=key)
            group = out["layers/" + key]
            if "vars" in group and "name" in group["vars"].attrs and e["name"] in renamed:
                group["vars"].attrs["name"] = e["name"]
            if e["name"] in renamed:
                kernel = group["vars/0"][()]
                del group["vars/0"]
                group["vars"].create_dataset("0", data=kernel.reshape((1,) + kernel.shape))
    with zipfile.ZipFile(os.path.join(OUT, "model.keras"), "w") as z:
        z.writestr("metadata.json", metadata)
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", buffer.getvalue())


if __name__ == "__main__":
    main()
