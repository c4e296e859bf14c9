#!/usr/bin/env python3
"""PyTorch's float32 matrix product C = A B for n x n matrices, the peer that `galvani bench gemm`
prints beside its own figure (run when a Python with PyTorch is found; GALVANI_PYTHON names the
interpreter, default /usr/bin/python3):

    /usr/bin/python3 bench/python/pytorch_gemm_bench.py N [threads] [seconds]

Uniform [-1, 1) inputs; about a second of warm-up, then timed repetitions (about `seconds` in all,
at least 5). Prints one JSON object: GFLOP/s = 2 n^3 / t of the best and the median repetition.
"""
import json
import os
import statistics
import sys
import time

import torch


def main():
    n = int(sys.argv[1])
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else (os.cpu_count() or 1)
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    a = torch.rand(n, n, generator=g) * 2 - 1
    b = torch.rand(n, n, generator=g) * 2 - 1
    c = torch.empty(n, n)
    end = time.perf_counter() + 1.0
    calls = 0
    while calls < 3 or time.perf_counter() < end:
        torch.mm(a, b, out=c)
        calls += 1
    t0 = time.perf_counter()
    torch.mm(a, b, out=c)
    per = time.perf_counter() - t0
    reps = max(5, min(200, int(seconds / max(per, 1e-9))))
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b, out=c)
        times.append(time.perf_counter() - t0)
    flops = 2.0 * n ** 3
    print(json.dumps({"n": n, "threads": torch.get_num_threads(), "torch": torch.__version__, "repetitions": reps,
                      "best_gflops": round(flops / min(times) * 1e-9, 2),
                      "median_gflops": round(flops / statistics.median(times) * 1e-9, 2)}))


if __name__ == "__main__":
    main()
