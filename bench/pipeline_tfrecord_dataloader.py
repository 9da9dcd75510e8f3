#!/usr/bin/python3
"""The PyTorch side of `pipeline tfrecord-fit` (bench/PipelineBenchTFRecordFit.cs).

Reads the TFRecord shards the C# side wrote (tf.train.Example: height, width, depth, label, image_raw) with Debian's
python3-torch: a map-style Dataset that finds each record's data by its framing (length u64, length CRC u32, data,
data CRC u32; the CRCs are not checked: the standard library has no CRC-32C), parses the two features it needs from
the protobuf wire format by hand, decodes the JPEG with PIL and flips it left-right with probability 1/2; a
DataLoader with N worker processes batches 32 of them for the tutorial CNN (Conv 32 - pool - Conv 64 - pool -
Dense 256 - Dense 10, Adam 1e-3, cross-entropy), trained in the main process on as many intra-op threads as cores.
The time spent in next() on the loader's iterator is the wait. Prints one line:
RESULT wait=<fraction> wait_after_first=<fraction> ms_per_step=<ms>

Usage: /usr/bin/python3 bench/pipeline_tfrecord_dataloader.py --records-dir DIR [--steps 300] [--workers 2]
"""
import argparse
import glob
import io
import os
import random
import struct
import time

import numpy as np
import torch
from PIL import Image
from torch import nn
from torch.utils.data import DataLoader, Dataset


def record_spans(path):
    """(offset, length) of each record's data in a TFRecord file."""
    spans = []
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        (length,) = struct.unpack_from("<Q", data, pos)
        spans.append((pos + 12, length))
        pos += 12 + length + 4
    return spans


def varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def fields(buf, start=0, end=None):
    """(field number, wire type, value) of a protobuf message; value is bytes for length-delimited fields."""
    pos, end = start, len(buf) if end is None else end
    while pos < end:
        tag, pos = varint(buf, pos)
        field, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 2:
            length, pos = varint(buf, pos)
            value = buf[pos:pos + length]
            pos += length
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"wire type {wire} not expected in an Example")
        yield field, wire, value


def parse_example(record):
    """The image_raw bytes and the int64 label of a serialized tf.train.Example."""
    image = label = None
    for f, _, features in fields(record):
        if f != 1:
            continue
        for g, _, entry in fields(features):
            if g != 1:
                continue
            key = value = None
            for h, _, v in fields(entry):
                if h == 1:
                    key = bytes(v)
                elif h == 2:
                    value = v
            if key == b"image_raw":
                for k, _, lst in fields(value):  # Feature.bytes_list = 1
                    if k == 1:
                        for m, _, item in fields(lst):
                            if m == 1:
                                image = bytes(item)
            elif key == b"label":
                for k, _, lst in fields(value):  # Feature.int64_list = 3 (packed or not)
                    if k == 3:
                        for m, wire, item in fields(lst):
                            if m == 1:
                                label = varint(item, 0)[0] if wire == 2 else item
    return image, label


class TFRecordImages(Dataset):
    def __init__(self, files):
        self.index = [(path, offset, length) for path in files for offset, length in record_spans(path)]
        self.handles = {}

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        path, offset, length = self.index[i]
        f = self.handles.get(path)
        if f is None:  # one handle per file per worker process
            f = self.handles[path] = open(path, "rb")
        f.seek(offset)
        image, label = parse_example(f.read(length))
        pixels = np.array(Image.open(io.BytesIO(image)).convert("RGB"))  # (H, W, 3) uint8, writable
        x = torch.from_numpy(pixels).permute(2, 0, 1).float().div_(255)
        if random.random() < 0.5:
            x = x.flip(2)
        return x, label


def tutorial_cnn():
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(4096, 256), nn.ReLU(), nn.Linear(256, 10))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records-dir", required=True)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    torch.set_num_threads(os.cpu_count())  # Debian's build starts with 1; the C# side trains on all cores
    files = sorted(glob.glob(os.path.join(args.records_dir, "*.tfrecord")))
    loader = DataLoader(TFRecordImages(files), batch_size=args.batch_size, shuffle=False, num_workers=args.workers)
    model = tutorial_cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    start = time.perf_counter()
    batches = iter(loader)
    waited = first = 0.0
    steps = 0
    while steps < args.steps:
        t = time.perf_counter()
        try:
            x, y = next(batches)
        except StopIteration:
            break
        w = time.perf_counter() - t
        waited += w
        if steps == 0:
            first = w
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        steps += 1
    total = time.perf_counter() - start
    del batches  # stops the workers
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.workers} workers, {steps} steps, last loss {loss.item():.3f}")
    print(f"RESULT wait={waited / total:.6f} wait_after_first={(waited - first) / (total - first):.6f} ms_per_step={1000 * total / steps:.3f}")


if __name__ == "__main__":
    main()
