#!/usr/bin/python3
"""Generates the image test data of docs/data-formats.md (and its references).

Regenerate, from the repository root:
    /usr/bin/python3 testdata/images/make_images.py

Needs numpy and PIL (python3-pil); no TensorFlow. Writes under testdata/images/:

  decode/            golden decoding inputs (PNG RGB, grayscale, RGBA, palette; JPEG; a 2-frame GIF;
                     a 24-bit BMP) and decode/references.npz, keyed "<file>:<rgb|gray>:<H>x<W>": the
                     image decoded by PIL, converted by PIL ("RGB", or "L" = ITU-R 601-2 luma), resized
                     in numpy float64 with TensorFlow's half-pixel-centre bilinear formula (no
                     antialiasing) and divided by 255; shape [H, W, 3 or 1].
  photos/            class folders for training: train/{cat,dog}, test/{cat,dog}; PNG and JPEG of
                     several sizes and extension cases, plus files that must be ignored
                     (notes.txt, a nested folder).
  records/           TFRecords of tf.train.Example (image/encoded, image/class/label), framed as TF
                     writes them (masked CRC32C): train.tfrecord, test.tfrecord.gz (GZIP),
                     bad_crc.tfrecord (record 2's data CRC is wrong), missing_key.tfrecord (record 1
                     lacks image/class/label), label_7.tfrecord (a label outside 2 classes),
                     other_keys.tfrecord (keys "jpeg" and "y").
  bad/               folders that must be refused: not_an_image, empty_class, missing_test_class,
                     no_images.
"""
import gzip
import io
import os
import shutil
import struct

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(16)


# ---------- TF's bilinear resize with half-pixel centres, in float64 ----------
def resize_bilinear_half_pixel(img, out_h, out_w):
    """img [h, w, c] float64 -> [out_h, out_w, c], as tf.image.resize(method="bilinear", antialias=False)."""
    in_h, in_w = img.shape[:2]

    def weights(out_size, in_size):
        scale = in_size / out_size
        x = (np.arange(out_size) + 0.5) * scale - 0.5
        f = np.floor(x)
        lower = np.maximum(f, 0).astype(int)
        upper = np.minimum(np.ceil(x), in_size - 1).astype(int)
        return lower, upper, x - f

    ty, by, ly = weights(out_h, in_h)
    lx, rx, wx = weights(out_w, in_w)
    top = img[ty][:, lx] + (img[ty][:, rx] - img[ty][:, lx]) * wx[None, :, None]
    bot = img[by][:, lx] + (img[by][:, rx] - img[by][:, lx]) * wx[None, :, None]
    return top + (bot - top) * ly[:, None, None]


def reference(path, mode, h, w):
    im = Image.open(path)
    im.seek(0)  # first frame of a GIF
    a = np.asarray(im.convert("RGB" if mode == "rgb" else "L"), dtype=np.float64)
    if a.ndim == 2:
        a = a[:, :, None]
    return resize_bilinear_half_pixel(a, h, w) / 255.0


def smooth(h, w, c):
    """A smooth random image with some detail, uint8."""
    yy, xx = np.mgrid[0:h, 0:w]
    out = np.zeros((h, w, c))
    for k in range(c):
        a, b, p = rng.uniform(0.05, 0.4, 3)
        out[:, :, k] = 127 + 100 * np.sin(a * yy + p) * np.cos(b * xx) + rng.normal(0, 12, (h, w))
    return np.clip(out, 0, 255).astype(np.uint8)


def fresh(d):
    p = os.path.join(HERE, d)
    shutil.rmtree(p, ignore_errors=True)
    os.makedirs(p)
    return p


def decode_set():
    d = fresh("decode")
    Image.fromarray(smooth(23, 37, 3)).save(os.path.join(d, "rgb.png"))
    Image.fromarray(smooth(30, 25, 1)[:, :, 0]).save(os.path.join(d, "gray.png"))
    Image.fromarray(smooth(19, 28, 4)).save(os.path.join(d, "rgba.png"))
    Image.fromarray(smooth(21, 26, 3)).convert("P", palette=Image.ADAPTIVE, colors=32).save(os.path.join(d, "palette.png"))
    Image.fromarray(smooth(40, 48, 3)).save(os.path.join(d, "photo.jpg"), quality=92)
    frames = [Image.fromarray(smooth(24, 24, 3)).convert("P", palette=Image.ADAPTIVE, colors=64) for _ in range(2)]
    frames[0].save(os.path.join(d, "anim.gif"), save_all=True, append_images=frames[1:], duration=100, loop=0)
    Image.fromarray(smooth(17, 22, 3)).save(os.path.join(d, "rgb.bmp"))
    refs = {}
    for f in sorted(os.listdir(d)):
        if f.endswith(".npz"):
            continue
        for mode in ("rgb", "gray"):
            for h, w in ((16, 20), (29, 33)):
                refs["%s:%s:%dx%d" % (f, mode, h, w)] = reference(os.path.join(d, f), mode, h, w)
    np.savez_compressed(os.path.join(d, "references.npz"), **refs)


