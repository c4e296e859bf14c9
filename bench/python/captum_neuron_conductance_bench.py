#!/usr/bin/env python3
"""Captum 0.8 NeuronConductance, one neuron per call, on the PyTorch replica of a Galvani checkpoint:
the peer of `galvani bench neuron-conductance`, which runs this script itself when given --python.

Needs Debian's python3-torch and Captum's source at tag v0.8.0 on PYTHONPATH (see
scripts/golden/make_fixtures.py). Standalone, from the repository root:

    PYTHONPATH=/tmp/captum /usr/bin/python3 bench/python/captum_neuron_conductance_bench.py \\
        CHECKPOINT INPUT.safetensors [layer] [steps] [samples]

INPUT holds one image under the name "input" ([1, 1, 28, 28]). It times `samples` units (c, h, w)
spread evenly over the layer, one NeuronConductance call each (Captum's default method,
riemann_trapezoid, all steps in one pass), after one warm-up call, and prints one JSON line: seconds
per neuron and the process's peak resident memory. PyTorch uses as many threads as the machine has
cores; TORCH_THREADS=N sets another count.
"""
import json
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "pytorch"))
from galvani_models import ARCHITECTURES, load_galvani_checkpoint  # noqa: E402
import captum  # noqa: E402
from captum.attr import NeuronConductance  # noqa: E402


def main():
    path, input_path = sys.argv[1], sys.argv[2]
    layer_name = sys.argv[3] if len(sys.argv) > 3 else "inception4a"
    steps = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    samples = int(sys.argv[5]) if len(sys.argv) > 5 else 8
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", os.cpu_count() or 1)))
    state, meta = load_galvani_checkpoint(path)
    kwargs = {"classes": int(meta.get("classes", 10))}
    if "width" in meta:
        kwargs["width"] = float(meta["width"])
    net = ARCHITECTURES[meta["architecture"]](**kwargs)
    net.load_state_dict(state, strict=True)
    net.eval()
    x = load_galvani_checkpoint(input_path)[0]["input"]
    layer = net.get_submodule(layer_name)
    with torch.no_grad():
        shape = []
        layer.register_forward_hook(lambda m, i, o: shape.append(tuple(o.shape[1:])))
        net(x)
    c, h, w = shape[0]
    units = c * h * w
    picks = [i * units // min(samples, units) for i in range(min(samples, units))]
    nc = NeuronConductance(net, layer)
    target = [0]
    nc.attribute(x, neuron_selector=(0, 0, 0), target=target, n_steps=steps)  # warm-up
    t0 = time.perf_counter()
    for u in picks:
        nc.attribute(x, neuron_selector=(u // (h * w), (u // w) % h, u % w), target=target, n_steps=steps)
    per = (time.perf_counter() - t0) / len(picks)
    print(json.dumps({"peer": f"captum {captum.__version__} NeuronConductance, torch {torch.__version__}, "
                              f"{torch.get_num_threads()} threads, {len(picks)} units of {layer_name}",
                      "seconds_per_neuron": per,
                      "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))


if __name__ == "__main__":
    main()
