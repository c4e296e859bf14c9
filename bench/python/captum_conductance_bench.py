#!/usr/bin/env python3
"""Captum 0.8 LayerConductance throughput on the same Inception-style net and weights as
`galvani bench conductance`, for the comparison the conductance benchmark asks for.

Needs Debian's python3-torch and Captum's source at tag v0.8.0 on PYTHONPATH (see
scripts/golden/make_fixtures.py). Run from the repository root:

    ./galvani train --model inception --data generated --epochs 1 --train-examples 64 --out /tmp/inc.safetensors  # any weights
    PYTHONPATH=/tmp/captum /usr/bin/python3 bench/python/captum_conductance_bench.py /tmp/inc.safetensors [batch] [steps] [internal_batch_size]

and compare with `./galvani bench conductance --batch 16 --steps 50` (attributions/s) on the same machine.
PyTorch uses as many threads as the machine has cores (Debian's build may default to one);
TORCH_THREADS=N sets another count. internal_batch_size defaults to all batch x (steps + 1) rows in
one pass (Captum's default); on a 2-core CPU about 100-200 rows per pass is faster.
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "pytorch"))
from galvani_models import ARCHITECTURES, load_galvani_checkpoint  # noqa: E402
from captum.attr import LayerConductance  # noqa: E402


def main():
    path = sys.argv[1]
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    ibs = int(sys.argv[4]) if len(sys.argv) > 4 else batch * (steps + 1)
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", os.cpu_count() or 1)))
    state, meta = load_galvani_checkpoint(path)
    kwargs = {"classes": int(meta.get("classes", 10))}
    if "width" in meta:
        kwargs["width"] = float(meta["width"])
    net = ARCHITECTURES[meta["architecture"]](**kwargs)
    net.load_state_dict(state, strict=True)
    net.eval()
    torch.manual_seed(0)
    x = torch.randn(batch, 1, 28, 28)
    target = net(x).argmax(1)
    lc = LayerConductance(net, net.inception4a)
    lc.attribute(x, target=target, n_steps=steps, method="gausslegendre", internal_batch_size=ibs)
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        lc.attribute(x, target=target, n_steps=steps, method="gausslegendre", internal_batch_size=ibs)
        best = min(best, time.perf_counter() - t0)
    print(f"captum {__import__('captum').__version__} LayerConductance, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads: batch {batch}, {steps} steps, {ibs} rows per pass, inception4a: "
          f"{batch / best:.2f} attributions/s ({best:.3f} s)")


if __name__ == "__main__":
    main()
