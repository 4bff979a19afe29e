#!/usr/bin/env python3
"""Writes the text-input test models (tests/core/tst_text_models.cpp), no Keras needed.

text_model.keras: Input(shape=(1,), dtype="string") -> TextVectorization (adapted: the vocabulary
is the archive's assets/ vocabulary.txt, as Keras 3 saves an adapted layer) -> Embedding ->
MultiHeadAttention (self) -> GlobalAveragePooling1D -> Dense(2, softmax), in the file layout Keras
3.15 writes (config.json, metadata.json, model.weights.h5 with groups keyed by snake_case class
names, assets/layers/<key>/vocabulary.txt and its _lookup_layer copy).
ids_model.keras: the same network and weights on an int64 input of the 8 token ids.
Run with Debian's python3 (numpy, h5py): /usr/bin/python3 make_text_models.py
"""
import io
import json
import zipfile

import h5py
import numpy as np

SEQ = 8
VOCAB = ["", "[UNK]", "the", "model", "looks", "at", "words", "good", "bad", "movie"]
D, HEADS, KEY_DIM = 4, 2, 2

rng = np.random.default_rng(20261203)
W = {
    "embeddings": rng.normal(0, 0.5, (len(VOCAB), D)),
    "q": rng.normal(0, 0.5, (D, HEADS, KEY_DIM)), "qb": rng.normal(0, 0.1, (HEADS, KEY_DIM)),
    "k": rng.normal(0, 0.5, (D, HEADS, KEY_DIM)), "kb": rng.normal(0, 0.1, (HEADS, KEY_DIM)),
    "v": rng.normal(0, 0.5, (D, HEADS, KEY_DIM)), "vb": rng.normal(0, 0.1, (HEADS, KEY_DIM)),
    "o": rng.normal(0, 0.5, (HEADS, KEY_DIM, D)), "ob": rng.normal(0, 0.1, (D,)),
    "dense": rng.normal(0, 0.5, (D, 2)), "dense_b": rng.normal(0, 0.1, (2,)),
}
POLICY = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
          "registered_name": None}


def tensor(layer, shape, dtype="float32"):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": shape, "dtype": dtype, "keras_history": [layer, 0, 0]}}


def layer(cls, name, config, args, kwargs=None):
    config = dict(config, name=name, trainable=True)
    config.setdefault("dtype", POLICY)
    return {"module": "keras.layers", "class_name": cls, "config": config,
            "registered_name": None, "name": name,
            "inbound_nodes": [] if args is None else [{"args": args, "kwargs": kwargs or {}}]}


def network(text):
    layers = []
    if text:
        layers.append({"module": "keras.layers", "class_name": "InputLayer",
                       "config": {"batch_shape": [None, 1], "dtype": "string", "sparse": False,
                                  "ragged": False, "name": "review", "optional": False},
                       "registered_name": None, "name": "review", "inbound_nodes": []})
        layers.append(layer("TextVectorization", "vectorize", {
            "dtype": {"module": "keras", "class_name": "DTypePolicy",
                      "config": {"name": "string"}, "registered_name": None},
            "max_tokens": None, "standardize": "lower_and_strip_punctuation",
            "split": "whitespace", "ngrams": None, "output_mode": "int",
            "output_sequence_length": SEQ, "pad_to_max_tokens": False, "sparse": False,
            "ragged": False, "vocabulary": None, "idf_weights": None, "encoding": "utf-8",
            "vocabulary_size": len(VOCAB)}, [tensor("review", [None, 1], "string")]))
        ids = tensor("vectorize", [None, SEQ], "int64")
    else:
        layers.append({"module": "keras.layers", "class_name": "InputLayer",
                       "config": {"batch_shape": [None, SEQ], "dtype": "int64", "sparse": False,
                                  "ragged": False, "name": "review", "optional": False},
                       "registered_name": None, "name": "review", "inbound_nodes": []})
        ids = tensor("review", [None, SEQ], "int64")
    layers.append(layer("Embedding", "embed", {
        "input_dim": len(VOCAB), "output_dim": D, "mask_zero": False,
        "embeddings_initializer": None, "embeddings_regularizer": None,
        "activity_regularizer": None, "embeddings_constraint": None}, [ids]))
    x = tensor("embed", [None, SEQ, D])
    layers.append(layer("MultiHeadAttention", "mha", {
        "num_heads": HEADS, "key_dim": KEY_DIM, "value_dim": KEY_DIM, "dropout": 0.0,
        "use_bias": True, "use_gate": False, "output_shape": None, "attention_axes": [1],
        "sliding_window": None, "kernel_initializer": None, "bias_initializer": None,
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None, "seed": None}, [x, x]))
    layers[-1]["build_config"] = {"shapes_dict": {"query_shape": [None, SEQ, D],
                                                  "value_shape": [None, SEQ, D]}}
    layers.append(layer("GlobalAveragePooling1D", "pool",
                        {"data_format": "channels_last", "keepdims": False},
                        [tensor("mha", [None, SEQ, D])]))
    layers.append(layer("Dense", "head", {
        "units": 2, "activation": "softmax", "use_bias": True, "kernel_initializer": None,
        "bias_initializer": None, "kernel_regularizer": None, "bias_regularizer": None,
        "kernel_constraint": None, "quantization_config": None},
        [tensor("pool", [None, D])]))
    return {"module": "keras.src.models.functional", "class_name": "Functional",
            "config": {"name": "text_classifier", "trainable": True, "layers": layers,
                       "input_layers": ["review", 0, 0], "output_layers": ["head", 0, 0]},
            "registered_name": "Functional", "build_config": {"input_shape": None},
            "compile_config": {}}


