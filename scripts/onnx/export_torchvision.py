#!/usr/bin/env python3
"""Exports full-size torchvision 0.14 nets to ONNX for Galvani's import checks, with Debian's
python3-torch 1.13, python3-torchvision 0.14 and python3-onnx 1.12:

    /usr/bin/python3 scripts/onnx/export_torchvision.py /work/onnx-models [IMAGES_DIR]

For each of GoogLeNet (Inception v1), AlexNet, VGG16, MobileNetV2 and ResNet101 it writes to the
folder (never the repository: they are 13 MB to 528 MB):

    NAME.onnx          opset 13, dynamic batch, eval mode (batch norm folded into the
                       convolutions, PyTorch's default)
    NAME.pt            the PyTorch state dict (for Captum on the same weights)
    NAME_logits.npy    PyTorch's logits on input.npy

and once: input.npy, a batch of 8 images [8, 3, 224, 224] (the photos in IMAGES_DIR, default
$GALVANI_DATA/images, through torchvision's Resize(256), CenterCrop(224), ToTensor, Normalize with
ImageNet statistics, then random normal images to fill the batch). `galvani bench onnx DIR`
imports them and compares them with ONNX Runtime and PyTorch (bench/python/torchvision_forward_bench.py).

Weights are random with fixed seeds: no pretrained weights can be downloaded here. Batch norm
statistics are measured on the batch and scales and shifts randomised (calibrate_batch_norm), so
that folding them is not trivial and the logits depend on the input. AlexNet and VGG16 have no
batch norm and keep torchvision's initialisation.
"""
import glob
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision

NETS = {
    "googlenet": lambda: torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True),
    "alexnet": lambda: torchvision.models.alexnet(weights=None),
    "vgg16": lambda: torchvision.models.vgg16(weights=None),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(weights=None),
    "resnet101": lambda: torchvision.models.resnet101(weights=None),
}


def calibrate_batch_norm(net, x, seed):
    """Batch norm statistics measured on the batch itself (a training-mode pass with a cumulative
    average), then random scales and shifts. With random weights and textbook running statistics
    the activations of these deep nets vanish or explode, and their logits hardly depend on the
    input; calibrated, every layer carries signal, so that logit and attribution comparisons test
    something."""
    g = torch.Generator().manual_seed(seed)
    bns = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    net.train()
    with torch.no_grad():
        net(x)
    net.eval()
    for m in bns:
        m.weight.data.copy_(torch.rand(m.num_features, generator=g) * 0.5 + 0.75)
        m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.1)


def inputs(images_dir):
    from PIL import Image
    import torchvision.transforms as T
    t = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    xs = []
    for f in sorted(glob.glob(os.path.join(images_dir, "*")))[:8]:
        if f.lower().endswith((".png", ".jpg", ".jpeg")):
            xs.append(t(Image.open(f).convert("RGB")))
    g = torch.Generator().manual_seed(0)
    while len(xs) < 8:
        xs.append(torch.randn(3, 224, 224, generator=g))
    return torch.stack(xs)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/work/onnx-models"
    images = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.environ.get("GALVANI_DATA", "/work/shared/data"), "images")
    only = sys.argv[3].split(",") if len(sys.argv) > 3 else list(NETS)
    os.makedirs(out, exist_ok=True)
    x = inputs(images)
    np.save(os.path.join(out, "input.npy"), x.numpy().astype("<f4"))
    for name in only:
        i = list(NETS).index(name)  # the same seeds whichever nets are exported
        torch.manual_seed(i)
        net = NETS[name]().eval()
        calibrate_batch_norm(net, x, 100 + i)
        torch.save(net.state_dict(), os.path.join(out, name + ".pt"))
        with torch.no_grad():
            logits = net(x)
            np.save(os.path.join(out, name + "_logits.npy"), logits.numpy().astype("<f4"))
            print(f"{name}: logits' standard deviation across the batch {logits.std(0).mean():.3g}, predicted {logits.argmax(1).tolist()}")
            path = os.path.join(out, name + ".onnx")
            torch.onnx.export(net, x, path, opset_version=13, input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        print(f"wrote {path} ({os.path.getsize(path) / 2**20:.0f} MiB)", flush=True)


if __name__ == "__main__":
    main()
