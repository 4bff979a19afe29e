#!/usr/bin/python3
"""Writes nested-model versions of tests/data/keras/ts_encoder (no Keras needed: numpy + h5py).

The ts_encoder fixture (Keras 3.15.1) is rewritten so that some consecutive layers live in
models used as layers, with the very same weights; its expected.h5 stays the reference
(outputs, and attention under the inner layer's qualified key "block0/block0_mha").

Cases (each in every layout below):
  functional_outer: Functional "nested_encoder": series -> dense -> block0 (Functional: the
      whole first encoder block, with block0_mha) -> block1_mha ... with ffn1 (Sequential:
      dense_3, dense_4) as the second block's feed-forward.
  sequential_outer: Sequential "nested_seq": [series, dense, block0 (Functional),
      block1 (Functional containing ffn1 (Sequential)), global_average_pooling1d, dense_5].

Layouts, and the Keras source each one follows (keras-team/keras, Keras 3):
  model.keras / model.json + model.weights.h5 (H5IOStore):
    * config entry of a nested model: serialize_keras_object(model) plus "name" and
      "inbound_nodes" (keras/src/models/functional.py Functional.get_config:
      `layer_config = serialize_obj_fn(operation); layer_config["name"] = ...;
      layer_config["inbound_nodes"] = filtered_inbound_nodes`).
    * node index of a nested Functional in the outer config: its first call is node 1
      (get_config: `if issubclass(operation.__class__, Functional): kept_nodes = 1`;
      functional_from_config get_tensor: `if isinstance(layer, Functional): node_index -= 1`).
      A nested Sequential (not a Functional subclass in Keras 3) keeps node 0.
    * Sequential config: `layers` lists the InputLayer first, plus build_input_shape
      (keras/src/models/sequential.py get_config).
    * weights: `_walk_saveable` yields ("layers", model.layers) first for Functional and
      Sequential, so an inner layer is saved at layers/<key of inner model>/layers/<key>/vars;
      keys are naming.to_snake_case(class name) with a per-list counter
      (saving_lib._save_container_state); Functional.layers includes InputLayers,
      Sequential.layers does not. Every visited object gets a vars group; since Keras 3.6
      vars carries @name = layer.name. model.weights.h5 of the .keras has the @name
      attributes; the separate model.weights.h5 has them removed (the layout of Keras < 3.6,
      bound by the computed keys).
  model.h5 (legacy, keras/src/legacy/saving/legacy_h5_format.py):
    * model_config written with legacy serialization (no module / registered_name), nodes in
      the Keras 3 {"args", "kwargs"} form (same get_config).
    * save_weights_to_hdf5_group: layer_names = [l.name for l in model.layers]; one group
      per top-level layer; a nested model is ONE group whose weight_names are
      _legacy_weights(model) = model.trainable_weights + model.non_trainable_weights, named
      by Variable.path ("block0_mha/query/kernel": inner layers were built in their own name
      scope); datasets created under those names (save_subset_weights_to_hdf5_group);
      top_level_model_weights group with an empty list.
  save_weights.h5: the same groups at the file root (save_weights("w.h5") of a legacy .h5 name).

Run from anywhere: /usr/bin/python3 tests/data/nested/make_nested.py
"""
import copy
import io
import json
import os
import re
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "keras", "ts_encoder")
VERSION = "3.15.1"

K3 = json.load(open(os.path.join(SRC, "model.json")))
with h5py.File(os.path.join(SRC, "model.h5"), "r") as f:
    LEGACY = json.loads(f.attrs["model_config"])
K3_ENTRY = {e["name"]: e for e in K3["config"]["layers"]}
LEGACY_ENTRY = {e["name"]: e for e in LEGACY["config"]["layers"]}
CLASS = {e["name"]: e["class_name"] for e in K3["config"]["layers"]}
DTYPE = K3_ENTRY["dense"]["config"]["dtype"]


def snake(name):  # keras/src/utils/naming.py to_snake_case
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def kt(name, node=0, tensor=0, shape=(None, 48, 32)):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(shape), "dtype": "float32",
                       "keras_history": [name, node, tensor]}}


def node(*args):
    return {"args": list(args), "kwargs": {}}


