#!/usr/bin/env python3
"""Exports the small ONNX fixtures the import tests read (models/src/test/resources/onnx/), with
Debian's python3-torch 1.13 and python3-onnx 1.12. Run from the repository root:

    /usr/bin/python3 scripts/onnx/export_fixtures.py

Weights are random with fixed seeds (nothing is trained or downloaded). The tests compare
Galvani's import with ONNX Runtime on them, so no reference outputs are stored. What each file
covers:

- inception.onnx    the project's InceptionNet (width 0.5), opset 11, batch norm kept as
                    BatchNormalization nodes (TrainingMode.PRESERVE on an eval-mode model)
- mobilenetv2.onnx  MobileNetV2Style, opset 13, batch norm folded into the convolutions (the
                    exporter's default in eval mode), ReLU6 as Clip with constant bounds
- resnet.onnx       ResNetStyle, opset 17, batch norm kept, dynamic batch axis
- textcnn.onnx      TextCnn (vocabulary 500, 32 dimensions, 16 filters), opset 13, int64 token
                    ids with a dynamic batch and length: Gather, 1-d Conv, ReduceMax, Transpose
- minigooglenet.onnx a small GoogLeNet-like net that uses every op the importer supports (the
                    shape chain of x.view(x.size(0), -1) and batch norm kept: no constant
                    folding), opset 13
- minigooglenet-opset17.onnx the same net at opset 17, folded (axes as inputs for Reduce*)

It also writes models/src/test/resources/images/: two small synthetic PNGs (RGB 37x23, grey
19x30) and what torchvision's evaluation transform (Resize, CenterCrop, ToTensor, Normalize) makes
of them, as .npy, for the image preprocessing test.

AlexNetStyle (1.8 MB of weights) and VggStyle (0.9 MB) would take the fixtures past their 2 MB
budget; their ops (Conv, Relu, MaxPool, Flatten, Gemm, Dropout) are all covered here, and the
full-size torchvision AlexNet and VGG16 are checked by scripts/onnx/export_torchvision.py.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "pytorch"))
from galvani_models import InceptionNet, MobileNetV2Style, ResNetStyle, TextCnn  # noqa: E402

OUT = os.path.join(ROOT, "models", "src", "test", "resources", "onnx")


def randomise_batch_norm(net, seed):
    """Non-trivial running statistics, so that batch norm is not the identity."""
    g = torch.Generator().manual_seed(seed)
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.1)


class LocalResponseNorm(torch.autograd.Function):
    """Exported as ONNX's LRN node: PyTorch's exporter otherwise writes LRN out as pooling and powers."""

    @staticmethod
    def forward(ctx, x):
        return F.local_response_norm(x, 5, alpha=1e-3, beta=0.75, k=2.0)

    @staticmethod
    def symbolic(g, x):
        return g.op("LRN", x, size_i=5, alpha_f=1e-3, beta_f=0.75, bias_f=2.0)


class MiniGoogLeNet(nn.Module):
    """GoogLeNet's shape (stem with LRN, inception blocks, ceil-mode pooling) in miniature, with one
    use of every op Galvani imports."""

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 5, stride=2, padding=2)
        self.maxpool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1, groups=2)
        self.bn2 = nn.BatchNorm2d(16)
        self.b1 = nn.Conv2d(16, 8, 1)
        self.b2 = nn.Sequential(nn.Conv2d(16, 8, 1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=2, dilation=2))
        self.b3 = nn.Conv2d(16, 8, (1, 3))          # asymmetric padding added with F.pad
        self.b4 = nn.Sequential(nn.AvgPool2d(3, 1, 1, count_include_pad=False), nn.Conv2d(16, 8, 1))
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(32, classes)
        self.proj = nn.Parameter(torch.randn(classes, classes) * 0.1)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = LocalResponseNorm.apply(self.maxpool1(x))
        x = F.relu6(self.bn2(self.conv2(F.pad(x, (1, 1, 1, 1), mode="reflect")))[:, :, 1:-1, 1:-1] * 2.0)
        y1 = torch.sigmoid(self.b1(x))
        y2 = torch.tanh(self.b2(x))
        y3 = torch.clamp(self.b3(F.pad(x, (2, 0))), -1.5, 2.5)
        y4 = self.b4(x)
        x = torch.cat([y1, y2, y3, y4], 1)                        # [N, 32, 8, 8]
        x = F.max_pool2d(x, 2, 2, padding=1, ceil_mode=True)      # [N, 32, 5, 5]
        mean = x.mean((2, 3))                                      # ReduceMean
        peak = x.amax(3).amax(2)                                    # ReduceMax
        pooled = F.adaptive_avg_pool2d(x, 1)                        # GlobalAveragePool
        flat = pooled.view(pooled.size(0), -1)                      # Shape, Gather, Unsqueeze, Concat, Reshape
        z = self.fc(self.dropout(flat + mean - peak / 4))
        z = z.unsqueeze(1).squeeze(1)
        z = torch.matmul(z, self.proj) + z
        picked = torch.index_select(z, 1, torch.tensor([0, 2, 4]))  # Gather
        z = z - picked.sum(1, keepdim=True) / 3
        z = torch.flatten(z.unsqueeze(2).permute(0, 2, 1), 1)      # Transpose, Flatten
        return F.log_softmax(z, 1) + F.softmax(z, 1)


def export(net, name, example, opset, **kw):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    net.eval()
    with torch.no_grad():
        torch.onnx.export(net, example, path, opset_version=opset, input_names=["input"], output_names=["logits"], **kw)
    print(f"wrote {os.path.relpath(path, ROOT)}: {os.path.getsize(path) / 1024:.0f} KiB, opset {opset}")


def images():
    """Synthetic images and torchvision's preprocessing of them (PIL bilinear resize, centre crop)."""
    import numpy as np
    from PIL import Image
    import torchvision.transforms as T
    out = os.path.join(ROOT, "models", "src", "test", "resources", "images")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:23, 0:37]
    rgb = np.stack([x * 7, y * 11, (x * y) % 256], -1) + rng.integers(0, 40, (23, 37, 3))
    grey = (np.mgrid[0:30, 0:19][0] * 8 + rng.integers(0, 30, (30, 19))) % 256
    cases = [("rgb", Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB"), 16, 14, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
             ("grey", Image.fromarray(grey.astype(np.uint8), "L"), 12, 10, [0.5], [0.25])]
    for name, img, resize, crop, mean, std in cases:
        img.save(os.path.join(out, name + ".png"))
        t = T.Compose([T.Resize(resize, interpolation=T.InterpolationMode.BILINEAR), T.CenterCrop(crop), T.ToTensor(), T.Normalize(mean, std)])
        np.save(os.path.join(out, name + "_expected.npy"), t(img).numpy().astype("<f4"))
        print(f"wrote {os.path.relpath(out, ROOT)}/{name}.png and {name}_expected.npy (resize {resize}, crop {crop})")


def main():
    images()
    torch.manual_seed(0)
    inc = InceptionNet(width=0.5)
    randomise_batch_norm(inc, 1)
    export(inc, "inception.onnx", torch.randn(1, 1, 28, 28), 11, training=torch.onnx.TrainingMode.PRESERVE)

    torch.manual_seed(1)
    mob = MobileNetV2Style()
    randomise_batch_norm(mob, 2)
    export(mob, "mobilenetv2.onnx", torch.randn(1, 1, 28, 28), 13)

    torch.manual_seed(2)
    res = ResNetStyle()
    randomise_batch_norm(res, 3)
    export(res, "resnet.onnx", torch.randn(2, 1, 28, 28), 17, training=torch.onnx.TrainingMode.PRESERVE,
           dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})

    torch.manual_seed(3)
    txt = TextCnn(vocab=500, dim=32, filters=16)
    export(txt, "textcnn.onnx", torch.randint(1, 500, (2, 12)), 13,
           dynamic_axes={"input": {0: "batch", 1: "length"}, "logits": {0: "batch"}})

    torch.manual_seed(4)
    mini = MiniGoogLeNet()
    randomise_batch_norm(mini, 5)
    # Without constant folding the exporter keeps batch norm and the x.size(0) shape chain as nodes.
    export(mini, "minigooglenet.onnx", torch.randn(2, 3, 32, 32), 13, training=torch.onnx.TrainingMode.PRESERVE,
           do_constant_folding=False)
    export(mini, "minigooglenet-opset17.onnx", torch.randn(2, 3, 32, 32), 17)


if __name__ == "__main__":
    main()
