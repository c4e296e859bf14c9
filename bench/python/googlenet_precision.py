#!/usr/bin/env python3
"""Where float32 rounding enters GoogLeNet's inception4d conductance (Captum's scheme, Gauss-Legendre
nodes): Galvani's path rows against PyTorch's in float64 and float32, quantity by quantity.

    ./galvani bench onnx DIR --path-values 0 --steps 50      # Galvani's rows for image 0 of DIR/input.npy
    /usr/bin/python3 bench/python/googlenet_precision.py DIR 0 50

DIR is the folder of scripts/onnx/export_torchvision.py. PyTorch runs five variants of the same
net on the same path x(α_k) = α_k x (zero baseline, Captum's steps + 1 nodes): float64 and
float32 of the torchvision model (batch norm as its own op, what Captum sees), float64 and float32
with the ONNX file's convolution weights (batch norm folded into them and rounded to float32 by the
exporter, what Galvani imports), and float64 of the torchvision model on path points rounded to
float32 (the rounding of the input alone). For each it prints the relative error, against a
float64 reference, of: each block's value at the image (rms), y(α) and y(α_{k+1}) − y(α_k) at
inception4d (rms), ∂F/∂y at inception4d (rms, and how many of its values are off by more than
1e-3 of the largest: gradients that a switched ReLU or max-pooling window above the layer sent
elsewhere), and the conductance Σ_k ∂F/∂y(α_k) (y(α_{k+1}) − y(α_k)) per unit (largest, 10th and
100th largest error, rms) and per filter (largest). Errors are relative to the reference's largest
absolute value (largest, ranks) or its rms (rms). Finally it names the unit with Galvani's largest
error and the node that makes it, and, for two of its convolutions on the same float32 input,
PyTorch's float32 rounding beside Galvani's (emulated) and that of sums in blocks of 64 products.
About 2 minutes and 1.5 GB per variant on 2 cores.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "onnx"))
from export_torchvision import NETS  # noqa: E402

LAYERS = ["conv1", "maxpool1", "conv3", "maxpool2", "inception3a", "inception3b", "maxpool3",
          "inception4a", "inception4b", "inception4c", "inception4d"]  # OnnxBench.GOOGLENET_LAYERS
LAYER = "inception4d"
ROWS = 6  # path rows per pass


def folded(net, folder):
    """The torchvision net with each BasicConv2d's convolution and batch norm replaced by the ONNX
    file's folded convolution (its weights and bias as the exporter rounded them)."""
    import onnx
    from onnx import numpy_helper
    model = onnx.load(os.path.join(folder, "googlenet.onnx"))
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type != "Conv":
            continue
        parts = node.name.strip("/").split("/")[:-2]  # /inception3a/branch2/branch2.0/conv/Conv
        if len(parts) > 2:
            parts = parts[:-2] + [parts[-1]]
        block = net.get_submodule(".".join(parts))
        c = block.conv
        conv = nn.Conv2d(c.in_channels, c.out_channels, c.kernel_size, c.stride, c.padding, bias=True)
        conv.weight.data = torch.from_numpy(init[node.input[1]].copy())
        conv.bias.data = torch.from_numpy(init[node.input[2]].copy())
        block.conv, block.bn = conv, nn.Identity()
    return net


def run(folder, x, alphas, dtype, fold, round_path):
    net = NETS["googlenet"]().eval()
    net.load_state_dict(torch.load(os.path.join(folder, "googlenet.pt")))
    if fold:
        net = folded(net, folder)
    net = net.to(dtype)
    xx = x.to(dtype)
    cache = {}
    hooks = [net.get_submodule(n).register_forward_hook(lambda m, i, o, n=n: cache.__setitem__(n, o)) for n in LAYERS]
    with torch.no_grad():
        target = int(net(xx).argmax(1)[0])
        at_x = {n: cache[n].numpy().astype(np.float64) for n in LAYERS}
    source = x if round_path else xx  # float32 path points, or exact ones
    path = torch.cat([0 + a * (source - 0) for a in alphas]).to(dtype)
    ys, gs = [], []
    for r0 in range(0, len(alphas), ROWS):
        p = path[r0:r0 + ROWS].clone().requires_grad_()
        logits = net(p)
        g, = torch.autograd.grad(logits[:, target].sum(), cache[LAYER])
        ys.append(cache[LAYER].detach().numpy().astype(np.float64))
        gs.append(g.numpy().astype(np.float64))
    for h in hooks:
        h.remove()
    return {"target": target, "x": at_x, "y": np.concatenate(ys), "g": np.concatenate(gs)}


