#!/usr/bin/env python3
"""PyTorch eager reference for bench_engine: the same encoders, attention weights returned per head.

Not part of AttnLens (no runtime dependency): it only produces the comparison figures in the README.
Run with Debian's python:  /usr/bin/python3 bench/torch_reference.py [THREADS]
(needs python3-torch; install libopenblas0-openmp too, or torch uses the slow reference BLAS).

    /usr/bin/python3 bench/torch_reference.py --cli DATA.npy OUT.h5 [THREADS]

does what `attnlens-cli run` does, in-process: reads the samples (N, T, 16), runs the 4-block
encoder on all of them with need_weights, and writes /outputs/0 and /attention/block<b>_mha
(N, heads, T, T) float32 to OUT.h5 with h5py (needs python3-h5py). It prints the time from
reading the data to closing the file, and its parts.
"""
import statistics
import sys
import time

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, d, heads, ff):
        super().__init__()
        self.mha = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ln1 = nn.LayerNorm(d, eps=1e-6)
        self.ff1 = nn.Linear(d, ff)
        self.ff2 = nn.Linear(ff, d)
        self.ln2 = nn.LayerNorm(d, eps=1e-6)

    def forward(self, x):
        a, w = self.mha(x, x, x, need_weights=True, average_attn_weights=False)
        x = self.ln1(x + a)
        x = self.ln2(x + self.ff2(nn.functional.gelu(self.ff1(x))))
        return x, w


class Encoder(nn.Module):
    def __init__(self, channels, d, heads, ff, blocks):
        super().__init__()
        self.embed = nn.Linear(channels, d)
        self.blocks = nn.ModuleList([Block(d, heads, ff) for _ in range(blocks)])
        self.head = nn.Linear(d, 1)

    def forward(self, x):
        x = self.embed(x)
        scores = []
        for b in self.blocks:
            x, w = b(x)
            scores.append(w)
        return self.head(x.mean(dim=1)), scores


def measure(model, steps, channels, seconds=2.0):
    one = torch.randn(1, steps, channels)
    batch = torch.randn(64, steps, channels)
    with torch.no_grad():
        model(one)
        times = []
        start = time.perf_counter()
        while time.perf_counter() - start < seconds or len(times) < 5:
            t0 = time.perf_counter()
            model(one)
            times.append((time.perf_counter() - t0) * 1e3)
        reps = 0
        b0 = time.perf_counter()
        while time.perf_counter() - b0 < seconds or reps < 2:
            model(batch)
            reps += 1
        rate = 64 * reps / (time.perf_counter() - b0)
    return statistics.median(times), rate


def cli_equivalent(data, out, threads):
    import h5py
    import numpy as np

    torch.set_num_threads(threads)
    t0 = time.perf_counter()
    x = torch.from_numpy(np.load(data))
    model = Encoder(x.shape[2], 256, 8, 1024, 4).eval()
    t1 = time.perf_counter()
    with torch.no_grad():
        y, scores = model(x)
    t2 = time.perf_counter()
    with h5py.File(out, "w") as f:
        f["outputs/0"] = y.numpy()
        for b, w in enumerate(scores):
            f[f"attention/block{b}_mha"] = w.numpy()
    t3 = time.perf_counter()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, samples {x.shape[0]}, "
          f"T={x.shape[1]}: total {t3 - t0:.3f} s (read + build {t1 - t0:.3f} s, forward "
          f"{t2 - t1:.3f} s, h5py write {t3 - t2:.3f} s)")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--cli":
        cli_equivalent(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 2)
        return
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, BLAS: "
          f"{'openblas' if 'openblas' in torch.__config__.show().lower() else 'see torch.__config__'}")
    cases = [("ts_encoder (T=48, d=32, 4 heads, 2 blocks)", Encoder(3, 32, 4, 64, 2), 48, 3),
             ("encoder 4 blocks, T=512, d=256, 8 heads", Encoder(16, 256, 8, 1024, 4), 512, 16)]
    for label, model, steps, channels in cases:
        model.eval()
        latency, rate = measure(model, steps, channels)
        print(f"{label}\n  latency (batch 1): {latency:.3f} ms\n  throughput (batch 64): {rate:.1f} samples/s")


if __name__ == "__main__":
    main()
