#!/usr/bin/python3
"""NumPy reference for the dataset analysis (core/analysis), computed from attention that Keras
computed (no AttnLens code involved), written to reference.h5 beside this script.

Sources (all in tests/data, all Keras 3.15.1):
  demo/expected.h5              /attention/feature_attention (569, 4, 30, 30) for every demo row,
                                grouped by the CSV's `diagnosis` (resources/demo/breast_cancer.csv)
  keras/causal/expected.h5      (8, 2, 24, 24), upper triangle masked: entropy over unmasked keys
  keras/ts_encoder/expected.h5  two self-attention calls (8, 4, 48, 48): rollout

Definitions (issue 13): population std; normalised row entropy H(row) / log(#unmasked keys),
0 when fewer than 2 keys are unmasked (unmasked = at least FLT_MIN in some head of the sample,
see core/analysis/map_statistics.h); mean row max; mean weight on the
first / last key; received = column mean over queries of the group mean; rollout (Abnar &
Zuidema 2020): per call A = mean over heads, 0.5 A + 0.5 I rows renormalised, R = A_L ... A_1,
then the mean over the group's samples.

Run from anywhere: /usr/bin/python3 tests/data/analysis/make_reference.py
"""
import csv
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..")
ROOT = os.path.join(HERE, "..", "..", "..")


FLT_MIN = np.finfo(np.float32).tiny


def entropy(a):  # a: (n, heads, tq, tk) float64 -> (n, heads, tq)
    p = np.where(a > 0, a, 1.0)
    h = -np.sum(np.where(a > 0, a * np.log(p), 0.0), axis=-1)
    # unmasked: at least FLT_MIN in some head of the sample (a mask is shared by the heads)
    k = np.sum(a.max(axis=1, keepdims=True) >= FLT_MIN, axis=-1)
    return np.where(k > 1, h / np.log(np.maximum(k, 2)), 0.0)


def statistics(scores):  # (n, heads, tq, tk) -> dict of group statistics
    a = scores.astype(np.float64)
    head_mean = a.mean(axis=1)
    head_max = a.max(axis=1)
    out = {
        "count": np.int64(a.shape[0]),
        "mean": a.mean(axis=0), "std": a.std(axis=0),
        "head_mean/mean": head_mean.mean(axis=0), "head_mean/std": head_mean.std(axis=0),
        "head_max/mean": head_max.mean(axis=0), "head_max/std": head_max.std(axis=0),
        "entropy": entropy(a).mean(axis=(0, 2)),
        "max_weight": a.max(axis=-1).mean(axis=(0, 2)),
        "first_weight": a[..., 0].mean(axis=(0, 2)),
        "last_weight": a[..., -1].mean(axis=(0, 2)),
    }
    out["received"] = out["mean"].mean(axis=1)
    out["received_over_heads"] = out["received"].mean(axis=0)
    return out


def rollout(calls):  # list of (n, heads, t, t) -> (n, t, t)
    n, _, t, _ = calls[0].shape
    r = None
    for c in calls:
        a = 0.5 * c.astype(np.float64).mean(axis=1) + 0.5 * np.eye(t)
        a = a / a.sum(axis=-1, keepdims=True)
        r = a if r is None else a @ r
    return r


def write(group, stats):
    for k, v in stats.items():
        group.create_dataset(k, data=v)


def main():
    with h5py.File(os.path.join(DATA, "demo", "expected.h5"), "r") as f:
        demo = f["attention/feature_attention"][()]
    with open(os.path.join(ROOT, "resources", "demo", "breast_cancer.csv")) as f:
        diagnosis = [row["diagnosis"] for row in csv.DictReader(f)]
    assert len(diagnosis) == demo.shape[0]
    with h5py.File(os.path.join(DATA, "keras", "causal", "expected.h5"), "r") as f:
        causal = f["attention/causal_mha"][()]
    with h5py.File(os.path.join(DATA, "keras", "ts_encoder", "expected.h5"), "r") as f:
        ts = [f["attention/block0_mha"][()], f["attention/block1_mha"][()]]

    with h5py.File(os.path.join(HERE, "reference.h5"), "w") as out:
        out.attrs["made_by"] = "tests/data/analysis/make_reference.py (numpy %s)" % np.__version__
        out.create_group("demo").attrs["diagnosis"] = np.array(diagnosis, dtype="S")
        write(out.create_group("demo/all"), statistics(demo))
        for cls in sorted(set(diagnosis)):
            rows = np.array([d == cls for d in diagnosis])
            write(out.create_group("demo/target=" + cls), statistics(demo[rows]))
        write(out.create_group("causal/all"), statistics(causal))
        r = rollout(ts)
        out.create_dataset("ts_encoder/rollout", data=r.mean(axis=0))
        out.create_dataset("ts_encoder/rollout_sample0", data=r[0])


if __name__ == "__main__":
    main()
