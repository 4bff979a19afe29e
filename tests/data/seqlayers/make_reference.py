#!/usr/bin/env python3
"""Writes reference.h5: NumPy reference results for the sequence, embedding, pooling, recurrent,
convolution and operator layers (tests/core/tst_seq_layers.cpp).

No Keras is needed: each layer is re-implemented here from the formulas in the Keras source
(keras/src/layers/..., keras/src/ops/numpy.py, tf_keras TFOpLambda), in float64, from float32
weights and inputs drawn with a fixed seed. Run: python3 make_reference.py (numpy, h5py).

Layout: /cases/<name>/meta is the case as UTF-8 JSON in a uint8 dataset:
  {"stages": [{"class_name", "config", "module", "registered_name", "keras_version",
               "options", "weights": count}, ...],
   "inputs": [[parameter, count, has_mask], ...], "outputs": count, "output_masks": [bool],
   "error": null | "ShapeError" | "InputFileError" | "UnsupportedModelError"}
and float32 datasets s<k>_w<i> (weights of stage k), in_<parameter>_<i>, mask_<parameter>_<i>,
out_<i>, outmask_<i>. Stage k+1 takes stage k's first output and its mask as its first call
argument.
"""
import json
import os

import h5py
import numpy as np

rng = np.random.default_rng(20240611)


