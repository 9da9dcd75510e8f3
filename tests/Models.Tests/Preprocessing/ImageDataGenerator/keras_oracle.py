"""Expected values for ImageDataGenerator's and Image.AffineTransform's tests, from the original implementations.

Reads a JSON list of cases from the file named by argv[1]; each case names a raw little-endian float32 input file
(height, width, channels) and an output file to write (float32, same layout):
  {"kind": "apply_transform", "generator": {ImageDataGenerator kwargs}, "params": {transform_parameters}, ...}
      -> keras_preprocessing's ImageDataGenerator(**generator).apply_transform(x, params)
  {"kind": "affine", "matrix": [[a, b], [c, d]], "offset": [o0, o1], "mode": ..., "cval": ..., "order": ...}
      -> scipy.ndimage.affine_transform on each channel
Debian packages: python3-keras-preprocessing, python3-scipy, python3-pil, python3-numpy (.ci/run installs them).
"""
import json
import sys

import numpy as np
from scipy import ndimage
from keras_preprocessing.image import ImageDataGenerator


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    for case in cases:
        x = np.fromfile(case["input"], dtype="<f4").reshape(case["shape"])
        if case["kind"] == "apply_transform":
            generator = ImageDataGenerator(**case["generator"])
            y = generator.apply_transform(x.copy(), case["params"])
        elif case["kind"] == "affine":
            y = np.stack([ndimage.affine_transform(x[:, :, c].astype(np.float64), np.array(case["matrix"]), np.array(case["offset"]),
                                                   order=case["order"], mode=case["mode"], cval=case["cval"])
                          for c in range(x.shape[2])], axis=-1)
        else:
            raise ValueError("unknown case kind %r" % case["kind"])
        np.asarray(y, dtype="<f4").tofile(case["output"])


if __name__ == "__main__":
    main()
