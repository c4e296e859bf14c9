#!/usr/bin/env python3
"""Generates Galvani's golden fixtures with PyTorch and Captum 0.8 (reference implementations).

Run from the repository root, with Debian's python3-torch (and python3-matplotlib, python3-tqdm,
which Captum imports) and Captum's source at tag v0.8.0 on PYTHONPATH:

    git clone --branch v0.8.0 --depth 1 https://github.com/pytorch/captum /tmp/captum
    PYTHONPATH=/tmp/captum /usr/bin/python3 scripts/golden/make_fixtures.py [ops] [captum] [precision] [models]

It writes small safetensors files under */src/test/resources/golden/; the tests compare
Galvani's numbers with them. Only the fixtures are committed, not PyTorch or Captum.
"""
import copy
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import captum
from captum.attr import (IntegratedGradients, InternalInfluence, LayerActivation,
                         LayerConductance, LayerGradientXActivation, NeuronConductance)
from captum.attr._utils.approximation_methods import approximation_parameters

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def save(path, tensors, metadata):
    """Minimal safetensors writer (F32, F64 for float64 tensors): 8-byte LE header length, JSON header, raw LE data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        f64 = t.dtype == torch.float64
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype("<f8" if f64 else "<f4"))
        header[name] = {"dtype": "F64" if f64 else "F32", "shape": list(a.shape),
                        "data_offsets": [offset, offset + a.nbytes]}
        blobs.append(a.tobytes())
        offset += a.nbytes
    header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    print("wrote", os.path.relpath(path, ROOT), len(tensors), "tensors")


def ops_fixture():
    """Forward values and input gradients (for a fixed random upstream) of the engine's ops."""
    g = torch.Generator().manual_seed(0)
    out = {}

    def case(name, fn, *inputs):
        xs = [x.clone().requires_grad_(True) for x in inputs]
        y = fn(*xs)
        u = torch.randn(y.shape, generator=g)
        grads = torch.autograd.grad(y, xs, u)
        for i, x in enumerate(inputs):
            out[f"{name}.in{i}"] = x
            out[f"{name}.grad{i}"] = grads[i]
        out[f"{name}.out"] = y.detach()
        out[f"{name}.upstream"] = u

    r = lambda *s: torch.randn(*s, generator=g)
    case("conv2d_groups", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, dilation=2, groups=2),
         r(2, 4, 9, 7), r(6, 2, 3, 3), r(6))
    case("conv2d_depthwise", lambda x, w: F.conv2d(x, w, None, stride=1, padding=1, groups=3), r(2, 3, 6, 6), r(3, 1, 3, 3))
    case("conv1d", lambda x, w, b: F.conv1d(x, w, b), r(2, 5, 9), r(4, 5, 3), r(4))
    case("maxpool2d", lambda x: F.max_pool2d(x, 3, 2, 1), r(2, 3, 7, 7))
    case("avgpool2d", lambda x: F.avg_pool2d(x, 3, 2, 1), r(2, 3, 7, 7))
    case("batchnorm_train", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True, eps=1e-5),
         r(4, 3, 5, 5), r(3), r(3))
    case("log_softmax", lambda x: F.log_softmax(x, dim=1), r(3, 7))
    out["cross_entropy.labels"] = torch.tensor([1.0, 6.0, 0.0])
    case("cross_entropy", lambda x: F.cross_entropy(x, torch.tensor([1, 6, 0])), r(3, 7))
    case("linear", lambda x, w, b: F.linear(x, w, b), r(5, 4), r(3, 4), r(3))
    save(os.path.join(ROOT, "engine/src/test/resources/golden/ops.safetensors"), out,
         {"torch": torch.__version__, "generator": "scripts/golden/make_fixtures.py"})