def rnd(*shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def hard_sigmoid3(x):  # Keras 3: relu6(x + 3) / 6
    return np.clip(x + 3.0, 0.0, 6.0) / 6.0


ACT = {"tanh": np.tanh, "sigmoid": sigmoid, "hard_sigmoid": hard_sigmoid3,
       "relu": lambda x: np.maximum(x, 0.0), "linear": lambda x: x}

CASES = {}


def add_case(name, stages, inputs, outputs=None, output_masks=None, error=None):
    """stages: list of dict(class_name, config, weights=[...], module, registered_name, options)
    inputs: list of (parameter, [tensors], [masks or None])."""
    CASES[name] = dict(stages=stages, inputs=inputs, outputs=outputs or [],
                       output_masks=output_masks or [], error=error)


def stage(class_name, config, weights=(), module=None, registered_name=None, options=None,
          keras_version="3.10.0"):
    return dict(class_name=class_name, config=config, weights=list(weights), module=module,
                registered_name=registered_name, options=options or {},
                keras_version=keras_version)


# ---------------------------------------------------------------- Embedding, Masking, pooling
E = rnd(7, 4)
ids = np.array([[3, 1, 0, 0, 0], [6, 2, 5, 4, 0]], dtype=np.float32)
emb_out = E.astype(np.float64)[ids.astype(int)]
emb_mask = (ids != 0).astype(np.float32)
emb_cfg = {"name": "embedding", "input_dim": 7, "output_dim": 4, "mask_zero": True}
add_case("embedding_mask_zero", [stage("Embedding", emb_cfg, [E])], [("inputs", [ids], [None])],
         [emb_out], [emb_mask])
bad = ids.copy()
bad[1, 3] = 7
add_case("embedding_id_out_of_range", [stage("Embedding", emb_cfg, [E])],
         [("inputs", [bad], [None])], error="ShapeError")
add_case("embedding_weight_shape_mismatch", [stage("Embedding", emb_cfg, [rnd(6, 4)])],
         [("inputs", [ids], [None])], error="InputFileError")

x = rnd(2, 4, 3)
x[0, 1] = 0.0
x[1, 3] = 0.0
x[1, 0, 0] = 0.0  # one zero feature alone does not mask the step
m = np.any(x != 0.0, axis=-1)
add_case("masking", [stage("Masking", {"name": "masking", "mask_value": 0.0})],
         [("inputs", [x], [None])], [x * m[..., None]], [m.astype(np.float32)])

x = rnd(2, 5, 3)
mask = np.array([[1, 1, 0, 1, 0], [1, 0, 0, 0, 0]], dtype=np.float32)
gap = (np.where(mask[..., None] > 0, x, 0).sum(1) / mask.sum(1)[:, None])
add_case("gap1d_masked", [stage("GlobalAveragePooling1D", {"name": "gap"})],
         [("inputs", [x], [mask])], [gap], [None])
xc = rnd(2, 3, 5)
add_case("gap1d_channels_first_keepdims",
         [stage("GlobalAveragePooling1D", {"name": "gap", "data_format": "channels_first",
                                          "keepdims": True})],
         [("inputs", [xc], [None])], [xc.mean(axis=2, keepdims=True)], [None])
add_case("gmp1d_ignores_mask", [stage("GlobalMaxPooling1D", {"name": "gmp"})],
         [("inputs", [x], [mask])], [x.max(axis=1)], [None])
# Embedding(mask_zero) -> GlobalAveragePooling1D: the pooling averages the unmasked ids only.
add_case("embedding_into_gap1d",
         [stage("Embedding", emb_cfg, [E]), stage("GlobalAveragePooling1D", {"name": "gap"})],
         [("inputs", [ids], [None])],
         [(emb_out * emb_mask[..., None]).sum(1) / emb_mask.sum(1)[:, None]], [None])

# ---------------------------------------------------------------- Keras 3 operator layers
OPS = "keras.src.ops.numpy"


def op_case(name, cls, config, args, expected, options=None):
    config = dict({"name": name}, **config)
    inputs = [(p, [t], [None]) for p, t in args]
    add_case("op_" + name, [stage(cls, config, module=OPS, registered_name=cls, options=options)],
             inputs, [expected], [None])


a = rnd(2, 3, 4)
b = rnd(3, 1)
c = np.abs(rnd(2, 3, 4)) + 0.5
op_case("add_broadcast", "Add", {}, [("x1", a), ("x2", b)], a + b)
op_case("subtract_constant", "Subtract", {}, [("x1", a)], a - 2.5, options={"x2": 2.5})
op_case("multiply", "Multiply", {}, [("x1", a), ("x2", c)], a * c)
op_case("true_divide", "TrueDivide", {}, [("x1", a), ("x2", c)], a / c)
op_case("divide_constant_first", "Divide", {}, [("x2", c)], 1.5 / c, options={"x1": 1.5})
op_case("power", "Power", {}, [("x1", c), ("x2", b)], np.power(c, b))
op_case("mean_axis1_keepdims", "Mean", {"axis": [1], "keepdims": True}, [("x", a)],
        a.mean(axis=1, keepdims=True))
op_case("sum_axes_0_2", "Sum", {"axis": [0, 2], "keepdims": False}, [("x", a)],
        a.sum(axis=(0, 2)))
op_case("max_last", "Max", {"axis": -1, "keepdims": False}, [("x", a)], a.max(axis=-1))
op_case("min_all", "Min", {"axis": None, "keepdims": False}, [("x", a)], a.min())
op_case("sqrt", "Sqrt", {}, [("x", c)], np.sqrt(c))
op_case("square", "Square", {}, [("x", a)], a * a)
op_case("exp", "Exp", {}, [("x", a)], np.exp(a))
op_case("log", "Log", {}, [("x", c)], np.log(c))
op_case("abs", "Absolute", {}, [("x", a)], np.abs(a))
op_case("negative", "Negative", {}, [("x", a)], -a)
w = rnd(4, 5)
op_case("matmul", "Matmul", {}, [("x1", a), ("x2", w)], a.astype(np.float64) @ w)
wb = rnd(1, 4, 2)
op_case("matmul_batched", "Matmul", {}, [("x1", a), ("x2", wb)], a.astype(np.float64) @ wb)
op_case("transpose", "Transpose", {"axes": [0, 2, 1]}, [("x", a)], a.transpose(0, 2, 1))
op_case("expand_dims", "ExpandDims", {"axis": 1}, [("x", a)], a[:, None])
op_case("squeeze", "Squeeze", {"axis": 2}, [("x", a[:, :, :1])], a[:, :, 0])
op_case("reshape", "Reshape", {"newshape": [-1, 6]}, [("x", a)], a.reshape(-1, 6))
add_case("op_unsupported", [stage("Argsort", {"name": "argsort", "axis": 1}, module=OPS,
                                  registered_name="Argsort")],
         [("x", [a], [None])], error="UnsupportedModelError")

# ---------------------------------------------------------------- Keras 2 TFOpLambda


def tf_case(name, function, args, expected, options=None):
    config = {"name": "tf." + function + "_1", "trainable": True, "dtype": "float32",
              "function": function}
    add_case("tf_" + name, [stage("TFOpLambda", config, options=dict({"name": None},
                                                                     **(options or {})),
                                  keras_version="2.15.0")],
             [(p, [t], [None]) for p, t in args], [expected], [None])


tf_case("add", "__operators__.add", [("x", a), ("y", b)], a + b)
k = rnd(3, 4)
tf_case("multiply_constant", "math.multiply", [("x", a)], a * k, options={"y": k.tolist()})
tf_case("subtract", "math.subtract", [("x", a), ("y", c)], a - c)
tf_case("truediv", "math.truediv", [("x", a), ("y", c)], a / c)
tf_case("reduce_mean", "math.reduce_mean", [("input_tensor", a)], a.mean(axis=1, keepdims=True),
        options={"axis": 1, "keepdims": True})
tf_case("reduce_sum_all", "math.reduce_sum", [("input_tensor", a)], a.sum())
tf_case("reduce_max", "math.reduce_max", [("input_tensor", a)], a.max(axis=-1),
        options={"axis": -1})
tf_case("relu", "nn.relu", [("features", a)], np.maximum(a, 0))
tf_case("sqrt", "math.sqrt", [("x", c)], np.sqrt(c))
tf_case("expand_dims", "expand_dims", [("input", a)], a[..., None], options={"axis": -1})
add_case("tf_unsupported", [stage("TFOpLambda", {"name": "tf.math.cumsum", "function":
                                                 "math.cumsum"}, keras_version="2.15.0")],
         [("x", [a], [None])], error="UnsupportedModelError")

# ---------------------------------------------------------------- LSTM / GRU


def run_rnn(cell, x, mask, states, go_backwards, zero_output):
    """keras backend.rnn: outputs in processing order; masked steps keep states, output the
    previous output (zeros at first) or zeros with zero_output_for_mask."""
    n, steps, _ = x.shape
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outputs = []
    prev = np.zeros((n, states[0].shape[1]))
    for t in order:
        out, new = cell(x[:, t].astype(np.float64), states)
        if mask is not None:
            keep = mask[:, t][:, None] > 0
            new = [np.where(keep, s1, s0) for s1, s0 in zip(new, states)]
            out = np.where(keep, out, 0.0 if zero_output else prev)
        states = new
        prev = out
        outputs.append(out)
    return np.stack(outputs, 1), prev, states


def lstm_cell(kernel, rec, bias, act, ract):
    u = rec.shape[0]

    def cell(xt, states):
        h, c = states
        z = xt @ kernel + h @ rec + (bias if bias is not None else 0)
        i, f, g, o = (z[:, j * u:(j + 1) * u] for j in range(4))
        c2 = ract(f) * c + ract(i) * act(g)
        h2 = ract(o) * act(c2)
        return h2, [h2, c2]
    return cell


def gru_cell(kernel, rec, bias, act, ract, reset_after):
    u = rec.shape[0]

    def cell(xt, states):
        (h,) = states
        if bias is None:
            ib, rb = 0, 0
        elif reset_after:
            ib, rb = bias[0], bias[1]
        else:
            ib, rb = bias, None
        mx = xt @ kernel + ib
        if reset_after:
            inner = h @ rec + rb
        else:
            inner = h @ rec[:, :2 * u]
        z = ract(mx[:, :u] + inner[:, :u])
        r = ract(mx[:, u:2 * u] + inner[:, u:2 * u])
        if reset_after:
            rh = r * inner[:, 2 * u:]
        else:
            rh = (r * h) @ rec[:, 2 * u:]
        hh = act(mx[:, 2 * u:] + rh)
        h2 = z * h + (1 - z) * hh
        return h2, [h2]
    return cell


def simple_cell(kernel, rec, bias, act):
    def cell(xt, states):
        (h,) = states
        h2 = act(xt @ kernel + (bias if bias is not None else 0) + h @ rec)
        return h2, [h2]
    return cell


def rnn_config(cls, units, **kw):
    cfg = {"name": cls.lower(), "units": units, "activation": "tanh",
           "recurrent_activation": "sigmoid", "use_bias": True, "return_sequences": False,
           "return_state": False, "go_backwards": False, "unroll": False}
    cfg.update(kw)
    return cfg


def rnn_expect(cls, cfg, weights, x, mask, initial=None, zero_output=False):
    units = cfg["units"]
    act, ract = ACT[cfg["activation"]], ACT[cfg["recurrent_activation"]]
    kernel = weights[0].astype(np.float64)
    rec = weights[1].astype(np.float64)
    bias = weights[2].astype(np.float64) if cfg["use_bias"] else None
    n = x.shape[0]
    if cls == "SimpleRNN":
        cell = simple_cell(kernel, rec, bias, act)
        states = initial or [np.zeros((n, units))]
    elif cls == "LSTM":
        cell = lstm_cell(kernel, rec, bias, act, ract)
        states = initial or [np.zeros((n, units)), np.zeros((n, units))]
    else:
        cell = gru_cell(kernel, rec, bias, act, ract, cfg.get("reset_after", True))
        states = initial or [np.zeros((n, units))]
    seq, last, states = run_rnn(cell, x, mask, [s.astype(np.float64) for s in states],
                                cfg["go_backwards"], zero_output)
    out = seq if cfg["return_sequences"] else last
    outs = [out] + (list(states) if cfg["return_state"] else [])
    return outs


F, U = 3, 4
xs = rnd(2, 6, F, scale=1.0)
seq_mask = np.array([[1, 1, 1, 0, 1, 0], [0, 1, 1, 1, 1, 1]], dtype=np.float32)


def lstm_weights(use_bias=True, units=U, features=F):
    w = [rnd(features, 4 * units), rnd(units, 4 * units)]
    return w + ([rnd(4 * units)] if use_bias else [])


def gru_weights(reset_after=True, use_bias=True, units=U, features=F):
    w = [rnd(features, 3 * units), rnd(units, 3 * units)]
    if use_bias:
        w.append(rnd(2, 3 * units) if reset_after else rnd(3 * units))
    return w


def rnn_case(name, cls, cfg, weights, x, mask=None, initial=None):
    outs = rnn_expect(cls, cfg, weights, x, mask, initial)
    out_masks = [mask if (cfg["return_sequences"] and mask is not None) else None]
    out_masks += [None] * (len(outs) - 1)
    inputs = [("sequences", [x], [mask])]
    if initial is not None:
        inputs.append(("initial_state", initial, [None] * len(initial)))
    add_case(name, [stage(cls, cfg, weights)], inputs, outs, out_masks)


W = lstm_weights()
rnn_case("lstm_sequences", "LSTM", rnn_config("LSTM", U, return_sequences=True), W, xs)
rnn_case("lstm_backwards_state", "LSTM",
         rnn_config("LSTM", U, go_backwards=True, return_state=True), W, xs)
rnn_case("lstm_masked_last", "LSTM", rnn_config("LSTM", U), W, xs, seq_mask)
rnn_case("lstm_masked_sequences_state", "LSTM",
         rnn_config("LSTM", U, return_sequences=True, return_state=True), W, xs, seq_mask)
rnn_case("lstm_no_bias_hard_sigmoid", "LSTM",
         rnn_config("LSTM", U, use_bias=False, recurrent_activation="hard_sigmoid",
                    return_sequences=True), lstm_weights(use_bias=False), xs)
rnn_case("lstm_initial_state", "LSTM", rnn_config("LSTM", U, return_state=True), W, xs,
         initial=[rnd(2, U), rnd(2, U)])
bad_w = [W[0], rnd(U, 3 * U), W[2]]
add_case("lstm_weight_shape_mismatch", [stage("LSTM", rnn_config("LSTM", U), bad_w)],
         [("sequences", [xs], [None])], error="InputFileError")
# Embedding(mask_zero) -> LSTM: the padded ids are skipped.
lcfg = rnn_config("LSTM", 5)
W4 = lstm_weights(units=5, features=4)
add_case("embedding_into_lstm", [stage("Embedding", emb_cfg, [E]), stage("LSTM", lcfg, W4)],
         [("inputs", [ids], [None])], rnn_expect("LSTM", lcfg, W4, emb_out, emb_mask), [None])

G = gru_weights()
rnn_case("gru_reset_after", "GRU", rnn_config("GRU", U, reset_after=True, return_sequences=True),
         G, xs)
G0 = gru_weights(reset_after=False)
rnn_case("gru_reset_before", "GRU",
         rnn_config("GRU", U, reset_after=False, return_sequences=True), G0, xs)
rnn_case("gru_masked_backwards_state", "GRU",
         rnn_config("GRU", U, go_backwards=True, return_state=True), G, xs, seq_mask)
rnn_case("gru_reset_before_masked", "GRU", rnn_config("GRU", U, reset_after=False), G0, xs,
         seq_mask)
add_case("gru_bias_shape_mismatch",
         [stage("GRU", rnn_config("GRU", U, reset_after=True), G0)],
         [("sequences", [xs], [None])], error="InputFileError")

S = [rnd(F, U), rnd(U, U), rnd(U)]
rnn_case("simple_rnn_masked_sequences", "SimpleRNN",
         rnn_config("SimpleRNN", U, return_sequences=True), S, xs, seq_mask)
rnn_case("simple_rnn_relu_backwards_state", "SimpleRNN",
         rnn_config("SimpleRNN", U, activation="relu", go_backwards=True, return_state=True), S,
         xs)

# ---------------------------------------------------------------- Bidirectional


def bidi_case(name, cls, cfg, merge, mask=None):
    make = {"LSTM": lstm_weights, "GRU": gru_weights,
            "SimpleRNN": lambda: [rnd(F, U), rnd(U, U), rnd(U)]}[cls]
    wf, wb = make(), make()
    seqs = cfg["return_sequences"]
    fwd = rnn_expect(cls, cfg, wf, xs, mask, zero_output=seqs)
    bcfg = dict(cfg, go_backwards=not cfg["go_backwards"])
    bwd = rnn_expect(cls, bcfg, wb, xs, mask, zero_output=seqs)
    y, y_rev = fwd[0], bwd[0]
    if seqs:
        y_rev = y_rev[:, ::-1]
    if merge == "concat":
        outs = [np.concatenate([y, y_rev], -1)]
    elif merge == "sum":
        outs = [y + y_rev]
    elif merge == "mul":
        outs = [y * y_rev]
    elif merge == "ave":
        outs = [(y + y_rev) / 2]
    else:
        outs = [y, y_rev]
    out_mask = mask if (seqs and mask is not None) else None
    out_masks = [out_mask] * len(outs)
    if cfg["return_state"]:
        outs += fwd[1:] + bwd[1:]
        out_masks += [None] * (len(fwd) - 1 + len(bwd) - 1)
    layer = {"module": "keras.layers", "class_name": cls, "config": cfg, "registered_name": None}
    config = {"name": "bidirectional", "layer": layer, "merge_mode": merge}
    add_case(name, [stage("Bidirectional", config, wf + wb)], [("sequences", [xs], [mask])],
             outs, out_masks)


seq_cfg = rnn_config("LSTM", U, return_sequences=True)
bidi_case("bidi_lstm_concat_masked", "LSTM", seq_cfg, "concat", seq_mask)
bidi_case("bidi_lstm_sum", "LSTM", seq_cfg, "sum")
bidi_case("bidi_lstm_mul_masked", "LSTM", seq_cfg, "mul", seq_mask)
bidi_case("bidi_lstm_ave", "LSTM", seq_cfg, "ave")
bidi_case("bidi_lstm_none_masked", "LSTM", seq_cfg, None, seq_mask)
bidi_case("bidi_simple_rnn_ave_masked", "SimpleRNN", rnn_config("SimpleRNN", U,
          return_sequences=True), "ave", seq_mask)
bidi_case("bidi_gru_concat_state", "GRU", rnn_config("GRU", U, return_state=True), "concat",
          seq_mask)

# ---------------------------------------------------------------- Conv1D


def conv1d(x, kernel, bias, stride, padding, dilation, groups, act):
    n, length, cin = x.shape
    k, cg, filters = kernel.shape
    span = dilation * (k - 1) + 1
    if padding == "valid":
        out_len, left = (length - span) // stride + 1, 0
    elif padding == "same":
        out_len = -(-length // stride)
        left = max((out_len - 1) * stride + span - length, 0) // 2
    else:
        left, out_len = span - 1, (length - 1) // stride + 1
    fg = filters // groups
    y = np.zeros((n, out_len, filters))
    for o in range(out_len):
        for j in range(k):
            t = o * stride - left + j * dilation
            if 0 <= t < length:
                for g in range(groups):
                    xs_ = x[:, t, g * cg:(g + 1) * cg].astype(np.float64)
                    y[:, o, g * fg:(g + 1) * fg] += xs_ @ kernel[j, :, g * fg:(g + 1) * fg]
    if bias is not None:
        y += bias
    return ACT[act](y)


def conv_case(name, length, cin, filters, k, stride=1, padding="valid", dilation=1, groups=1,
              use_bias=True, act="linear", channels_first=False):
    x = rnd(2, length, cin, scale=1.0)
    kernel = rnd(k, cin // groups, filters)
    bias = rnd(filters) if use_bias else None
    y = conv1d(x, kernel, bias, stride, padding, dilation, groups, act)
    cfg = {"name": "conv1d", "filters": filters, "kernel_size": [k], "strides": [stride],
           "padding": padding, "dilation_rate": [dilation], "groups": groups,
           "use_bias": use_bias, "activation": act,
           "data_format": "channels_first" if channels_first else "channels_last"}
    if channels_first:
        x, y = x.transpose(0, 2, 1), y.transpose(0, 2, 1)
    weights = [kernel] + ([bias] if use_bias else [])
    add_case(name, [stage("Conv1D", cfg, weights)], [("inputs", [x], [None])], [y], [None])


conv_case("conv1d_valid", 7, 3, 4, 3)
conv_case("conv1d_same_stride2", 7, 3, 4, 3, stride=2, padding="same")
conv_case("conv1d_causal_dilated", 8, 3, 5, 3, padding="causal", dilation=2, act="relu")
conv_case("conv1d_groups_no_bias", 6, 4, 6, 2, groups=2, use_bias=False, padding="same")
conv_case("conv1d_channels_first", 6, 3, 2, 2, channels_first=True)
add_case("conv1d_kernel_shape_mismatch",
         [stage("Conv1D", {"name": "conv1d", "filters": 4, "kernel_size": [3]},
                [rnd(2, 3, 4), rnd(4)])], [("inputs", [rnd(1, 5, 3)], [None])],
         error="InputFileError")


# ---------------------------------------------------------------- write
def write(path):
    with h5py.File(path, "w") as f:
        root = f.create_group("cases")
        for name, case in sorted(CASES.items()):
            g = root.create_group(name)
            stages = []
            for k, s in enumerate(case["stages"]):
                for i, wt in enumerate(s["weights"]):
                    g.create_dataset(f"s{k}_w{i}", data=np.asarray(wt, np.float32))
                stages.append({key: s[key] for key in ("class_name", "config", "module",
                                                       "registered_name", "options",
                                                       "keras_version")})
                stages[-1]["weights"] = len(s["weights"])
            inputs = []
            for parameter, tensors, masks in case["inputs"]:
                has_mask = any(mk is not None for mk in masks)
                inputs.append([parameter, len(tensors), has_mask])
                for i, t in enumerate(tensors):
                    g.create_dataset(f"in_{parameter}_{i}", data=np.asarray(t, np.float32))
                    if has_mask:
                        g.create_dataset(f"mask_{parameter}_{i}",
                                         data=np.asarray(masks[i], np.float32))
            for i, out in enumerate(case["outputs"]):
                g.create_dataset(f"out_{i}", data=np.asarray(out, np.float32))
            out_masks = []
            for i, mk in enumerate(case["output_masks"]):
                out_masks.append(mk is not None)
                if mk is not None:
                    g.create_dataset(f"outmask_{i}", data=np.asarray(mk, np.float32))
            meta = {"stages": stages, "inputs": inputs, "outputs": len(case["outputs"]),
                    "output_masks": out_masks, "error": case["error"]}
            g.create_dataset("meta", data=np.frombuffer(json.dumps(meta).encode(), np.uint8))


if __name__ == "__main__":
    write(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.h5"))
    print(len(CASES), "cases")
