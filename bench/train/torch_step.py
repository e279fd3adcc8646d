"""Step time of the same two networks in PyTorch (CPU), for bench/train/run.ts.

    /usr/bin/python3 bench/train/torch_step.py <threads> <steps>

Prints one JSON line: {"torch": version, "threads": n, "kws": ms per step, "lstm": ms per step,
"cpu": {"kws": CPU ms per step, "lstm": …}} (CPU time of the process: on a loaded machine the
figure to compare with tfjs' CPU time, which is one thread too).
The architectures are those of the shared models (NHWC there, NCHW here): the MLPerf Tiny KWS
DS-CNN (conv 10x4 stride 2 with TF "same" padding, four depthwise 3x3 + pointwise 64 blocks,
average pool, FC 12) and the MNIST LSTM (28 steps of 28 features, 20 units, every step's output
flattened into FC 10). One step: forward, softmax cross-entropy, backward, Adam update, batch 64.
"""
import json
import sys
import time

import torch
from torch import nn


def kws() -> nn.Module:
    layers = [nn.ZeroPad2d((1, 1, 4, 5)), nn.Conv2d(1, 64, (10, 4), stride=2), nn.ReLU()]
    for _ in range(4):
        layers += [nn.Conv2d(64, 64, 3, padding=1, groups=64), nn.ReLU(), nn.Conv2d(64, 64, 1), nn.ReLU()]
    layers += [nn.AvgPool2d((25, 5)), nn.Flatten(), nn.Linear(64, 12)]
    return nn.Sequential(*layers)


class Lstm(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(28, 20, batch_first=True)
        self.fc = nn.Linear(28 * 20, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.lstm(x)[0].reshape(x.shape[0], -1))


def step_ms(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int) -> tuple[float, float]:
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step() -> None:
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    for _ in range(2):
        step()
    started = time.perf_counter()
    cpu_started = time.process_time()
    for _ in range(steps):
        step()
    return (time.perf_counter() - started) * 1000 / steps, (time.process_time() - cpu_started) * 1000 / steps


def main() -> None:
    threads, steps = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    batch = 64
    result = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    result["kws"], kws_cpu = step_ms(kws(), torch.randn(batch, 1, 49, 10), torch.randint(0, 12, (batch,)), steps)
    result["lstm"], lstm_cpu = step_ms(Lstm(), torch.rand(batch, 28, 28), torch.randint(0, 10, (batch,)), steps)
    result["cpu"] = {"kws": kws_cpu, "lstm": lstm_cpu}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
