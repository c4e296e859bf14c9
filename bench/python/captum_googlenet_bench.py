#!/usr/bin/env python3
"""Captum 0.8 LayerConductance of torchvision GoogLeNet's inception4d (the block Dhamdhere, Yan and
Sundararajan 2018 study) on the same weights and images Galvani imports through ONNX
(scripts/onnx/export_torchvision.py), and its error against Galvani's result:

    ./galvani bench onnx DIR --conductance --images 2                     # writes DIR/googlenet_inception4d_galvani_2.npy
    PYTHONPATH=/tmp/captum /usr/bin/python3 bench/python/captum_googlenet_bench.py DIR 2 [steps] [internal_batch_size] [double]

Targets are PyTorch's predicted classes (Galvani uses its own, the same when the logits agree).
Prints the time of one attribution (after a warm-up of one step), the peak resident memory of the
process (getrusage) and, when Galvani's .npy for the same images is there, the largest relative
difference max |galvani - captum| / max |captum| per unit, and per filter (summed over positions).
internal_batch_size defaults to 51 rows per pass (one example's path): Captum's own default, all
rows in one pass, needs about 60 MB per row at 224x224. With "double" Captum runs in float64 and
saves googlenet_inception4d_captum64_N.npy; a float32 run then compares both Galvani and itself
with that reference, which tells float32 rounding apart from disagreement (largest, 10th and 100th
largest unit error, rms; bench/python/googlenet_precision.py takes it apart quantity by quantity).
"""
import os
import resource
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "onnx"))
from export_torchvision import NETS  # noqa: E402
from captum.attr import LayerConductance  # noqa: E402


def main():
    folder = sys.argv[1]
    images = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    ibs = int(sys.argv[4]) if len(sys.argv) > 4 else steps + 1
    double = len(sys.argv) > 5 and sys.argv[5] == "double"
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", os.cpu_count() or 1)))
    net = NETS["googlenet"]().eval()
    net.load_state_dict(torch.load(os.path.join(folder, "googlenet.pt")))
    x = torch.from_numpy(np.load(os.path.join(folder, "input.npy"))[:images])
    if double:
        net, x = net.double(), x.double()
    with torch.no_grad():
        target = net(x).argmax(1)
    lc = LayerConductance(net, net.inception4d)
    lc.attribute(x[:1], target=target[:1], n_steps=2, method="gausslegendre")  # warm-up
    t0 = time.perf_counter()
    attr = lc.attribute(x, target=target, n_steps=steps, method="gausslegendre", internal_batch_size=ibs)
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    a = attr.detach().numpy()
    tag = "captum64" if double else "captum"
    np.save(os.path.join(folder, f"googlenet_inception4d_{tag}_{images}.npy"), a.astype("<f8" if double else "<f4"))
    import captum
    print(f"captum {captum.__version__}, torch {torch.__version__}, {torch.get_num_threads()} threads: googlenet inception4d conductance, "
          f"{images} images, {steps} steps, {ibs} rows per pass{', float64' if double else ''}: {seconds:.2f} s, peak RSS {rss / 2**20:.2f} GiB, "
          f"targets {target.tolist()}")
    if double:
        return
    g_path = os.path.join(folder, f"googlenet_inception4d_galvani_{images}.npy")
    if os.path.exists(g_path):
        g = np.load(g_path)
        unit = np.abs(g - a).max() / np.abs(a).max()
        gf, af = g.sum((2, 3)), a.sum((2, 3))
        filt = np.abs(gf - af).max() / np.abs(af).max()
        print(f"Galvani vs Captum: largest relative difference per unit {unit:.2e}, per filter {filt:.2e} "
              f"(conductance totals: Galvani {g.reshape(images, -1).sum(1).round(4).tolist()}, Captum {a.reshape(images, -1).sum(1).round(4).tolist()})")
    ref_path = os.path.join(folder, f"googlenet_inception4d_captum64_{images}.npy")
    if os.path.exists(ref_path):
        ref = np.load(ref_path)
        for who, v in (("Captum float32", a), ("Galvani", np.load(g_path) if os.path.exists(g_path) else None)):
            if v is not None:
                # The largest unit error is usually one switched gradient (docs/onnx.md): the 10th and
                # 100th largest and the rms say more about rounding in general.
                ranks = np.sort(np.abs(v - ref).ravel())[::-1] / np.abs(ref).max()
                rms = np.sqrt(((v - ref) ** 2).mean() / (ref ** 2).mean())
                print(f"{who} vs Captum float64: per unit {ranks[0]:.2e} (10th largest {ranks[9]:.2e}, 100th {ranks[99]:.2e}, rms {rms:.2e}), "
                      f"per filter {np.abs(v.sum((2, 3)) - ref.sum((2, 3))).max() / np.abs(ref.sum((2, 3))).max():.2e}, "
                      f"totals {v.reshape(images, -1).sum(1).round(5).tolist()} vs {ref.reshape(images, -1).sum(1).round(5).tolist()}")


if __name__ == "__main__":
    main()
