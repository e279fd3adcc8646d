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

import onnx
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


# ---------------------------------------------------------------- quantized (QDQ and QOperator) models
#
# Debian has no onnxruntime for Python, so the quantized fixtures are written the way
# onnxruntime.quantization.quantize_static writes them, with the onnx helper: activation ranges
# calibrated on the float PyTorch model (seeded random inputs), activations int8 (QDQ) or uint8
# (QOperator) asymmetric, weights int8 symmetric (per output channel for convolutions, per tensor
# for dense layers), biases int32 at input scale x weight scale, a ReLU folded into the range of
# the QuantizeLinear after its convolution.

from onnx import TensorProto, helper, numpy_helper  # noqa: E402
import numpy as np  # noqa: E402


class QdqCnn(nn.Module):
    """A small image classifier: convolution, depthwise, pointwise, a residual add, pooling, dense, softmax."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.pw = nn.Conv2d(8, 8, 1)
        self.down = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.fc = nn.Linear(16, 10)

    def stages(self, x):
        a = torch.relu(self.conv(x))
        b = torch.relu(self.dw(a))
        c = self.pw(b)
        d = torch.relu(a + c)
        e = torch.relu(self.down(d))
        f = e.mean(dim=(2, 3))
        g = self.fc(f)
        return dict(x=x, a=a, b=b, c=c, d=d, e=e, f=f, g=g, y=torch.softmax(g, dim=1))


def act_params(t, dtype):
    lo, hi = min(float(t.min()), 0.0), max(float(t.max()), 0.0)
    scale = np.float32((hi - lo) / 255.0)
    if dtype == 'uint8':
        zero = int(np.clip(round(-lo / scale), 0, 255))
        return scale, np.uint8(zero)
    zero = int(np.clip(round(-128 - lo / scale), -128, 127))
    return scale, np.int8(zero)


def sym_weights(w, per_channel):
    w = w.detach().numpy().astype(np.float32)
    axes = tuple(range(1, w.ndim)) if per_channel else None
    mag = np.abs(w).max(axis=axes, keepdims=per_channel) if per_channel else np.abs(w).max()
    scale = (mag / 127.0).astype(np.float32)
    q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
    return q, np.asarray(scale, np.float32).reshape(-1)


def calibrate(model, shape, count=32):
    torch.manual_seed(1402)
    with torch.no_grad():
        outs = [model.stages(torch.randn(*shape)) for _ in range(count)]
    return {k: torch.cat([o[k].flatten() for o in outs]) for k in outs[0]}


def qdq_cnn():
    model = QdqCnn().eval()
    r = calibrate(model, (1, 3, 8, 8))
    nodes, inits = [], []
    params = {k: act_params(v, 'int8') for k, v in r.items()}
    params['y'] = (np.float32(1 / 256), np.int8(-128))

    def init(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def qdq(src, key):
        s, z = params[key]
        init(f'{key}_scale', np.float32(s))
        init(f'{key}_zero', z)
        nodes.append(helper.make_node('QuantizeLinear', [src, f'{key}_scale', f'{key}_zero'], [f'{key}_q'], name=f'{key}_quantize'))
        nodes.append(helper.make_node('DequantizeLinear', [f'{key}_q', f'{key}_scale', f'{key}_zero'], [f'{key}_dq'], name=f'{key}_dequantize'))
        return f'{key}_dq'

    def weights(name, module, in_key, per_channel):
        q, s = sym_weights(module.weight, per_channel)
        init(f'{name}_w_q', q)
        init(f'{name}_w_scale', s if per_channel else s[0])
        init(f'{name}_w_zero', np.zeros(len(s), np.int8) if per_channel else np.int8(0))
        nodes.append(helper.make_node('DequantizeLinear', [f'{name}_w_q', f'{name}_w_scale', f'{name}_w_zero'], [f'{name}_w'], name=f'{name}_w_dequantize', axis=0))
        bscale = (params[in_key][0] * s).astype(np.float32)
        bq = np.round(module.bias.detach().numpy() / bscale).astype(np.int32)
        init(f'{name}_b_q', bq)
        init(f'{name}_b_scale', bscale if per_channel else bscale[0])
        init(f'{name}_b_zero', np.zeros(len(s), np.int32) if per_channel else np.int32(0))
        nodes.append(helper.make_node('DequantizeLinear', [f'{name}_b_q', f'{name}_b_scale', f'{name}_b_zero'], [f'{name}_b'], name=f'{name}_b_dequantize', axis=0))
        return f'{name}_w', f'{name}_b'

    x = qdq('input', 'x')
    w, b = weights('conv', model.conv, 'x', True)
    nodes.append(helper.make_node('Conv', [x, w, b], ['conv_out'], name='conv', pads=[1, 1, 1, 1]))
    nodes.append(helper.make_node('Relu', ['conv_out'], ['a'], name='conv_relu'))
    a = qdq('a', 'a')
    w, b = weights('dw', model.dw, 'a', True)
    nodes.append(helper.make_node('Conv', [a, w, b], ['dw_out'], name='depthwise', pads=[1, 1, 1, 1], group=8))
    nodes.append(helper.make_node('Relu', ['dw_out'], ['b'], name='depthwise_relu'))
    b_ = qdq('b', 'b')
    w, b = weights('pw', model.pw, 'b', True)
    nodes.append(helper.make_node('Conv', [b_, w, b], ['c'], name='pointwise'))
    c = qdq('c', 'c')
    nodes.append(helper.make_node('Add', [a, c], ['sum'], name='residual'))
    nodes.append(helper.make_node('Relu', ['sum'], ['d'], name='residual_relu'))
    d = qdq('d', 'd')
    w, b = weights('down', model.down, 'd', True)
    nodes.append(helper.make_node('Conv', [d, w, b], ['down_out'], name='down', pads=[1, 1, 1, 1], strides=[2, 2]))
    nodes.append(helper.make_node('Relu', ['down_out'], ['e'], name='down_relu'))
    e = qdq('e', 'e')
    nodes.append(helper.make_node('GlobalAveragePool', [e], ['pooled'], name='pool'))
    f = qdq('pooled', 'f')
    init('flat_shape', np.array([1, 16], np.int64))
    nodes.append(helper.make_node('Reshape', [f, 'flat_shape'], ['flat'], name='flatten'))
    w, b = weights('fc', model.fc, 'f', False)
    nodes.append(helper.make_node('Gemm', ['flat', w, b], ['g'], name='fc', transB=1))
    g = qdq('g', 'g')
    nodes.append(helper.make_node('Softmax', [g], ['probabilities'], name='softmax', axis=1))
    y = qdq('probabilities', 'y')
    nodes.append(helper.make_node('Identity', [y], ['output'], name='output'))
    graph = helper.make_graph(nodes, 'qdq_cnn', [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['batch', 3, 8, 8])],
                              [helper.make_tensor_value_info('output', TensorProto.FLOAT, ['batch', 10])], inits)
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='make-onnx-fixtures (QDQ)'), 'qdq_cnn')


class QLinearNet(nn.Module):
    """Two convolutions and a dense layer, for the QOperator form (QLinearConv, QLinearMatMul)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 6, 3, padding=1)
        self.conv2 = nn.Conv2d(6, 4, 3, stride=2)
        self.fc = nn.Linear(4 * 2 * 2, 5, bias=False)

    def stages(self, x):
        a = torch.relu(self.conv(x))
        b = self.conv2(a)
        return dict(x=x, a=a, b=b, y=self.fc(torch.flatten(b, 1)))


