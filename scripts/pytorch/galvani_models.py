"""PyTorch definitions of Galvani's architectures, with the same parameter names and layouts,
so that `model.load_state_dict(load_galvani_checkpoint(path), strict=True)` loads Galvani's
safetensors checkpoints, and Galvani loads checkpoints saved from these modules.

Each class mirrors the Java class named in its docstring (models/src/main/java/dev/galvani/models/nets/).
"""
import json
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvBnAct(nn.Module):
    """ConvBnAct.java: conv (no bias, padding k//2), bn, activation (relu, relu6 or none)."""

    def __init__(self, cin, cout, k, stride=1, groups=1, eps=1e-3, act="relu"):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=eps)
        self.act = {"relu": nn.ReLU(), "relu6": nn.ReLU6(), None: None}[act]

    def forward(self, x):
        y = self.bn(self.conv(x))
        return y if self.act is None else self.act(y)


def basic(cin, cout, k):
    return ConvBnAct(cin, cout, k, eps=1e-3, act="relu")


class InceptionBlock(nn.Module):
    """InceptionBlock.java."""

    def __init__(self, cin, c1, c3r, c3, c5r, c5, pool):
        super().__init__()
        self.branch1 = basic(cin, c1, 1)
        self.branch2 = nn.Sequential(basic(cin, c3r, 1), basic(c3r, c3, 3))
        self.branch3 = nn.Sequential(basic(cin, c5r, 1), basic(c5r, c5, 3), basic(c5, c5, 3))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), basic(cin, pool, 1))
        self.out_channels = c1 + c3 + c5 + pool

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class InceptionNet(nn.Module):
    """InceptionNet.java (width 1.0: channel unit w = 8)."""

    def __init__(self, classes=10, width=1.0):
        super().__init__()
        w = round(8 * width)
        self.conv1 = basic(1, 3 * w, 3)
        self.maxpool1 = nn.MaxPool2d(2, 2)
        self.conv2 = basic(3 * w, 6 * w, 3)
        self.inception3a = InceptionBlock(6 * w, 4 * w, 4 * w, 6 * w, w, 2 * w, 2 * w)
        self.inception3b = InceptionBlock(self.inception3a.out_channels, 6 * w, 6 * w, 8 * w, 2 * w, 3 * w, 3 * w)
        self.maxpool2 = nn.MaxPool2d(2, 2)
        self.inception4a = InceptionBlock(self.inception3b.out_channels, 8 * w, 8 * w, 12 * w, 2 * w, 4 * w, 4 * w)
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(self.inception4a.out_channels, classes)

    def forward(self, x):
        y = self.maxpool1(self.conv1(x))
        y = self.inception3b(self.inception3a(self.conv2(y)))
        y = self.inception4a(self.maxpool2(y))
        return self.fc(self.dropout(y.mean((2, 3))))


class TextCnn(nn.Module):
    """TextCnn.java: input token ids [N, T] (long)."""

    def __init__(self, vocab=5000, dim=128, filters=100, classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim, padding_idx=0)
        for w in (3, 4, 5):
            setattr(self, f"conv{w}", nn.ModuleDict({"conv": nn.Conv1d(dim, filters, w)}))
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(3 * filters, classes)

    def forward(self, ids):
        e = self.embedding(ids).permute(0, 2, 1)
        pooled = [F.relu(getattr(self, f"conv{w}")["conv"](e)).amax(2) for w in (3, 4, 5)]
        return self.fc(self.dropout(torch.cat(pooled, 1)))


class AlexNetStyle(nn.Sequential):
    """AlexNetStyle.java."""

    def __init__(self, classes=10):
        super().__init__()
        add = self.add_module
        add("conv1", nn.Conv2d(1, 32, 5, 1, 2)); add("relu1", nn.ReLU()); add("pool1", nn.MaxPool2d(2, 2))
        add("conv2", nn.Conv2d(32, 64, 5, 1, 2)); add("relu2", nn.ReLU()); add("pool2", nn.MaxPool2d(2, 2))
        add("conv3", nn.Conv2d(64, 96, 3, 1, 1)); add("relu3", nn.ReLU())
        add("conv4", nn.Conv2d(96, 96, 3, 1, 1)); add("relu4", nn.ReLU())
        add("conv5", nn.Conv2d(96, 64, 3, 1, 1)); add("relu5", nn.ReLU()); add("pool5", nn.MaxPool2d(2, 2))
        add("flatten", nn.Flatten())
        add("dropout6", nn.Dropout(0.5)); add("fc6", nn.Linear(64 * 9, 256)); add("relu6", nn.ReLU())
        add("dropout7", nn.Dropout(0.5)); add("fc7", nn.Linear(256, 256)); add("relu7", nn.ReLU())
        add("fc8", nn.Linear(256, classes))


