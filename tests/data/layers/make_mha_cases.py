#!/usr/bin/python3
"""Copies, unchanged, what the layer unit tests need from two Keras fixtures into small JSON files:
the MultiHeadAttention weights (Keras legacy order), the Dense weights, two input samples, and the
numbers Keras itself computed for them (expected.h5). Nothing here is computed by us.

Run from this folder: /usr/bin/python3 make_mha_cases.py"""
import json

import h5py

SAMPLES = 2


def arr(d, n=None):
    a = d[()] if n is None else d[:n]
    return {"shape": list(a.shape), "values": [float(x) for x in a.reshape(-1)]}


def mha_weights(f):
    out = []
    for part in ["query_dense", "key_dense", "value_dense", "output_dense"]:
        g = f["layers/multi_head_attention/" + part + "/vars"]
        out += [arr(g["0"]), arr(g["1"])]
    return out


for case, inputs, dense in [("cross_attention", ["queries", "memory"], ["dense"]),
                            ("causal", ["series"], ["dense", "dense_1"])]:
    root = "../keras/" + case + "/"
    w = h5py.File(root + "model.weights.h5", "r")
    data = h5py.File(root + "data.h5", "r")
    expected = h5py.File(root + "expected.h5", "r")
    attention = list(expected["attention"].keys())[0]
    doc = {
        "source": "tests/data/keras/" + case,
        "mha": json.loads(open(root + "model.json").read())["config"]["layers"],
        "mha_weights": mha_weights(w),
        "dense_weights": {d: [arr(w["layers/" + d + "/vars/0"]), arr(w["layers/" + d + "/vars/1"])]
                          for d in dense},
        "inputs": {name: arr(data[name], SAMPLES) for name in inputs},
        "expected_attention": arr(expected["attention/" + attention], SAMPLES),
        "expected_output": arr(expected["outputs/0"], SAMPLES),
    }
    doc["mha"] = [l["config"] for l in doc["mha"] if l["class_name"] == "MultiHeadAttention"][0]
    with open("mha_" + case + ".json", "w") as out:
        json.dump(doc, out)
