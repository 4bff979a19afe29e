#!/usr/bin/env python3
"""PyTorch eager reference for bench_engine: the same encoders, attention weights returned per head.

Not part of AttnLens (no runtime dependency): it only produces the comparison figures in the README.
Run with Debian's python:  /usr/bin/python3 bench/torch_reference.py
(needs python3-torch; install libopenblas0-openmp too, or torch uses the slow reference BLAS).
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


def main():
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