class Style:
    def __init__(self, keras3):
        self.keras3 = keras3

    def layer(self, name, nodes):
        """A copy of the fixture's entry for `name` with new inbound nodes."""
        entry = copy.deepcopy((K3_ENTRY if self.keras3 else LEGACY_ENTRY)[name])
        entry["inbound_nodes"] = nodes
        return entry

    def input(self, name, shape):
        config = {"batch_shape": list(shape), "dtype": "float32", "sparse": False,
                  "ragged": False, "name": name, "optional": False}
        entry = {"class_name": "InputLayer", "config": config}
        if self.keras3:
            entry = {"module": "keras.layers", **entry, "registered_name": None}
        return {**entry, "name": name, "inbound_nodes": []}

    def functional(self, name, layers, inp, out, nodes, input_shape):
        config = {"name": name, "trainable": True, "layers": layers,
                  "input_layers": inp, "output_layers": out}
        return self._model("keras.src.models.functional", "Functional", "Functional", config,
                           name, nodes, input_shape)

    def sequential(self, name, layers, nodes, input_shape):
        plain = []
        for entry in layers:  # Sequential.get_config: serialize_fn(layer) only
            entry = {k: v for k, v in entry.items() if k not in ("name", "inbound_nodes")}
            plain.append(entry)
        config = {"name": name, "trainable": True, "dtype": DTYPE, "layers": plain,
                  "build_input_shape": list(input_shape)}
        return self._model("keras", "Sequential", None, config, name, nodes, input_shape)

    def _model(self, module, cls, registered, config, name, nodes, input_shape):
        entry = {"class_name": cls, "config": config}
        if self.keras3:
            entry = {"module": module, **entry, "registered_name": registered,
                     "build_config": {"input_shape": list(input_shape)}}
        if nodes is not None:
            entry["name"] = name
            entry["inbound_nodes"] = nodes
        return entry

    def root(self, entry):
        root = {k: v for k, v in entry.items() if k not in ("name", "inbound_nodes")}
        if self.keras3:
            root["compile_config"] = {}
        return root


def block0(s, nodes):
    layers = [
        s.input("block0_in", (None, 48, 32)),
        s.layer("block0_mha", [node(kt("block0_in"), kt("block0_in"))]),
        s.layer("add", [node([kt("block0_in"), kt("block0_mha")])]),
        s.layer("block0_ln1", [node(kt("add"))]),
        s.layer("dense_1", [node(kt("block0_ln1"))]),
        s.layer("dense_2", [node(kt("dense_1", shape=(None, 48, 64)))]),
        s.layer("add_1", [node([kt("block0_ln1"), kt("dense_2")])]),
        s.layer("block0_ln2", [node(kt("add_1"))]),
    ]
    return s.functional("block0", layers, ["block0_in", 0, 0], ["block0_ln2", 0, 0], nodes,
                        (None, 48, 32))


def ffn1(s, nodes):
    layers = [s.input("ffn1_in", (None, 48, 32)), s.layer("dense_3", []),
              s.layer("dense_4", [])]
    return s.sequential("ffn1", layers, nodes, (None, 48, 32))


def functional_outer(s):
    b0 = ("block0", 1, 0)  # first call of a nested Functional is node 1
    layers = [
        s.input("series", (None, 48, 3)),
        s.layer("dense", [node(kt("series", shape=(None, 48, 3)))]),
        block0(s, [node(kt("dense"))]),
        s.layer("block1_mha", [node(kt(*b0), kt(*b0))]),
        s.layer("add_2", [node([kt(*b0), kt("block1_mha")])]),
        s.layer("block1_ln1", [node(kt("add_2"))]),
        ffn1(s, [node(kt("block1_ln1"))]),
        s.layer("add_3", [node([kt("block1_ln1"), kt("ffn1")])]),  # Sequential: node 0
        s.layer("block1_ln2", [node(kt("add_3"))]),
        s.layer("global_average_pooling1d", [
            {"args": [kt("block1_ln2")], "kwargs": {"mask": None}}]),
        s.layer("dense_5", [node(kt("global_average_pooling1d", shape=(None, 32)))]),
    ]
    model = s.functional("nested_encoder", layers, ["series", 0, 0], ["dense_5", 0, 0], None,
                         (None, 48, 3))
    # model.layers (keys for H5IOStore, layer_names for legacy): every entry, inputs too.
    tree = [("series", None), ("dense", None),
            ("block0", [(n, None) for n in ["block0_in", "block0_mha", "add", "block0_ln1",
                                            "dense_1", "dense_2", "add_1", "block0_ln2"]]),
            ("block1_mha", None), ("add_2", None), ("block1_ln1", None),
            ("ffn1", [("dense_3", None), ("dense_4", None)]),
            ("add_3", None), ("block1_ln2", None), ("global_average_pooling1d", None),
            ("dense_5", None)]
    return s.root(model), tree


def sequential_outer(s):
    block1_layers = [
        s.input("block1_in", (None, 48, 32)),
        s.layer("block1_mha", [node(kt("block1_in"), kt("block1_in"))]),
        s.layer("add_2", [node([kt("block1_in"), kt("block1_mha")])]),
        s.layer("block1_ln1", [node(kt("add_2"))]),
        ffn1(s, [node(kt("block1_ln1"))]),
        s.layer("add_3", [node([kt("block1_ln1"), kt("ffn1")])]),
        s.layer("block1_ln2", [node(kt("add_3"))]),
    ]
    block1 = s.functional("block1", block1_layers, ["block1_in", 0, 0], ["block1_ln2", 0, 0],
                          [], (None, 48, 32))
    layers = [s.input("series", (None, 48, 3)), s.layer("dense", []), block0(s, []), block1,
              s.layer("global_average_pooling1d", []), s.layer("dense_5", [])]
    model = s.sequential("nested_seq", layers, None, (None, 48, 3))
    tree = [("dense", None),
            ("block0", [(n, None) for n in ["block0_in", "block0_mha", "add", "block0_ln1",
                                            "dense_1", "dense_2", "add_1", "block0_ln2"]]),
            ("block1", [("block1_in", None), ("block1_mha", None), ("add_2", None),
                        ("block1_ln1", None), ("ffn1", [("dense_3", None), ("dense_4", None)]),
                        ("add_3", None), ("block1_ln2", None)]),
            ("global_average_pooling1d", None), ("dense_5", None)]
    return s.root(model), tree