class SmallConvNet(nn.Module):
    """The net of attribution/src/test/java/.../CaptumParityTest.java, same names and layouts."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(4, 6, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        y = self.relu2(self.conv2(self.pool(self.relu1(self.conv1(x)))))
        return self.fc(y.mean((2, 3)))


def captum_fixture():
    torch.manual_seed(1)
    net = SmallConvNet().eval()
    x = torch.randn(3, 1, 8, 8)
    target = [0, 1, 2]
    out = {k: v for k, v in net.state_dict().items()}
    out["input"] = x
    out["logits"] = net(x).detach()
    m = 10
    for method in ["gausslegendre", "riemann_trapezoid", "riemann_left"]:
        lc = LayerConductance(net, net.relu2)
        a, delta = lc.attribute(x, baselines=torch.zeros_like(x), target=target, n_steps=m, method=method,
                                return_convergence_delta=True)
        out[f"conductance.relu2.{method}"] = a
        out[f"conductance.relu2.{method}.delta"] = delta
        lc1 = LayerConductance(net, net.relu1)
        out[f"conductance.relu1.{method}"] = lc1.attribute(x, target=target, n_steps=m, method=method)
    ig = IntegratedGradients(net)
    out["ig.gausslegendre"] = ig.attribute(x, target=target, n_steps=m, method="gausslegendre")
    ii = InternalInfluence(net, net.relu2)
    out["internal_influence.relu2.gausslegendre"] = ii.attribute(x, target=target, n_steps=m, method="gausslegendre")
    out["grad_x_act.relu2"] = LayerGradientXActivation(net, net.relu2).attribute(x, target=target)
    out["activation.relu2"] = LayerActivation(net, net.relu2).attribute(x)
    # Captum's own node counts and step sizes: IG and internal influence on m nodes (trapezoid: 1/m steps)
    out["ig.riemann_trapezoid"] = ig.attribute(x, target=target, n_steps=m, method="riemann_trapezoid")
    out["internal_influence.relu2.riemann_trapezoid"] = ii.attribute(x, target=target, n_steps=m,
                                                                     method="riemann_trapezoid")
    # The log-probability target: the same net with log-softmax on top
    logp = nn.Sequential(net, nn.LogSoftmax(dim=1)).eval()
    out["conductance.relu2.gausslegendre.logprob"] = LayerConductance(logp, net.relu2).attribute(
        x, target=target, n_steps=m, method="gausslegendre")
    out["ig.gausslegendre.logprob"] = IntegratedGradients(logp).attribute(x, target=target, n_steps=m,
                                                                         method="gausslegendre")
    out["logprob"] = logp(x).detach()
    # NeuronConductance of single units (c, h, w), Captum's default method and Gauss-Legendre
    for layer_name, layer, neurons in [("relu2", net.relu2, [(0, 1, 2), (3, 0, 3), (5, 2, 2)]),
                                       ("relu1", net.relu1, [(1, 4, 5), (2, 0, 0)])]:
        for method in ["riemann_trapezoid", "gausslegendre"]:
            nc = NeuronConductance(net, layer)
            for c, h, w in neurons:
                out[f"neuron_conductance.{layer_name}.{c}.{h}.{w}.{method}"] = nc.attribute(
                    x, neuron_selector=(c, h, w), target=target, n_steps=m, method=method)
    # Captum's nodes (alphas) and weights (step sizes)
    for method in ["riemann_trapezoid", "riemann_left", "riemann_right", "riemann_middle", "gausslegendre"]:
        step_sizes, alphas = approximation_parameters(method)
        for n in [2, 7, 50]:
            out[f"quadrature.{method}.{n}.alphas"] = torch.tensor(alphas(n), dtype=torch.float64)
            out[f"quadrature.{method}.{n}.step_sizes"] = torch.tensor(step_sizes(n), dtype=torch.float64)
    save(os.path.join(ROOT, "attribution/src/test/resources/golden/captum_small_convnet.safetensors"), out,
         {"torch": torch.__version__, "captum": captum.__version__, "steps": str(m),
          "generator": "scripts/golden/make_fixtures.py"})


class SmoothConvNet(nn.Module):
    """The net of attribution/src/test/java/.../ConductancePrecisionTest.java: smooth (tanh, average
    pooling), so that its float32 error is rounding alone, with no ReLU or max pooling that float32
    rounding could switch; conv3 and conv4 sum 288 and 576 products per output, as a deep convnet's
    3x3 convolutions do."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.tanh1 = nn.Tanh()
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.tanh2 = nn.Tanh()
        self.pool = nn.AvgPool2d(2, 2)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1)
        self.tanh3 = nn.Tanh()
        self.conv4 = nn.Conv2d(64, 64, 3, padding=1)
        self.tanh4 = nn.Tanh()
        self.fc = nn.Linear(64, 5)

    def forward(self, x):
        y = self.pool(self.tanh2(self.conv2(self.tanh1(self.conv1(x)))))
        y = self.tanh4(self.conv4(self.tanh3(self.conv3(y))))
        return self.fc(y.mean((2, 3)))