def qlinear():
    model = QLinearNet().eval()
    r = calibrate(model, (1, 2, 6, 6))
    params = {k: act_params(v, 'uint8') for k, v in r.items()}
    nodes, inits = [], []

    def init(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    for key, (s, z) in params.items():
        init(f'{key}_scale', np.float32(s))
        init(f'{key}_zero', z)
    nodes.append(helper.make_node('QuantizeLinear', ['input', 'x_scale', 'x_zero'], ['x_q'], name='quantize_input'))
    for name, module, src, dst, extra in [('conv', model.conv, 'x', 'a', dict(pads=[1, 1, 1, 1])), ('conv2', model.conv2, 'a', 'b', dict(strides=[2, 2]))]:
        q, s = sym_weights(module.weight, True)
        init(f'{name}_w', q)
        init(f'{name}_w_scale', s)
        init(f'{name}_w_zero', np.zeros(len(s), np.int8))
        init(f'{name}_b', np.round(module.bias.detach().numpy() / (params[src][0] * s)).astype(np.int32))
        nodes.append(helper.make_node('QLinearConv', [f'{src}_q', f'{src}_scale', f'{src}_zero', f'{name}_w', f'{name}_w_scale', f'{name}_w_zero',
                                                      f'{dst}_scale', f'{dst}_zero', f'{name}_b'], [f'{dst}_q'], name=name, **extra))
    init('flat_shape', np.array([1, 16], np.int64))
    nodes.append(helper.make_node('Reshape', ['b_q', 'flat_shape'], ['flat_q'], name='flatten'))
    q, s = sym_weights(model.fc.weight, False)
    init('fc_w', q.T.copy())
    init('fc_w_scale', s[0])
    init('fc_w_zero', np.int8(0))
    nodes.append(helper.make_node('QLinearMatMul', ['flat_q', 'b_scale', 'b_zero', 'fc_w', 'fc_w_scale', 'fc_w_zero', 'y_scale', 'y_zero'], ['y_q'], name='fc'))
    nodes.append(helper.make_node('DequantizeLinear', ['y_q', 'y_scale', 'y_zero'], ['output'], name='dequantize_output'))
    graph = helper.make_graph(nodes, 'qlinear', [helper.make_tensor_value_info('input', TensorProto.FLOAT, [1, 2, 6, 6])],
                              [helper.make_tensor_value_info('output', TensorProto.FLOAT, [1, 5])], inits)
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='make-onnx-fixtures (QOperator)'), 'qlinear')