INPUT_NAMES = {"series", "block0_in", "block1_in"}


def class_of(name):
    if name in INPUT_NAMES:
        return "InputLayer"
    if name in ("block0", "block1"):
        return "Functional"
    if name == "ffn1":
        return "Sequential"
    return CLASS[name]


def write_keras3(path_or_file, tree, model_name, with_names):
    """H5IOStore tree: layers/<key>/vars, nested models' layers under their own key."""
    src = h5py.File(os.path.join(SRC, "model.weights.h5"), "r")
    group_of = {}
    for key in src["layers"]:
        group_of[src["layers"][key]["vars"].attrs["name"]] = "layers/" + key

    def vars_group(parent, name):
        g = parent.create_group("vars")
        if with_names:
            g.attrs["name"] = name

    with h5py.File(path_or_file, "w") as out:
        vars_group(out, model_name)

        def write(parent, entries):
            used = {}
            container = parent.create_group("layers")
            for name, children in entries:
                key = snake(class_of(name))
                if key in used:
                    used[key] += 1
                    key = f"{key}_{used[key]}"
                else:
                    used[key] = 0
                if children is None and name not in INPUT_NAMES:
                    src.copy(src[group_of[name]], container, key)
                    if not with_names:
                        def strip(_, obj):
                            if isinstance(obj, h5py.Group) and "name" in obj.attrs:
                                del obj.attrs["name"]
                        strip(None, container[key])
                        container[key].visititems(strip)
                    continue
                g = container.create_group(key)
                vars_group(g, name)
                if children is not None:
                    write(g, children)

        write(out, tree)


def write_legacy(group, tree):
    """save_weights_to_hdf5_group: one group per model.layers entry."""
    src = h5py.File(os.path.join(SRC, "model.h5"), "r")["model_weights"]

    def leaf_names(entries):
        names = []
        for name, children in entries:
            if children is not None:
                names += leaf_names(children)
            elif name not in INPUT_NAMES:
                names += [n.decode() if isinstance(n, bytes) else n
                          for n in src[name].attrs["weight_names"]]
        return names

    group.attrs["layer_names"] = [name.encode() for name, _ in tree]
    group.attrs["backend"] = b"numpy"
    group.attrs["keras_version"] = VERSION.encode()
    for name, children in sorted(tree, key=lambda e: e[0]):
        g = group.create_group(name)
        names = leaf_names([(name, children)]) if name not in INPUT_NAMES else []
        if names:
            g.attrs["weight_names"] = [n.encode() for n in names]
        else:
            g.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)
        for n in names:
            owner = n.split("/")[0]
            g.create_dataset(n, data=np.asarray(src[owner][n]))
    top = group.create_group("top_level_model_weights")
    top.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)


def make(case, build):
    out_dir = os.path.join(HERE, case)
    os.makedirs(out_dir, exist_ok=True)
    config3, tree = build(Style(True))
    config_legacy, _ = build(Style(False))
    name = config3["config"]["name"]
    # .weights.h5 + JSON (Keras < 3.6: no vars@name)
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(config3, f)
    write_keras3(os.path.join(out_dir, "model.weights.h5"), tree, name, with_names=False)
    # .keras (saving_lib: metadata.json, config.json, model.weights.h5, ZIP_STORED)
    buffer = io.BytesIO()
    write_keras3(buffer, tree, name, with_names=True)
    with zipfile.ZipFile(os.path.join(out_dir, "model.keras"), "w") as z:
        z.writestr("metadata.json", json.dumps(
            {"keras_version": VERSION, "date_saved": "2026-11-25@20:49:03"}))
        z.writestr("config.json", json.dumps(config3))
        z.writestr("model.weights.h5", buffer.getvalue())
    # legacy .h5
    with h5py.File(os.path.join(out_dir, "model.h5"), "w") as f:
        f.attrs["backend"] = "numpy"
        f.attrs["keras_version"] = VERSION
        f.attrs["model_config"] = json.dumps(config_legacy)
        write_legacy(f.create_group("model_weights"), tree)
    # save_weights("w.h5"): same groups at the root
    with h5py.File(os.path.join(out_dir, "save_weights.h5"), "w") as f:
        write_legacy(f, tree)


if __name__ == "__main__":
    make("functional_outer", functional_outer)
    make("sequential_outer", sequential_outer)