def weights(text):
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.create_group("vars")
        f.create_group("layers/input_layer/vars")
        if text:
            f.create_group("layers/text_vectorization/vars")
            f.create_group("layers/text_vectorization/_lookup_layer/vars")
        f.create_dataset("layers/embedding/vars/0", data=W["embeddings"].astype("float32"))
        for part, k, b in (("query_dense", "q", "qb"), ("key_dense", "k", "kb"),
                           ("value_dense", "v", "vb"), ("output_dense", "o", "ob")):
            g = f"layers/multi_head_attention/{part}/vars"
            f.create_dataset(g + "/0", data=W[k].astype("float32"))
            f.create_dataset(g + "/1", data=W[b].astype("float32"))
        f.create_group("layers/multi_head_attention/vars")
        f.create_group("layers/global_average_pooling1d/vars")
        f.create_dataset("layers/dense/vars/0", data=W["dense"].astype("float32"))
        f.create_dataset("layers/dense/vars/1", data=W["dense_b"].astype("float32"))
    return buf.getvalue()


def save(path, text):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.json", json.dumps(
            {"keras_version": "3.15.1", "date_saved": "2026-12-03@08:00:00"}))
        z.writestr("config.json", json.dumps(network(text)))
        z.writestr("model.weights.h5", weights(text))
        if text:
            vocabulary = "\n".join(VOCAB)  # IndexLookup.save_assets: no final newline
            z.writestr("assets/layers/text_vectorization/vocabulary.txt", vocabulary)
            z.writestr("assets/layers/text_vectorization/_lookup_layer/vocabulary.txt",
                       vocabulary)


save("text_model.keras", True)
save("ids_model.keras", False)


def reference(ids):
    """Keras's forward pass in NumPy (embedding lookup; MultiHeadAttention as
    keras/src/layers/attention/multi_head_attention.py: einsum projections, query scaled by
    1/sqrt(key_dim), softmax over keys, output projection; mean pooling; Dense softmax)."""
    x = W["embeddings"][ids]                                     # (N, T, D)
    q = np.einsum("ntd,dhk->nthk", x, W["q"]) + W["qb"]
    k = np.einsum("ntd,dhk->nthk", x, W["k"]) + W["kb"]
    v = np.einsum("ntd,dhk->nthk", x, W["v"]) + W["vb"]
    q = q / np.sqrt(KEY_DIM)
    scores = np.einsum("nshk,nthk->nhst", q, k)
    scores = np.exp(scores - scores.max(-1, keepdims=True))
    scores /= scores.sum(-1, keepdims=True)
    attended = np.einsum("nhst,nthk->nshk", scores, v)
    out = np.einsum("nshk,hkd->nsd", attended, W["o"]) + W["ob"]
    logits = out.mean(1) @ W["dense"] + W["dense_b"]
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype("float32"), scores.astype("float32")


# The ids of reviews.csv as TextVectorization gives them (worked by hand, see
# tests/core/tst_text_models.cpp), and the model's outputs and attention on them.
IDS = np.array([[2, 3, 4, 5, 6, 0, 0, 0], [8, 9, 8, 9, 0, 0, 0, 0], [0] * 8, [2] * 8,
                [1, 6, 1, 1, 0, 0, 0, 0], [7, 7, 9, 1, 0, 0, 0, 0]])
outputs, attention = reference(IDS)
np.save("expected_outputs.npy", outputs)
np.save("expected_attention.npy", attention)


# tabular_model.keras: one input per CSV column, as Keras's structured-data examples build it:
# age (float32) as is; color (string) -> StringLookup(one_hot); grade (int64) ->
# IntegerLookup(one_hot); rooms (int64) -> CategoryEncoding(num_tokens=4, one_hot);
# Concatenate -> Dense(2, softmax).
COLORS = ["red", "green", "blue"]
GRADES = [10, 20, 30]
TAB = {"dense": rng.normal(0, 0.5, (1 + 4 + 4 + 4, 2)), "dense_b": rng.normal(0, 0.1, (2,))}


