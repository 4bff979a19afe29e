#!/usr/bin/python3
"""Writes attention_layers.json: NumPy references for keras.layers.Attention and
AdditiveAttention options that the Keras-computed fixtures (keras/dot_attention,
keras/additive_attention) do not use: score_mode "concat" with and without use_scale,
use_scale=False, use_causal_mask, a separate key, query and value masks, a fully masked row.

The arithmetic follows Keras 3's own source, keras/src/layers/attention/attention.py and
additive_attention.py (the same in tf-keras 2.x), step by step and in float32:
  dot:      scores = query @ key^T, then *= scale (use_scale)
  concat:   scores = concat_score_weight * sum(tanh(scale * (q + k)), -1) (no scale without
            use_scale)
  additive: scores = sum(scale * tanh(q + k), -1) (scale 1 without use_scale)
  scores_mask = value_mask[:, None, :] AND causal (row >= col); scores -= 1e9 * (1 - mask)
  weights = softmax(scores, -1); output = weights @ value; output *= query_mask[..., None]
Keras never ran on these numbers. Run: /usr/bin/python3 make_attention_layers.py
"""
import json

import numpy as np

f32 = np.float32


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(f32)


def attention(case, q, v, k, scale, concat_weight, query_mask, value_mask, causal):
    kind = case["score"]
    if kind == "dot":
        s = np.matmul(q, np.transpose(k, (0, 2, 1))).astype(f32)
        if scale is not None:
            s = (s * scale).astype(f32)
    else:
        qr = q[:, :, None, :]
        kr = k[:, None, :, :]
        if kind == "concat":
            inner = (scale * (qr + kr)).astype(f32) if scale is not None else (qr + kr)
            s = (concat_weight * np.tanh(inner).sum(axis=-1, dtype=f32)).astype(f32)
        else:
            sc = scale if scale is not None else f32(1.0)
            s = (sc * np.tanh(qr + kr)).astype(f32).sum(axis=-1, dtype=f32)
    mask = None
    if value_mask is not None:
        mask = value_mask[:, None, :].astype(bool)
    if causal:
        tq, tv = s.shape[1], s.shape[2]
        c = np.arange(tq)[:, None] >= np.arange(tv)[None, :]
        mask = c[None] if mask is None else (mask & c[None])
    if mask is not None:
        s = (s - f32(1.0e9) * (~mask).astype(f32)).astype(f32)
    w = softmax(s)
    out = np.matmul(w, v).astype(f32)
    if query_mask is not None:
        out = (out * query_mask[..., None].astype(f32)).astype(f32)
    return out, w


def tensor(x):
    x = np.asarray(x, dtype=f32)
    return {"shape": list(x.shape), "values": [float(a) for a in x.reshape(-1)]}


def main():
    rng = np.random.default_rng(11)
    cases = []

    def add(name, class_name, config, score, shapes, scale=None, concat_weight=None,
            query_mask=None, value_mask=None, causal=False):
        case = {"score": score}
        q = rng.normal(size=shapes[0]).astype(f32)
        v = rng.normal(size=shapes[1]).astype(f32)
        k = rng.normal(size=shapes[2]).astype(f32) if len(shapes) > 2 else None
        sc = None if scale is None else np.asarray(scale, dtype=f32)
        cw = None if concat_weight is None else f32(concat_weight)
        qm = None if query_mask is None else np.asarray(query_mask, dtype=f32)
        vm = None if value_mask is None else np.asarray(value_mask, dtype=f32)
        out, w = attention(case, q, v, v if k is None else k, sc, cw, qm, vm, causal)
        weights = []
        if sc is not None:
            weights.append(tensor(sc))
        if cw is not None:
            weights.append(tensor(cw))
        cases.append({
            "name": name,
            "class_name": class_name,
            "config": config,
            "use_causal_mask": causal,
            "weights": weights,
            "inputs": [tensor(x) for x in ([q, v] if k is None else [q, v, k])],
            "query_mask": None if qm is None else tensor(qm),
            "value_mask": None if vm is None else tensor(vm),
            "expected_output": tensor(out),
            "expected_scores": tensor(w),
        })

    # concat with use_scale: both scalars; masks on queries and values.
    add("concat_scaled_masked", "Attention",
        {"name": "concat_scaled", "use_scale": True, "score_mode": "concat", "dropout": 0.0},
        "concat", [(2, 3, 4), (2, 5, 4)], scale=0.7, concat_weight=1.3,
        query_mask=[[1, 1, 0], [1, 0, 1]], value_mask=[[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]])
    # concat without use_scale: only concat_score_weight; a separate key.
    add("concat_unscaled_key", "Attention",
        {"name": "concat_unscaled", "use_scale": False, "score_mode": "concat"},
        "concat", [(2, 3, 4), (2, 5, 2), (2, 5, 4)], concat_weight=0.8)
    # dot without use_scale, causal, separate key, value of another width.
    add("dot_unscaled_causal", "Attention",
        {"name": "dot_causal", "use_scale": False, "score_mode": "dot"},
        "dot", [(2, 4, 3), (2, 4, 2), (2, 4, 3)], causal=True)
    # dot with use_scale, causal and a value mask together (AND-ed).
    add("dot_scaled_causal_masked", "Attention",
        {"name": "dot_causal_masked", "use_scale": True},
        "dot", [(2, 4, 3), (2, 4, 3)], scale=1.7, causal=True,
        value_mask=[[1, 0, 1, 1], [0, 1, 1, 0]])
    # AdditiveAttention without use_scale (no weights); sample 1 has every key masked: each of
    # its rows is -1e9 on every key, which rounds to the same float32, so it is uniform.
    add("additive_unscaled_fully_masked", "AdditiveAttention",
        {"name": "additive_unscaled", "use_scale": False, "dropout": 0.0},
        "additive", [(2, 3, 4), (2, 5, 3), (2, 5, 4)],
        value_mask=[[1, 1, 0, 1, 1], [0, 0, 0, 0, 0]], query_mask=[[1, 0, 1], [1, 1, 1]])
    # AdditiveAttention with use_scale and causal.
    add("additive_scaled_causal", "AdditiveAttention",
        {"name": "additive_causal", "use_scale": True},
        "additive", [(1, 4, 3), (1, 4, 3)], scale=[0.5, -1.2, 2.0], causal=True)

    doc = {
        "source": "make_attention_layers.py: NumPy after keras/src/layers/attention/attention.py "
                  "and additive_attention.py (Keras 3); Keras never ran on these numbers",
        "cases": cases,
    }
    with open("attention_layers.json", "w") as out:
        json.dump(doc, out, indent=1)


if __name__ == "__main__":
    main()
