"""Prints the layout of a Keras 3 .keras zip or .weights.h5 file as JSON, read with h5py and zipfile (not our code).

Used by KerasInteropTests to compare our files with Keras's conventions and with a file Keras 3.14 wrote.
"""
import io
import json
import sys
import zipfile

import h5py


def h5_layout(f):
    groups, datasets = {}, {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            datasets[name] = {"shape": list(obj.shape), "dtype": obj.dtype.str}
        else:
            groups[name] = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in obj.attrs.items()}

    f.visititems(visit)
    return {"root_attrs": sorted(f.attrs.keys()), "groups": groups, "datasets": datasets}


path = sys.argv[1]
if path.endswith(".keras"):
    z = zipfile.ZipFile(path)
    members = [{"name": i.filename, "compress_type": i.compress_type} for i in z.infolist()]
    out = {
        "members": members,
        "metadata": json.loads(z.read("metadata.json")),
        "config": json.loads(z.read("config.json")),
        "weights": h5_layout(h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")),
    }
else:
    out = {"weights": h5_layout(h5py.File(path, "r"))}
print(json.dumps(out))
