#!/usr/bin/python3
"""Writes pil_resize.json: an independent oracle for Image.Resize with antialias=True.

Pillow's resampling on mode "F" images is the same separable filter TensorFlow's scale_and_translate builds
(half-pixel centres, filter widened by the downscale factor, weights renormalised at the borders), with a triangle
for BILINEAR, Keys' cubic with a = -0.5 for BICUBIC and lanczos3 for LANCZOS. Run with Debian's python3-pil:
    /usr/bin/python3 tests/Pipeline.Tests/Imaging/Fixtures/make_pil_resize.py
"""
import json, os, random
from PIL import Image

random.seed(1234)
h, w = 7, 9
pixels = [random.uniform(0, 255) for _ in range(h * w)]
src = Image.new("F", (w, h))
src.putdata(pixels)
cases = []
for method, flt in (("bilinear", Image.BILINEAR), ("bicubic", Image.BICUBIC), ("lanczos3", Image.LANCZOS)):
    for oh, ow in ((3, 4), (13, 11), (5, 20)):
        out = src.resize((ow, oh), flt)
        cases.append({"method": method, "height": oh, "width": ow, "values": list(out.getdata())})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pil_resize.json"), "w") as f:
    json.dump({"height": h, "width": w, "input": pixels, "cases": cases}, f)