def conductance(v):
    return (v["g"][:-1] * np.diff(v["y"], axis=0)).sum(0)


def rms(a, ref):
    return np.sqrt(((a - ref) ** 2).mean() / (ref ** 2).mean())


def table(variants, ref_name):
    ref = variants[ref_name]
    c_ref, m = conductance(ref), np.abs(ref["g"]).max()
    print(f"\nagainst {ref_name}:")
    print("  values at the image, rms: " + " ".join(f"{n}" for n in LAYERS))
    for name, v in variants.items():
        if name == ref_name or name.endswith("path points"):  # same values at the image as the reference
            continue
        print(f"  {name:44s} " + " ".join(f"{rms(v['x'][n], ref['x'][n]):.2e}" for n in LAYERS))
    print(f"  {'':44s} {'y(α)':>9s} {'Δy':>9s} {'∂F/∂y':>9s} {'switched':>8s} {'unit max':>9s} {'10th':>9s} {'100th':>9s} {'rms':>9s} {'filter':>9s}")
    for name, v in variants.items():
        if name == ref_name:
            continue
        c = conductance(v)
        e = np.sort(np.abs(c - c_ref).ravel())[::-1] / np.abs(c_ref).max()
        f, f_ref = c.sum((1, 2)), c_ref.sum((1, 2))
        print(f"  {name:44s} {rms(v['y'], ref['y']):9.2e} {rms(np.diff(v['y'], axis=0), np.diff(ref['y'], axis=0)):9.2e} "
              f"{rms(v['g'], ref['g']):9.2e} {int((np.abs(v['g'] - ref['g']) > 1e-3 * m).sum()):8d} "
              f"{e[0]:9.2e} {e[9]:9.2e} {e[99]:9.2e} {rms(c, c_ref):9.2e} {np.abs(f - f_ref).max() / np.abs(f_ref).max():9.2e}")


def convolution_rounding(folder, x):
    """One convolution on a float32 input computed exactly (float64 of float32 values): PyTorch's
    float32 against Galvani's sums, emulated: one float32 FMA accumulator per output over the
    im2col order c, kh, kw, restarted every 1024 products (GemmVector's KC) and added onto the
    output, then the bias added; bit-identical to Galvani's Conv2d on conv3 and
    inception4d.branch2.1 (JDK 25, Vector API). And the same sums in blocks of 64 products."""
    import onnx
    import torch.nn.functional as F
    from onnx import numpy_helper
    model = onnx.load(os.path.join(folder, "googlenet.onnx"))
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    conv = {n.name: (init[n.input[1]], init[n.input[2]]) for n in model.graph.node if n.op_type == "Conv"}

    def torch_conv(name, inp, dtype, pad):
        w, b = conv[name]
        return F.conv2d(torch.from_numpy(inp).to(dtype), torch.from_numpy(w.copy()).to(dtype), torch.from_numpy(b.copy()).to(dtype),
                        padding=pad).numpy()

    def chain(w2, col, block):
        out = np.zeros((w2.shape[0], col.shape[1]), np.float32)
        for b0 in range(0, w2.shape[1], block):
            acc = np.zeros_like(out)
            for k in range(b0, min(w2.shape[1], b0 + block)):
                acc = (acc.astype(np.float64) + w2[:, k:k + 1].astype(np.float64) * col[k]).astype(np.float32)
            out = (out.astype(np.float64) + acc).astype(np.float32)
        return out

    net = NETS["googlenet"]().eval().double()
    net.load_state_dict(torch.load(os.path.join(folder, "googlenet.pt")))
    cache = {}
    hooks = [net.get_submodule(n).register_forward_hook(lambda m, i, o, n=n: cache.__setitem__(n, o))
             for n in ("conv2", "inception4d.branch2.0")]
    with torch.no_grad():
        net(x.double())
    for h in hooks:
        h.remove()
    print("\none convolution on float32 inputs (relative to the exact result: largest, rms):")
    for name, src in (("/conv3/conv/Conv", "conv2"), ("/inception4d/branch2/branch2.1/conv/Conv", "inception4d.branch2.0")):
        inp = cache[src].numpy().astype(np.float32)
        w, b = conv[name]
        exact = torch_conv(name, inp.astype(np.float64), torch.float64, 1)[0].reshape(w.shape[0], -1)
        c_in, h, wd = inp.shape[1:]
        padded = np.pad(inp[0], ((0, 0), (1, 1), (1, 1)))
        col = np.stack([padded[:, i:i + h, j:j + wd] for i in range(3) for j in range(3)], 1).reshape(c_in * 9, h * wd)
        col = col.astype(np.float64)
        w2 = w.reshape(w.shape[0], -1)
        rows = {"PyTorch float32": torch_conv(name, inp, torch.float32, 1)[0].reshape(w.shape[0], -1)}
        for label, block in (("one accumulator (Galvani)", 1024), ("blocks of 64 products", 64)):
            rows[label] = (chain(w2, col, block).astype(np.float64) + b[:, None]).astype(np.float32)
        print(f"  {name} (K = {w2.shape[1]}): " + ", ".join(
            f"{k} {np.abs(v - exact).max() / np.abs(exact).max():.2e} / {rms(v, exact):.2e}" for k, v in rows.items()))


