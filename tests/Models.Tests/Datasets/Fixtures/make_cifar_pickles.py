#!/usr/bin/python3
"""Writes cifar-10-batches-py/: six small batches built exactly like CIFAR-10's python release.

The real batches were written by Python 2's cPickle with protocol 2: a dict whose keys are py2 str (read by Python 3
with encoding="bytes" as b'data', b'labels', b'batch_label', b'filenames'), b'data' a C-ordered uint8 numpy array of
shape (N, 3072) whose rows are the R, G, B planes of a 32x32 image, b'labels' a list of ints. Python 3's pickler would
write bytes through _codecs.encode, so this one emits py2 str opcodes (SHORT_BINSTRING/BINSTRING) as cPickle did.
Pixel values encode their position so a test can check the transposition: batch b, image i, channel c, pixel p holds
(b * 16 + i * 4 + c * 64 + p) % 256. Run with Debian's python3-numpy:
    /usr/bin/python3 tests/Models.Tests/Datasets/Fixtures/make_cifar_pickles.py
"""
import os, pickle, struct
import numpy as np

class Py2Pickler(pickle._Pickler):
    def save_bytes(self, obj):
        n = len(obj)
        self.write(pickle.SHORT_BINSTRING + bytes([n]) + obj if n < 256 else pickle.BINSTRING + struct.pack("<i", n) + obj)
        self.memoize(obj)
    def save_str(self, obj):
        self.save_bytes(obj.encode("latin-1"))
    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[bytes] = save_bytes
    dispatch[str] = save_str

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cifar-10-batches-py")
os.makedirs(here, exist_ok=True)
names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
for b, name in enumerate(names):
    n = 2
    data = np.zeros((n, 3072), dtype=np.uint8)
    for i in range(n):
        for c in range(3):
            data[i, c * 1024:(c + 1) * 1024] = (b * 16 + i * 4 + c * 64 + np.arange(1024)) % 256
    labels = [(b + i) % 10 for i in range(n)]
    batch = {b"batch_label": f"{'testing' if name == 'test_batch' else 'training'} batch {b + 1} of 5".encode(),
             b"labels": labels, b"data": data, b"filenames": [f"img_{b}_{i}.png".encode() for i in range(n)]}
    with open(os.path.join(here, name), "wb") as f:
        Py2Pickler(f, protocol=2).dump(batch)
    with open(os.path.join(here, name), "rb") as f:   # Keras's own reading must accept it
        assert pickle.load(f, encoding="bytes")[b"labels"] == labels