def precision_fixture():
    """Float64 references for the float32 error of conductance (Captum's scheme, 50 Gauss-Legendre
    steps, layer tanh3) and of the layer's value, with PyTorch's own float32 results beside them:
    the test holds Galvani's float32 error to a small multiple of PyTorch's."""
    torch.manual_seed(3)
    net = SmoothConvNet().eval()
    x = torch.randn(2, 3, 16, 16)
    target = [1, 3]
    out = {k: v for k, v in net.state_dict().items()}
    out["input"] = x
    m = 50
    for tag, model, inp in (("f64", copy.deepcopy(net).double(), x.double()), ("f32", net, x)):
        layer = model.tanh3
        acts = {}
        h = layer.register_forward_hook(lambda mod, i, o: acts.__setitem__("y", o.detach()))
        values = {"logits": model(inp).detach()}
        h.remove()
        values["tanh3"] = acts["y"]
        values["conductance.tanh3"] = LayerConductance(model, layer).attribute(
            inp, target=target, n_steps=m, method="gausslegendre").detach()
        for k, v in values.items():
            if tag == "f32":
                out[f"{k}.f32"] = v
            else:  # float64 as two float32 parts, hi + lo, exact to about 2^-48 (Galvani reads tensors as float)
                hi = v.float()
                out[f"{k}.f64.hi"], out[f"{k}.f64.lo"] = hi, (v - hi.double()).float()
    save(os.path.join(ROOT, "attribution/src/test/resources/golden/precision_smooth_convnet.safetensors"), out,
         {"torch": torch.__version__, "captum": captum.__version__, "steps": str(m), "target": "1,3",
          "generator": "scripts/golden/make_fixtures.py"})


def model_fixtures():
    """Checkpoints of Galvani's architectures written from PyTorch, with logits on a fixed input:
    Galvani must load them (strict names and shapes) and reproduce the logits."""
    import sys
    sys.path.insert(0, os.path.join(ROOT, "scripts", "pytorch"))
    from galvani_models import ARCHITECTURES, save_galvani_checkpoint
    cases = [("inception", {"width": "0.5"}), ("mobilenetv2", {}), ("resnet", {}),
             ("textcnn", {"vocab": "50", "dim": "16", "filters": "8"})]
    for seed, (arch, hyper) in enumerate(cases):
        torch.manual_seed(100 + seed)
        kwargs = {k: (float(v) if k == "width" else int(v)) for k, v in hyper.items()}
        net = ARCHITECTURES[arch](**kwargs)
        with torch.no_grad():  # non-trivial running statistics, so eval-mode batch norm is tested
            for m in net.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.normal_(0, 0.1)
                    m.running_var.uniform_(0.5, 1.5)
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.normal_(0, 0.1)
                    m.num_batches_tracked.fill_(7)
        net.eval()
        if arch == "textcnn":
            x = torch.randint(1, 50, (3, 9))
            x[2, 6:] = 0  # padding
        else:
            x = torch.randn(2, 1, 28, 28)
        state = dict(net.state_dict())
        state["fixture.input"] = x.float()
        state["fixture.logits"] = net(x).detach()
        meta = {"architecture": arch, "torch": torch.__version__}
        meta.update(hyper)
        path = os.path.join(ROOT, f"models/src/test/resources/golden/{arch}.safetensors")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        save_galvani_checkpoint(path, state, meta)
        print("wrote", os.path.relpath(path, ROOT))


if __name__ == "__main__":
    import sys
    wanted = sys.argv[1:] or ["ops", "captum", "precision", "models"]  # e.g. `make_fixtures.py captum` for one file
    for name, make in [("ops", ops_fixture), ("captum", captum_fixture), ("precision", precision_fixture),
                       ("models", model_fixtures)]:
        if name in wanted:
            make()
