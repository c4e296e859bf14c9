#!/usr/bin/env python3
"""PyTorch's forward speed and logits for one net exported by scripts/onnx/export_torchvision.py,
for `galvani bench onnx`, which runs it between its own timings (never at the same time):

    /usr/bin/python3 bench/python/torchvision_forward_bench.py DIR NAME [repeats]

Loads DIR/NAME.pt into the torchvision model, runs DIR/input.npy (batch 8, 224x224) once to warm
up, then `repeats` times (default 5), and prints one line: images/s of the fastest run, the
thread count, and the peak resident memory of this process (KiB, from getrusage).
"""
import os
import resource
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "onnx"))
from export_torchvision import NETS  # noqa: E402


def main():
    folder, name = sys.argv[1], sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", os.cpu_count() or 1)))
    net = NETS[name]().eval()
    net.load_state_dict(torch.load(os.path.join(folder, name + ".pt")))
    x = torch.from_numpy(np.load(os.path.join(folder, "input.npy")))
    with torch.no_grad():
        net(x)
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            net(x)
            best = min(best, time.perf_counter() - t0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"images_per_s={x.shape[0] / best:.4f} threads={torch.get_num_threads()} peak_rss_kib={rss} torch={torch.__version__}")


if __name__ == "__main__":
    main()