class VggStyle(nn.Sequential):
    """VggStyle.java."""

    def __init__(self, classes=10):
        super().__init__()
        cin = 1
        for s, c in enumerate((16, 32, 64), start=1):
            self.add_module(f"conv{s}_1", nn.Conv2d(cin, c, 3, 1, 1)); self.add_module(f"relu{s}_1", nn.ReLU())
            self.add_module(f"conv{s}_2", nn.Conv2d(c, c, 3, 1, 1)); self.add_module(f"relu{s}_2", nn.ReLU())
            self.add_module(f"pool{s}", nn.MaxPool2d(2, 2))
            cin = c
        self.add_module("flatten", nn.Flatten())
        self.add_module("fc1", nn.Linear(64 * 9, 256)); self.add_module("relu_fc1", nn.ReLU())
        self.add_module("dropout", nn.Dropout(0.5)); self.add_module("fc2", nn.Linear(256, classes))


class InvertedResidual(nn.Module):
    """MobileNetV2Style.InvertedResidual."""

    def __init__(self, cin, cout, stride, t):
        super().__init__()
        hidden = cin * t
        if t != 1:
            self.expand = ConvBnAct(cin, hidden, 1, eps=1e-5, act="relu6")
        self.depthwise = ConvBnAct(hidden, hidden, 3, stride, groups=hidden, eps=1e-5, act="relu6")
        self.project = ConvBnAct(hidden, cout, 1, eps=1e-5, act=None)
        self.residual = stride == 1 and cin == cout
        self.t = t

    def forward(self, x):
        y = x if self.t == 1 else self.expand(x)
        y = self.project(self.depthwise(y))
        return x + y if self.residual else y


class MobileNetV2Style(nn.Module):
    """MobileNetV2Style.java."""

    def __init__(self, classes=10):
        super().__init__()
        self.stem = ConvBnAct(1, 16, 3, eps=1e-5, act="relu6")
        blocks, cin = [], 16
        for t, c, n, s in ((1, 16, 1, 1), (4, 24, 2, 2), (4, 32, 2, 2), (4, 64, 2, 1)):
            for i in range(n):
                blocks.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        self.blocks = nn.Sequential(*blocks)
        self.head = ConvBnAct(cin, 128, 1, eps=1e-5, act="relu6")
        self.fc = nn.Linear(128, classes)

    def forward(self, x):
        return self.fc(self.head(self.blocks(self.stem(x))).mean((2, 3)))


class Bottleneck(nn.Module):
    """ResNetStyle.Bottleneck."""

    def __init__(self, cin, mid, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, mid, 1, bias=False); self.bn1 = nn.BatchNorm2d(mid)
        self.conv2 = nn.Conv2d(mid, mid, 3, stride, 1, bias=False); self.bn2 = nn.BatchNorm2d(mid)
        self.conv3 = nn.Conv2d(mid, cout, 1, bias=False); self.bn3 = nn.BatchNorm2d(cout)
        self.downsample = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                           if stride != 1 or cin != cout else None)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNetStyle(nn.Module):
    """ResNetStyle.java."""

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1, 1, bias=False); self.bn1 = nn.BatchNorm2d(32)
        stage = lambda cin, mid, cout, s: nn.Sequential(Bottleneck(cin, mid, cout, s), Bottleneck(cout, mid, cout, 1))
        self.layer1 = stage(32, 16, 64, 1)
        self.layer2 = stage(64, 32, 128, 2)
        self.layer3 = stage(128, 64, 256, 2)
        self.fc = nn.Linear(256, classes)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return self.fc(self.layer3(self.layer2(self.layer1(y))).mean((2, 3)))


ARCHITECTURES = {"inception": InceptionNet, "textcnn": TextCnn, "alexnet": AlexNetStyle, "vgg": VggStyle,
                 "mobilenetv2": MobileNetV2Style, "resnet": ResNetStyle}

_DTYPES = {"F32": ("<f4", torch.float32), "I64": ("<i8", torch.int64), "F64": ("<f8", torch.float64)}


def load_galvani_checkpoint(path):
    """Reads a safetensors file into a state dict (and returns its metadata as second value)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    state = {}
    for name, h in header.items():
        np_dtype, _ = _DTYPES[h["dtype"]]
        b, e = h["data_offsets"]
        state[name] = torch.from_numpy(np.frombuffer(data[b:e], dtype=np_dtype).copy().reshape(h["shape"]))
    return state, meta


def save_galvani_checkpoint(path, state, metadata):
    """Writes a state dict as safetensors (F32, and I64 for integer tensors)."""
    header, blobs, offset = {}, [], 0
    for name, t in state.items():
        if t.dtype in (torch.int64, torch.long):
            a, dt = np.ascontiguousarray(t.cpu().numpy().astype("<i8")).reshape(tuple(t.shape)), "I64"
        else:
            a, dt = np.ascontiguousarray(t.detach().cpu().numpy().astype("<f4")).reshape(tuple(t.shape)), "F32"
        header[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        blobs.append(a.tobytes())
        offset += a.nbytes
    # Galvani's checksum covers the weights it wrote: new weights must not carry it
    header["__metadata__"] = {k: str(v) for k, v in metadata.items() if k not in ("galvani.crc32c", "galvani.checksum")}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
