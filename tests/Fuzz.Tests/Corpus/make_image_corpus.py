#!/usr/bin/python3
# Writes tests/Fuzz.Tests/Corpus/image/: small PNG (RGB, gray, RGBA), JPEG (baseline, progressive, gray), BMP,
# animated GIF and WebP seeds for the image decoder fuzz target. Run with Debian python3-pil and python3-numpy.
from PIL import Image
import numpy as np, os
d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "image")
rs = np.random.RandomState(7)
rgb = (rs.rand(12, 10, 3) * 255).astype("uint8")
Image.fromarray(rgb).save(f"{d}/rgb.png")
Image.fromarray(rgb[:, :, 0]).save(f"{d}/gray.png")
Image.fromarray(np.dstack([rgb, (rs.rand(12, 10) * 255).astype("uint8")])).save(f"{d}/rgba.png")
Image.fromarray(rgb).save(f"{d}/baseline.jpg", quality=90)
Image.fromarray(rgb).save(f"{d}/progressive.jpg", quality=80, progressive=True)
Image.fromarray(rgb[:, :, 1]).save(f"{d}/gray.jpg")
Image.fromarray(rgb).save(f"{d}/rgb.bmp")
frames = [Image.fromarray(rgb).convert("P"), Image.fromarray(255 - rgb).convert("P")]
frames[0].save(f"{d}/animated.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
Image.fromarray(rgb).save(f"{d}/rgb.webp", quality=80)
