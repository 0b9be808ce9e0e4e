"""PyTorch's speed on the two networks Photo Atlas trains or runs, for the benches beside it.

- EfficientNet-Lite0 features at 224 x 224 (timm's `tf_efficientnet_lite0`, the same
  network with TF "same" padding; random weights, since only the time matters),
  against `cargo bench --bench features -- --device D --batch N`.
- One Adam step of the DCEC-style convolutional autoencoder of src/ml/conv_autoencoder.rs
  at 64 x 64 x 3, batch 256, against `cargo bench --bench conv_autoencoder -- --device D`.

float32 throughout, PyTorch's default settings otherwise (on a GPU that lets cuDNN use
TF32 for convolutions; the figures say whether it is on). Device work is synchronised
before each clock read; medians of 8 timed runs after a warm-up.

    python3 models/reference_speed.py --device cuda   # or cpu
"""

import argparse
import statistics
import time

import torch
from torch import nn


def conv_autoencoder(side=64):
    inner = side // 8
    flat = 128 * inner * inner
    return nn.Sequential(
        nn.Conv2d(3, 32, 5, 2, 2), nn.ReLU(),
        nn.Conv2d(32, 64, 5, 2, 2), nn.ReLU(),
        nn.Conv2d(64, 128, 3, 2, 1), nn.ReLU(),
        nn.Flatten(), nn.Linear(flat, 10),
        nn.Linear(10, flat), nn.ReLU(), nn.Unflatten(1, (128, inner, inner)),
        nn.ConvTranspose2d(128, 64, 3, 2, 1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(64, 32, 5, 2, 2, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(32, 3, 5, 2, 2, output_padding=1),
    )


def median_rate(run, images, device, repeats=8):
    run()
    rates = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        run()
        if device.type == "cuda":
            torch.cuda.synchronize()
        rates.append(images / (time.perf_counter() - start))
    return statistics.median(rates), min(rates), max(rates)


def features(device, batch):
    import timm

    model = timm.create_model("tf_efficientnet_lite0", pretrained=False).eval().to(device)
    x = torch.randn(batch, 3, 224, 224, device=device)
    with torch.no_grad():
        return median_rate(lambda: model.forward_features(x), batch, device)


def conv_training(device, batch=256):
    model = conv_autoencoder().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, 3, 64, 64, device=device)

    def step():
        opt.zero_grad()
        loss = ((model(x) - x) ** 2).mean()
        loss.backward()
        opt.step()

    return median_rate(step, batch, device)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    device = torch.device(args.device)
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else f"CPU, {torch.get_num_threads()} threads"
    tf32 = torch.backends.cudnn.allow_tf32 if device.type == "cuda" else False
    print(f"PyTorch {torch.__version__} on {where} (cuDNN TF32 convolutions: {tf32})")
    for batch in (16, 64):
        rate = features(device, batch)
        print(f"EfficientNet-Lite0 features, batch {batch}: median {rate[0]:.1f} images/s "
              f"(slowest {rate[1]:.1f}, fastest {rate[2]:.1f})")
    rate = conv_training(device)
    print(f"conv autoencoder training, 64x64x3, batch 256: median {rate[0]:.1f} images/s "
          f"(slowest {rate[1]:.1f}, fastest {rate[2]:.1f})")


if __name__ == "__main__":
    main()
