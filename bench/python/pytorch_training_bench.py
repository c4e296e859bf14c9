#!/usr/bin/env python3
"""PyTorch's training throughput on the replica of a Galvani architecture, the peer that
`galvani bench training` prints beside its own figure (it runs this script when a Python with
PyTorch is found; GALVANI_PYTHON names the interpreter, default /usr/bin/python3).

The job is the same as Galvani's: the module from scripts/pytorch/galvani_models.py, batch B of
random N(0, 1) 28x28 images (or, for the text CNN, random token ids [B, T]), random labels, cross
entropy, Adam at lr 1e-3; two warm-up steps, then S timed steps, best of R repetitions. Run from
anywhere:

    /usr/bin/python3 bench/python/pytorch_training_bench.py MODEL [batch] [steps] [threads] [repeats] [tokens]

Prints one JSON object: images (or sentences) per second for each repetition, the best, the
threads, the torch version, the process's peak resident set size (VmHWM) in MiB and its resident
set right after `import torch` (the libraries' share of it).
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "pytorch"))
from galvani_models import ARCHITECTURES  # noqa: E402


def status_mib(field):
    """A field of /proc/self/status (VmHWM: peak resident set; VmRSS: now) in MiB; ru_maxrss would
    report the parent's peak after fork and exec."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


BASELINE_MIB = status_mib("VmRSS")


def main():
    arch = sys.argv[1]
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else (os.cpu_count() or 1)
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    tokens = int(sys.argv[6]) if len(sys.argv) > 6 else 32
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    if arch not in ARCHITECTURES:
        sys.exit(f"pytorch_training_bench: unknown model '{arch}'; choose one of {', '.join(ARCHITECTURES)}")
    net = ARCHITECTURES[arch]()
    net.train()
    if arch == "textcnn":
        x = torch.randint(1, 5000, (batch, tokens))
        classes = 2
    else:
        x = torch.randn(batch, 1, 28, 28)
        classes = 10
    y = torch.randint(0, classes, (batch,))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(x), y).backward()
        opt.step()

    for _ in range(2):
        step()
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(batch * steps / (time.perf_counter() - t0))
    print(json.dumps({"model": arch, "batch": batch, "steps": steps, "rates": [round(r, 1) for r in rates],
                      "best": round(max(rates), 1), "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "peak_rss_mib": round(status_mib("VmHWM"), 1), "rss_after_import_mib": round(BASELINE_MIB, 1)}))


if __name__ == "__main__":
    main()
