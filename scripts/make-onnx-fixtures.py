#!/usr/bin/env python3
"""Writes the small ONNX models the ONNX importer is tested on (test/fixtures/onnx/*.onnx).

PyTorch modules with seeded random weights (nothing is trained: the tests compare TinyDeploy with
onnxruntime on the same file, so only the arithmetic matters), exported by torch.onnx.export as a
PyTorch user would. Batch-norm statistics are random too, so that folding them is tested.

    apt-get install -y python3-torch python3-onnx      # Debian 12: torch 1.13, onnx 1.12
    /usr/bin/python3 scripts/make-onnx-fixtures.py

The CNN fixtures are twins of the MLPerf Tiny TFLite models in ../shared (same layers, shapes and
padding: the TFLite models' SAME padding is written as an explicit ZeroPad2d where PyTorch's
symmetric padding differs), so that their MACs can be compared. Only this script needs PyTorch;
the tests and CI read the committed .onnx files.
"""
import os
import sys

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'onnx')


def randomise_batch_norms(module: nn.Module) -> None:
    for m in module.modules():
        if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
            with torch.no_grad():
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)


def conv_bn_relu(cin, cout, k, stride=1, padding=0, groups=1):
    return [nn.Conv2d(cin, cout, k, stride, padding, groups=groups, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]


class DsCnn(nn.Module):
    """MLPerf Tiny's KWS DS-CNN (kws_ref_model): input 1x1x49x10, 64 channels, 4 depthwise-separable blocks."""

    def __init__(self):
        super().__init__()
        layers = [nn.ZeroPad2d((1, 1, 4, 5)), *conv_bn_relu(1, 64, (10, 4), stride=2)]
        for _ in range(4):
            layers += conv_bn_relu(64, 64, 3, padding=1, groups=64)
            layers += conv_bn_relu(64, 64, 1)
        self.features = nn.Sequential(*layers)
        self.pool = nn.AvgPool2d((25, 5))
        self.fc = nn.Linear(64, 12)

    def forward(self, x):
        x = self.pool(self.features(x))
        return torch.softmax(self.fc(torch.flatten(x, 1)), dim=1)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        pad = nn.ZeroPad2d((0, 1, 0, 1)) if stride == 2 else nn.ZeroPad2d(1)
        self.body = nn.Sequential(pad, *conv_bn_relu(cin, cout, 3, stride), nn.ZeroPad2d(1), nn.Conv2d(cout, cout, 3), nn.BatchNorm2d(cout))
        self.shortcut = nn.Conv2d(cin, cout, 1, stride) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return torch.relu(self.body(x) + self.shortcut(x))


class ResNet8(nn.Module):
    """MLPerf Tiny's image-classification ResNet-8 (pretrainedResnet): 32x32x3, stacks of 16, 32, 64 channels."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(*conv_bn_relu(3, 16, 3, padding=1))
        self.blocks = nn.Sequential(Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2))
        self.pool = nn.AvgPool2d(8)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool(self.blocks(self.stem(x)))
        return torch.softmax(self.fc(x.view(x.size(0), -1)), dim=1)


class Mlp(nn.Module):
    """A small dense network with the activations PyTorch users reach for."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3, self.fc4 = nn.Linear(40, 32), nn.Linear(32, 24), nn.Linear(24, 16), nn.Linear(16, 8)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        x = torch.clamp(self.fc2(x), 0.0, 6.0)
        x = torch.tanh(self.fc3(x))
        return torch.sigmoid(self.fc4(x))


class Lstm(nn.Module):
    """A sequence tagger: batch-first LSTM over 12 steps of 8 features, a dense layer on every step."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 20, batch_first=True)
        self.fc = nn.Linear(20, 5)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.fc(y)


class CnnFlatten(nn.Module):
    """Convolutions flattened over a spatial map (C*H*W order), max pooling, concatenation, elementwise maths."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(2, 4, 3, padding=1)
        self.b = nn.Conv2d(2, 4, 1)
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 4 * 3, 6)
        self.scale = nn.Parameter(torch.rand(8, 1, 1) + 0.5)

    def forward(self, x):
        x = torch.cat([torch.relu(self.a(x)), self.b(x)], dim=1)
        x = self.bn(x) * self.scale - 0.25
        x = x / 2.0
        x = self.pool(torch.nn.functional.pad(x, (0, 0, 1, 1)))
        y = self.fc(torch.flatten(x, 1))
        return torch.softmax(y, dim=-1), x.mean(dim=(2, 3), keepdim=True)


class Recurrent(nn.Module):
    """What the importer does not run yet: a GRU and a bidirectional LSTM (for the error listing)."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, batch_first=True)
        self.bi = nn.LSTM(6, 3, batch_first=True, bidirectional=True)

    def forward(self, x):
        y, _ = self.gru(x)
        z, _ = self.bi(y)
        return z


class Conv1dNet(nn.Module):
    """A temporal-convolution keyword spotter (TC-ResNet style): MFCC coefficients as channels, 1-D convolutions over time."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(10, 24, 3, padding=1, bias=False), nn.BatchNorm1d(24), nn.LeakyReLU(0.1),
            nn.Conv1d(24, 24, 5, stride=2, groups=24, bias=False), nn.BatchNorm1d(24), nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(24, 32, 1), nn.ReLU(),
        )
        self.fc = nn.Linear(32, 12)

    def forward(self, x):
        x = nn.functional.adaptive_avg_pool1d(self.features(x), 1)
        return self.fc(torch.flatten(x, 1))


class LstmClassifier(nn.Module):
    """Sequence classification as PyTorch users write it: the last step of the output, and the final hidden state."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(6, 16, batch_first=True)
        self.fc = nn.Linear(16, 4)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        y, (h, _) = self.lstm(x)
        return torch.softmax(self.fc(y[:, -1, :]), dim=-1), self.head(h[-1]), y[:, ::3, 2:10]


class Gru(nn.Module):
    """A GRU and a bidirectional GRU (PyTorch's linear_before_reset form), the sequence and the final states."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, batch_first=True)
        self.bi = nn.GRU(6, 5, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(10, 3)

    def forward(self, x):
        y, _ = self.gru(x)
        z, h = self.bi(y)
        return z, self.fc(torch.cat([h[0], h[1]], dim=1))


def export(name, model, shape, opset):
    model.eval()
    randomise_batch_norms(model)
    path = os.path.join(OUT, f'{name}.onnx')
    torch.onnx.export(model, torch.randn(*shape), path, opset_version=opset, do_constant_folding=True,
                      input_names=['input'], dynamic_axes={'input': {0: 'batch'}})
    print(f'{path}: {os.path.getsize(path)} bytes, opset {opset}', file=sys.stderr)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(14)
    export('ds_cnn', DsCnn(), (1, 1, 49, 10), 13)
    export('resnet8', ResNet8(), (1, 3, 32, 32), 17)
    export('mlp', Mlp(), (1, 40), 11)
    export('lstm', Lstm(), (1, 12, 8), 14)
    export('cnn_flatten', CnnFlatten(), (1, 2, 6, 6), 13)
    export('recurrent', Recurrent(), (1, 7, 4), 14)
    export('conv1d', Conv1dNet(), (1, 10, 49), 15)
    export('lstm_classifier', LstmClassifier(), (1, 9, 6), 13)
    export('gru', Gru(), (1, 8, 4), 14)


if __name__ == '__main__':
    main()