class TorchQuantized(nn.Module):
    """A convolutional classifier quantized by PyTorch itself (eager mode, qnnpack), exported as QDQ."""

    def __init__(self):
        super().__init__()
        from torch.ao import quantization as tq
        self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
        self.conv, self.relu = nn.Conv2d(3, 8, 3, padding=1), nn.ReLU()
        self.dw, self.relu2 = nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        x = self.relu(self.conv(self.quant(x)))
        x = self.pool(self.relu2(self.dw(x)))
        return self.dequant(self.fc(torch.flatten(x, 1)))


def qdq_torch():
    from torch.ao import quantization as tq
    torch.backends.quantized.engine = 'qnnpack'
    model = TorchQuantized().eval()
    model.qconfig = tq.get_default_qconfig('qnnpack')
    tq.fuse_modules(model, [['conv', 'relu'], ['dw', 'relu2']], inplace=True)
    prepared = tq.prepare(model)
    with torch.no_grad():
        for _ in range(32):
            prepared(torch.randn(1, 3, 8, 8))
    quantized = tq.convert(prepared)
    path = os.path.join(OUT, 'qdq_torch.onnx')
    torch.onnx.export(quantized, torch.randn(1, 3, 8, 8), path, opset_version=13, input_names=['input'], output_names=['output'])
    print(f'{path}: {os.path.getsize(path)} bytes (quantized by PyTorch)', file=sys.stderr)


def save(model, name):
    onnx.checker.check_model(model)
    path = os.path.join(OUT, f'{name}.onnx')
    onnx.save(model, path)
    print(f'{path}: {os.path.getsize(path)} bytes (quantized)', file=sys.stderr)


class BiLstm(nn.Module):
    """A bidirectional LSTM tagger and the final states of both directions."""

    def __init__(self):
        super().__init__()
        self.bi = nn.LSTM(6, 8, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(16, 4)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        y, (h, _) = self.bi(x)
        return self.fc(y), self.head(torch.cat([h[0], h[1]], dim=1))


class Rnn(nn.Module):
    """PyTorch's simple RNN: a tanh layer, then a bidirectional ReLU layer, the sequence and the final states."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(5, 7, batch_first=True)
        self.bi = nn.RNN(7, 4, batch_first=True, bidirectional=True, nonlinearity='relu')
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        y, _ = self.rnn(x)
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
    # Names on the command line write only those fixtures (the others' bytes stay as committed).
    only = set(sys.argv[1:])
    wanted = lambda name: not only or name in only  # noqa: E731
    torch.manual_seed(14)
    if only:
        global export
        export_all = export
        export = lambda name, *rest: wanted(name) and export_all(name, *rest)  # noqa: E731
    export('ds_cnn', DsCnn(), (1, 1, 49, 10), 13)
    export('resnet8', ResNet8(), (1, 3, 32, 32), 17)
    export('mlp', Mlp(), (1, 40), 11)
    export('lstm', Lstm(), (1, 12, 8), 14)
    export('cnn_flatten', CnnFlatten(), (1, 2, 6, 6), 13)
    export('recurrent', Recurrent(), (1, 7, 4), 14)
    export('conv1d', Conv1dNet(), (1, 10, 49), 15)
    export('lstm_classifier', LstmClassifier(), (1, 9, 6), 13)
    export('gru', Gru(), (1, 8, 4), 14)
    torch.manual_seed(1404)
    export('bilstm', BiLstm(), (1, 7, 6), 14)
    torch.manual_seed(1405)
    export('rnn', Rnn(), (1, 6, 5), 14)
    # The quantized fixtures draw from their own seeds.
    if wanted('qdq_cnn'):
        torch.manual_seed(1401)
        qdq_cnn()
    if wanted('qdq_torch'):
        torch.manual_seed(1406)
        qdq_torch()
    if wanted('qlinear'):
        torch.manual_seed(1403)
        qlinear()


if __name__ == '__main__':
    main()
