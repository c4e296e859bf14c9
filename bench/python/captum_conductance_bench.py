#!/usr/bin/env python3
"""Captum 0.8 LayerConductance throughput on the same Inception-style net and weights as
`galvani bench conductance`, for the comparison the conductance benchmark asks for.

Needs Debian's python3-torch and Captum's source at tag v0.8.0 on PYTHONPATH (see
scripts/golden/make_fixtures.py). Run from the repository root:

    ./galvani train --model inception --data generated --epochs 1 --train-examples 64 --out /tmp/inc.safetensors  # any weights
    PYTHONPATH=/tmp/captum /usr/bin/python3 bench/python/captum_conductance_bench.py /tmp/inc.safetensors [batch] [steps] [internal_batch_size]

and compare with `./galvani bench conductance --batch 16 --steps 50` (attributions/s) on the same machine.
A path of `random` uses PyTorch's default initialisation instead of a checkpoint (enough for time
and memory); `--json` prints one JSON object (what `galvani bench conductance --memory` reads),
with the process's peak resident set (VmHWM) and its resident set right after the imports.
PyTorch uses as many threads as the machine has cores (Debian's build may default to one);
TORCH_THREADS=N sets another count. internal_batch_size defaults to all batch x (steps + 1) rows in
one pass (Captum's default); on a 2-core CPU about 100-200 rows per pass is faster.
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "pytorch"))
from galvani_models import ARCHITECTURES, load_galvani_checkpoint  # noqa: E402
from captum.attr import LayerConductance  # noqa: E402


def status_mib(field):
    """A field of /proc/self/status in MiB (VmHWM: peak resident set, VmRSS: now)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


IMPORT_RSS_MIB = status_mib("VmRSS")


def main():
    as_json = "--json" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--json"]
    path = args[0]
    batch = int(args[1]) if len(args) > 1 else 16
    steps = int(args[2]) if len(args) > 2 else 50
    ibs = int(args[3]) if len(args) > 3 else batch * (steps + 1)
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", os.cpu_count() or 1)))
    if path == "random":
        torch.manual_seed(0)
        net = ARCHITECTURES["inception"]()
    else:
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
    if as_json:
        print(json.dumps({"captum": __import__('captum').__version__, "torch": torch.__version__, "threads": torch.get_num_threads(),
                          "batch": batch, "steps": steps, "rows_per_pass": ibs, "seconds": round(best, 4),
                          "attributions_per_second": round(batch / best, 3), "peak_rss_mib": round(status_mib("VmHWM"), 1),
                          "rss_after_import_mib": round(IMPORT_RSS_MIB, 1)}))
        return
    print(f"captum {__import__('captum').__version__} LayerConductance, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads: batch {batch}, {steps} steps, {ibs} rows per pass, inception4a: "
          f"{batch / best:.2f} attributions/s ({best:.3f} s), peak RSS {status_mib('VmHWM'):.0f} MiB")


if __name__ == "__main__":
    main()