def input_layer(name, dtype):
    return {"module": "keras.layers", "class_name": "InputLayer",
            "config": {"batch_shape": [None, 1], "dtype": dtype, "sparse": False,
                       "ragged": False, "name": name, "optional": False},
            "registered_name": None, "name": name, "inbound_nodes": []}


def tabular_network():
    lookup = {"max_tokens": None, "num_oov_indices": 1, "output_mode": "one_hot",
              "pad_to_max_tokens": False, "sparse": False, "invert": False,
              "idf_weights": None, "vocabulary_size": 4}
    layers = [input_layer("age", "float32"), input_layer("color", "string"),
              input_layer("grade", "int64"), input_layer("rooms", "int64"),
              layer("StringLookup", "color_lookup",
                    dict(lookup, mask_token=None, oov_token="[UNK]", vocabulary=COLORS,
                         encoding="utf-8"), [tensor("color", [None, 1], "string")]),
              layer("IntegerLookup", "grade_lookup",
                    dict(lookup, mask_token=None, oov_token=-1, vocabulary=GRADES,
                         vocabulary_dtype="int64", oov_method="floormod"),
                    [tensor("grade", [None, 1], "int64")]),
              layer("CategoryEncoding", "rooms_onehot",
                    {"num_tokens": 4, "output_mode": "one_hot", "sparse": False},
                    [tensor("rooms", [None, 1], "int64")]),
              layer("Concatenate", "features", {"axis": -1},
                    [[tensor("age", [None, 1]), tensor("color_lookup", [None, 4]),
                      tensor("grade_lookup", [None, 4]), tensor("rooms_onehot", [None, 4])]]),
              layer("Dense", "head", {
                  "units": 2, "activation": "softmax", "use_bias": True,
                  "kernel_initializer": None, "bias_initializer": None,
                  "kernel_regularizer": None, "bias_regularizer": None,
                  "kernel_constraint": None, "quantization_config": None},
                  [tensor("features", [None, 13])])]
    return {"module": "keras.src.models.functional", "class_name": "Functional",
            "config": {"name": "patients", "trainable": True, "layers": layers,
                       "input_layers": [["age", 0, 0], ["color", 0, 0], ["grade", 0, 0],
                                        ["rooms", 0, 0]],
                       "output_layers": ["head", 0, 0]},
            "registered_name": "Functional", "build_config": {"input_shape": None},
            "compile_config": {}}


def tabular_weights():
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.create_group("vars")
        for key in ("input_layer", "input_layer_1", "input_layer_2", "input_layer_3",
                    "string_lookup", "integer_lookup", "category_encoding", "concatenate"):
            f.create_group(f"layers/{key}/vars")
        f.create_dataset("layers/dense/vars/0", data=TAB["dense"].astype("float32"))
        f.create_dataset("layers/dense/vars/1", data=TAB["dense_b"].astype("float32"))
    return buf.getvalue()


with zipfile.ZipFile("tabular_model.keras", "w") as z:
    z.writestr("metadata.json", json.dumps(
        {"keras_version": "3.15.1", "date_saved": "2026-12-03@08:00:00"}))
    z.writestr("config.json", json.dumps(tabular_network()))
    z.writestr("model.weights.h5", tabular_weights())

# patients.csv and the reference: Keras's lookups by index_lookup.py (OOV index 0, words from 1
# in one_hot mode) and CategoryEncoding's one_hot (a value outside [0, 4) gives a zero row).
PATIENTS = [("p1", 63.0, "red", 10, 0, "sick"), ("p2", 41.5, "blue", 30, 3, "well"),
            ("p3", 55.0, "purple", 20, 1, "well"), ("p4", 70.25, "green", 99, 2, "sick")]
with open("patients.csv", "w") as f:
    f.write("patient_id,age,color,grade,rooms,diagnosis\n")
    for row in PATIENTS:
        f.write(",".join(str(v) for v in row) + "\n")


def one_hot(index, depth=4):
    v = np.zeros(depth)
    if 0 <= index < depth:
        v[index] = 1
    return v


rows = []
for _, age, color, grade, rooms, _ in PATIENTS:
    c = COLORS.index(color) + 1 if color in COLORS else 0
    g = GRADES.index(grade) + 1 if grade in GRADES else 0
    rows.append(np.concatenate([[age], one_hot(c), one_hot(g), one_hot(rooms)]))
logits = np.array(rows) @ TAB["dense"] + TAB["dense_b"]
e = np.exp(logits - logits.max(-1, keepdims=True))
np.save("expected_tabular.npy", (e / e.sum(-1, keepdims=True)).astype("float32"))