def photo(label, size):
    """A learnable photo: class 0 reddish with a bright top half, class 1 bluish with a bright left half."""
    h, w = size
    base = smooth(h, w, 3).astype(np.float64) * 0.35
    if label == 0:
        base[:, :, 0] += 150
        base[: h // 2] += 40
    else:
        base[:, :, 2] += 150
        base[:, : w // 2] += 40
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))


SIZES = [(32, 32), (28, 36), (40, 30), (36, 36), (24, 40)]


def photos():
    d = fresh("photos")
    encoded = {"train": [], "test": []}
    for split, n in (("train", 10), ("test", 4)):
        for label, cls in enumerate(("cat", "dog")):
            os.makedirs(os.path.join(d, split, cls))
            for i in range(n):
                im = photo(label, SIZES[i % len(SIZES)])
                ext = [".png", ".jpg", ".PNG", ".Jpeg"][i % 4]
                path = os.path.join(d, split, cls, "%s_%02d%s" % (cls, i, ext))
                im.save(path, format="PNG" if ext.lower() == ".png" else "JPEG", quality=90)
                encoded[split].append((open(path, "rb").read(), label))
    with open(os.path.join(d, "train", "cat", "notes.txt"), "w") as f:
        f.write("not an image; ignored\n")
    os.makedirs(os.path.join(d, "train", "dog", "nested"))
    photo(0, (32, 32)).save(os.path.join(d, "train", "dog", "nested", "ignored.png"))
    return encoded


# ---------- TFRecord framing and tf.train.Example, by hand ----------
def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked_crc(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data, corrupt=False):
    length = struct.pack("<Q", len(data))
    crc = masked_crc(data) ^ (1 if corrupt else 0)
    return length + struct.pack("<I", masked_crc(length)) + data + struct.pack("<I", crc)


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, payload):  # length-delimited
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def example(features):
    """features: {key: bytes | int}; bytes -> BytesList, int -> Int64List (packed)."""
    entries = b""
    for k, v in features.items():
        if isinstance(v, bytes):
            feature = field(1, field(1, v))  # Feature.bytes_list = 1 { value = 1 }
        else:
            feature = field(3, field(1, varint(v & 0xFFFFFFFFFFFFFFFF)))  # Feature.int64_list = 3 { packed value = 1 }
        entries += field(1, field(1, k.encode()) + field(2, feature))  # Features.feature map entry
    return field(1, entries)  # Example.features = 1


def records(encoded):
    d = fresh("records")

    def write(name, exs, corrupt_index=-1, gz=False):
        data = b"".join(frame(e, i == corrupt_index) for i, e in enumerate(exs))
        if gz:
            data = gzip.compress(data)
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)

    std = lambda img, y: example({"image/encoded": img, "image/class/label": y})
    train = [std(img, y) for img, y in encoded["train"]]
    test = [std(img, y) for img, y in encoded["test"]]
    write("train.tfrecord", train)
    write("test.tfrecord.gz", test, gz=True)
    small = train[:4]
    write("bad_crc.tfrecord", small, corrupt_index=2)
    write("missing_key.tfrecord", [small[0], example({"image/encoded": encoded["train"][1][0]}), small[2]])
    write("label_7.tfrecord", [small[0], std(encoded["train"][1][0], 7)])
    write("other_keys.tfrecord", [example({"jpeg": img, "y": y}) for img, y in encoded["test"]])


def bad():
    d = fresh("bad")
    ok = lambda *p: photo(0, (20, 20)).save(os.path.join(d, *p))

    def mk(*p):
        os.makedirs(os.path.join(d, *p), exist_ok=True)

    mk("not_an_image", "a"); mk("not_an_image", "b")
    ok("not_an_image", "a", "ok.png"); ok("not_an_image", "b", "ok.png")
    with open(os.path.join(d, "not_an_image", "b", "broken.jpg"), "wb") as f:
        f.write(b"this is not a JPEG\n")
    mk("empty_class", "a"); mk("empty_class", "b")
    ok("empty_class", "a", "x.png")
    open(os.path.join(d, "empty_class", "b", ".keep"), "w").close()
    for split, classes in (("train", ("a", "b")), ("test", ("a",))):
        for c in classes:
            mk("missing_test_class", split, c)
            ok("missing_test_class", split, c, "x.png")
    mk("no_images")
    with open(os.path.join(d, "no_images", "readme.txt"), "w") as f:
        f.write("no images here\n")


if __name__ == "__main__":
    decode_set()
    records(photos())
    bad()