def main():
    folder = sys.argv[1]
    image = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", os.cpu_count() or 1)))
    x = torch.from_numpy(np.load(os.path.join(folder, "input.npy"))[image:image + 1])
    alphas = list(0.5 * (1 + np.polynomial.legendre.leggauss(steps + 1)[0]))  # Captum's alphas_func(steps + 1)
    stem = os.path.join(folder, f"googlenet_{LAYER}_galvani_path_")
    g = {"y": np.load(f"{stem}values_{image}.npy").astype(np.float64)[:, 0],
         "g": np.load(f"{stem}grads_{image}.npy").astype(np.float64)[:, 0],
         "x": {n: np.load(os.path.join(folder, f"googlenet_{n}_galvani_x_{image}.npy")).astype(np.float64) for n in LAYERS}}
    if g["y"].shape[0] != len(alphas):
        sys.exit(f"{stem}values_{image}.npy has {g['y'].shape[0]} path nodes, not {len(alphas)}: run galvani with --steps {steps}")
    v = {}
    for name, dtype, fold, rnd in (("PyTorch float64", torch.float64, False, False),
                                   ("PyTorch float64, ONNX weights", torch.float64, True, False),
                                   ("PyTorch float32", torch.float32, False, False),
                                   ("PyTorch float32, ONNX weights", torch.float32, True, False),
                                   ("PyTorch float64, float32 path points", torch.float64, False, True)):
        v[name] = run(folder, x, alphas, dtype, fold, rnd)
        print(f"{name}: target {v[name]['target']}", flush=True)
    v["Galvani (ONNX weights)"] = g
    print(f"googlenet {LAYER}, image {image}, {steps} steps ({len(alphas)} nodes), torch {torch.__version__}")
    table(v, "PyTorch float64")
    table({k: w for k, w in v.items() if k != "PyTorch float64"}, "PyTorch float64, ONNX weights")

    # The unit with Galvani's largest error against the folded float64 reference, and the node that makes it.
    ref = v["PyTorch float64, ONNX weights"]
    c, c_ref = conductance(g), conductance(ref)
    unit = np.unravel_index(np.argmax(np.abs(c - c_ref)), c.shape)
    sl = (slice(None),) + unit
    dy = np.diff(ref["y"][sl])
    part = (g["g"][sl][:-1] - ref["g"][sl][:-1]) * dy
    k = int(np.argmax(np.abs(part)))
    print(f"\nGalvani's largest unit error: filter {unit[0]} at ({unit[1]}, {unit[2]}), conductance {c[unit]:.4e} against {c_ref[unit]:.4e}; "
          f"{part[k] / (c[unit] - c_ref[unit]):.0%} of it at node {k} (α = {alphas[k]:.4f}), where ∂F/∂y is {g['g'][sl][k]:.4e} "
          f"against {ref['g'][sl][k]:.4e} (PyTorch float32: {v['PyTorch float32, ONNX weights']['g'][sl][k]:.4e}) and y(α_k+1) − y(α_k) = {dy[k]:.4e}")
    convolution_rounding(folder, x)


if __name__ == "__main__":
    main()
