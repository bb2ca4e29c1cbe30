#!/usr/bin/python3
"""Generates the benchmark corpus: photo-like stills at 0.3, 2 and 12 MP in every format, and 30-frame
animations, as OUT_DIR/<group>/<n>.<ext> plus OUT_DIR/manifest.json.

Run:  scripts/generate_bench_corpus.py OUT_DIR [--quick]
--quick writes one file per group and only the 0.3 MP stills and the animations (CI's smoke run).

Needs what generate_corpus.py needs: Debian 12's python3-pil, imagemagick, libheif-examples, libavif-bin
and webp. The bytes depend only on the tool versions (fixed seeds, no metadata). A group that the existing
manifest lists with this VERSION and the same files is kept, so a re-run is instant.
"""

import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from typing import Callable, Dict, List, Tuple

try:
    from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps
except ImportError:  # a pyenv/venv python3 without Pillow: use Debian's, which has python3-pil
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", os.path.abspath(__file__), *sys.argv[1:]])
    raise

VERSION = 1  # bump when the content or an encoder setting changes: every group is then written again
CONVERT = "/usr/bin/convert" if os.path.exists("/usr/bin/convert") else "convert"
ENV = dict(os.environ, SOURCE_DATE_EPOCH="0", TZ="UTC", MAGICK_THREAD_LIMIT="1", OMP_NUM_THREADS="1")
MAGICK_STRIP = ["-strip", "-define", "png:exclude-chunks=date,time", "+set", "date:create", "+set",
                "date:modify"]

SIZES = {"0.3mp": (640, 480), "2mp": (1600, 1200), "12mp": (4000, 3000)}
FILES_PER_SIZE = {"0.3mp": 6, "2mp": 3, "12mp": 2}
ICO_SIZE, ICO_ENTRIES = (256, 256), (256, 128, 48, 32, 16)
SVG_SIZE = (640, 480)
ANIM_SIZE, ANIM_FRAMES, ANIM_FILES = (640, 480), 30, 3


@dataclass
class Group:
    """One benchmark group: `count` files of one format and size, OUT/<name>/<n>.<ext>."""
    name: str
    format: str  # preflight's format name
    ext: str
    width: int
    height: int
    frames: int
    count: int

    def files(self) -> List[str]:
        return [f"{self.name}/{i}.{self.ext}" for i in range(self.count)]

    def manifest_entry(self) -> dict:
        entry = asdict(self)
        del entry["name"], entry["count"]
        return {"group": self.name, **entry, "megapixels": round(self.width * self.height / 1e6, 2),
                "files": self.files()}


def run(cmd: List[str]):
    result = subprocess.run(cmd, capture_output=True, env=ENV)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}): "
                           f"{result.stderr.decode(errors='replace')[:500]}")


# ---------------------------------------------------------------------------------------------------
# Content: luma from value noise at every scale (fine scales weighted almost as much as coarse ones: a
# dense texture like foliage or gravel) crossed by thin veins, under a light gradient; smooth chroma; a few
# soft shapes; sensor grain. Flat colour would make every codec look fast; this compresses like a photo
# (JPEG q85 of 2 MP: about 0.45 MB).

def octave(rnd: random.Random, w: int, h: int, cell: int) -> Image.Image:
    """Random values on a grid of `cell`-pixel cells, upsampled bicubic to w×h."""
    sw, sh = w // cell + 2, h // cell + 2
    grid = Image.frombytes("L", (sw, sh), rnd.randbytes(sw * sh))
    return grid.resize((w, h), Image.Resampling.BICUBIC, box=(0.5, 0.5, 0.5 + w / cell, 0.5 + h / cell))


def fractal(rnd: random.Random, w: int, h: int, finest: int, beta: float) -> Image.Image:
    """Octaves from `finest` up to half the image, weighted cell**beta (beta 1: amplitude ∝ 1/f)."""
    acc, total, cell = None, 0.0, finest
    while cell <= max(w, h) // 2 or acc is None:
        weight = cell ** beta
        total += weight
        layer = octave(rnd, w, h, cell)
        acc = layer if acc is None else Image.blend(acc, layer, weight / total)  # a running weighted mean
        cell *= 2
    return ImageOps.autocontrast(acc, cutoff=0.5)


def veins(rnd: random.Random, w: int, h: int) -> Image.Image:
    """Dark lines along the contours of a smooth noise (|noise - mid| is small there): twigs, cracks."""
    distance = ImageChops.difference(fractal(rnd, w, h, 4, 1.0), Image.new("L", (w, h), 128))
    return distance.point(lambda v: min(255, v * 6))


def chroma(rnd: random.Random, w: int, h: int) -> Image.Image:
    """A smooth, desaturated colour channel; computed at 1/8 size since chroma carries no detail."""
    small = fractal(rnd, max(1, w // 8), max(1, h // 8), 2, 1.0)
    return small.point(lambda v: 128 + (v - 128) // 3).resize((w, h), Image.Resampling.BICUBIC)


def soft_shapes(rnd: random.Random, img: Image.Image, count: int = 6) -> Image.Image:
    w, h = img.size
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    for _ in range(count):
        x0, y0 = rnd.randrange(-w // 4, w), rnd.randrange(-h // 4, h)
        x1, y1 = x0 + rnd.randrange(w // 8, w // 2), y0 + rnd.randrange(h // 8, h // 2)
        shape = draw.ellipse if rnd.random() < 0.6 else draw.rectangle
        shape((x0, y0, x1, y1), fill=rnd.randrange(60, 140))
    mask = mask.filter(ImageFilter.GaussianBlur(1.5))  # out-of-focus edges, not aliased ones
    tint = Image.new("RGB", (w, h), tuple(rnd.randrange(40, 230) for _ in range(3)))
    return Image.composite(tint, img, mask)


def photo(w: int, h: int, seed: str, grain: int = 2) -> Image.Image:
    rnd = random.Random(seed)
    luma = ImageChops.multiply(fractal(rnd, w, h, 2, 0.1), veins(rnd, w, h))
    light = Image.linear_gradient("L").resize((w, h), Image.Resampling.BILINEAR)
    luma = ImageOps.autocontrast(Image.blend(luma, light, 0.25), cutoff=0.5)
    img = Image.merge("YCbCr", (luma, chroma(rnd, w, h), chroma(rnd, w, h))).convert("RGB")
    img = soft_shapes(rnd, img)
    noise = Image.frombytes("L", (w, h), rnd.randbytes(w * h)).point(lambda v: v % (2 * grain + 1))
    return ImageChops.add(img, Image.merge("RGB", (noise,) * 3), 1.0, -grain)


def animation_frames(seed: str) -> List[Image.Image]:
    """A slow pan over a photo with three textured discs moving across it: every pixel changes."""
    w, h = ANIM_SIZE
    pan = 4  # pixels per frame
    scene = photo(w + pan * ANIM_FRAMES, h, seed)
    sprite = photo(w // 4, w // 4, seed + "/sprite")
    mask = Image.new("L", sprite.size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, *sprite.size), fill=255)
    frames = []
    for i in range(ANIM_FRAMES):
        img = scene.crop((i * pan, 0, i * pan + w, h))
        for k in range(3):
            x = (k * 211 + i * (9 + 4 * k)) % (w - sprite.width)
            y = (k * 137 + i * (5 + 3 * k)) % (h - sprite.height)
            img.paste(sprite, (x, y), mask)
        frames.append(img)
    return frames


# ---------------------------------------------------------------------------------------------------
# Encoders: each writes one photo to `path` (tmp: a scratch folder for the tools' input files).

def temp_png(img: Image.Image, tmp: str) -> str:
    path = os.path.join(tmp, f"in_{img.width}x{img.height}.png")
    img.save(path, compress_level=1)
    return path


def save_jpeg(img, path, tmp):
    img.save(path, "JPEG", quality=85, subsampling="4:2:0")


def save_jpeg_progressive(img, path, tmp):
    img.save(path, "JPEG", quality=85, subsampling="4:2:0", progressive=True)


def save_png(img, path, tmp):
    img.save(path, "PNG")


def save_webp(img, path, tmp):
    ppm = os.path.join(tmp, "in.ppm")
    img.save(ppm)
    run(["cwebp", "-quiet", "-q", "80", "-metadata", "none", ppm, "-o", path])


def save_heic(img, path, tmp):
    run(["heif-enc", "-q", "50", "--no-alpha", temp_png(img, tmp), "-o", path])


def save_avif(img, path, tmp):
    run(["avifenc", "-j", "1", "-s", "8", "-y", "420", temp_png(img, tmp), "-o", path])


def save_tiff(img, path, tmp):
    img.save(path, "TIFF", compression="tiff_adobe_deflate")


def save_bmp(img, path, tmp):
    img.save(path, "BMP")


def save_gif(img, path, tmp):
    img.quantize(256, dither=Image.Dither.FLOYDSTEINBERG).save(path, "GIF")


def save_jng(img, path, tmp):
    run([CONVERT, temp_png(img, tmp), *MAGICK_STRIP, "-quality", "85", "JNG:" + path])


def save_raw(img, path, tmp):
    with open(path, "wb") as f:
        f.write(dng_bytes(img))


def save_ico(img, path, tmp):
    with open(path, "wb") as f:
        f.write(ico_bytes(img))


ENCODERS: Dict[str, Callable] = {
    "jpeg": save_jpeg, "jpeg-progressive": save_jpeg_progressive, "png": save_png, "webp": save_webp,
    "heic": save_heic, "avif": save_avif, "tiff": save_tiff, "bmp": save_bmp, "gif": save_gif,
    "jng": save_jng, "raw": save_raw, "ico": save_ico,
}


def dng_bytes(img: Image.Image) -> bytes:
    """A minimal DNG 1.4 (as generate_corpus.py's): one IFD, a 16-bit RGGB CFA image in one strip. Each
    sample's high byte is the photo's channel for that site, its low byte is noise."""
    w, h = img.size
    r, g, b = (band.tobytes() for band in img.split())
    cfa = bytearray(w * h)
    for y in range(h):
        row = slice(y * w, (y + 1) * w)
        even, odd = (r, g) if y % 2 == 0 else (g, b)
        cfa[y * w:(y + 1) * w:2] = even[row][0::2]
        cfa[y * w + 1:(y + 1) * w:2] = odd[row][1::2]
    samples = bytearray(2 * w * h)
    samples[0::2] = random.Random(f"dng/{w}x{h}").randbytes(w * h)
    samples[1::2] = cfa
    colour_matrix = [3.2406, -1.5372, -0.4986, -0.9689, 1.8758, 0.0415, 0.0557, -0.2040, 1.0570]
    # (tag, type, values): type 1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 10 SRATIONAL
    tags = [
        (254, 4, [0]), (256, 4, [w]), (257, 4, [h]), (258, 3, [16]), (259, 3, [1]), (262, 3, [32803]),
        (271, 2, b"Preflight\0"), (272, 2, b"Bench DNG\0"), (273, 4, [0]), (274, 3, [1]), (277, 3, [1]),
        (278, 4, [h]), (279, 4, [len(samples)]), (284, 3, [1]), (33421, 3, [2, 2]),
        (33422, 1, bytes([0, 1, 1, 2])), (50706, 1, bytes([1, 4, 0, 0])), (50707, 1, bytes([1, 1, 0, 0])),
        (50708, 2, b"Preflight Bench DNG\0"), (50714, 4, [0]), (50717, 4, [65535]),
        (50721, 10, [(round(v * 10000), 10000) for v in colour_matrix]),
        (50728, 5, [(1, 1), (1, 1), (1, 1)]), (50778, 3, [21]),
    ]
    return tiff_with_strip(tags, strip_tag=273, strip=bytes(samples))


def tiff_with_strip(tags: List[Tuple], strip_tag: int, strip: bytes) -> bytes:
    """A little-endian TIFF with one IFD at offset 8, its out-of-line values, then `strip`."""
    size_of = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 10: 8}
    fmt = {3: "<H", 4: "<I", 5: "<II", 10: "<ii"}
    data_offset = 8 + 2 + 12 * len(tags) + 4
    blobs = bytearray()
    encoded = []
    for tag, kind, values in sorted(tags):
        raw = bytes(values) if kind in (1, 2) else b"".join(
            struct.pack(fmt[kind], *(v if isinstance(v, tuple) else (v,))) for v in values)
        encoded.append((tag, kind, raw))
        if len(raw) > 4:
            blobs += raw + b"\0" * (len(raw) % 2)
    strip_offset = data_offset + len(blobs)
    ifd, blob_offset = bytearray(struct.pack("<H", len(tags))), data_offset
    for tag, kind, raw in encoded:
        if tag == strip_tag:
            raw = struct.pack("<I", strip_offset)
        ifd += struct.pack("<HHI", tag, kind, len(raw) // size_of[kind])
        if len(raw) <= 4:
            ifd += raw.ljust(4, b"\0")
        else:
            ifd += struct.pack("<I", blob_offset)
            blob_offset += len(raw) + len(raw) % 2
    ifd += struct.pack("<I", 0)
    return b"II*\0" + struct.pack("<I", 8) + bytes(ifd) + bytes(blobs) + strip


def ico_bmp_entry(img: Image.Image) -> bytes:
    """A 32-bit BGRA DIB (bottom-up) with an all-opaque AND mask, as ICO stores it."""
    w, h = img.size
    header = struct.pack("<IiiHHIIiiII", 40, w, 2 * h, 1, 32, 0, w * h * 4, 0, 0, 0, 0)
    pixels = img.convert("RGBA").transpose(Image.Transpose.FLIP_TOP_BOTTOM).tobytes("raw", "BGRA")
    return header + pixels + bytes(((w + 31) // 32) * 4 * h)


def ico_bytes(img: Image.Image) -> bytes:
    blobs = [ico_bmp_entry(img.resize((s, s), Image.Resampling.LANCZOS)) for s in ICO_ENTRIES]
    offset = 6 + 16 * len(blobs)
    directory = struct.pack("<HHH", 0, 1, len(blobs))
    for s, blob in zip(ICO_ENTRIES, blobs):
        directory += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    return directory + b"".join(blobs)


VERTICAL = ' x1="0" y1="0" x2="0" y2="1"'  # a linear gradient's direction: top to bottom


class Drawing:
    """An SVG landscape built up layer by layer: gradients go to <defs>, shapes to the body."""

    def __init__(self, seed: str):
        self.rnd = random.Random(seed)
        self.w, self.h = SVG_SIZE
        self.defs: List[str] = []
        self.body: List[str] = []

    def colour(self, lo: int = 30, hi: int = 220) -> str:
        return "#%02x%02x%02x" % tuple(self.rnd.randrange(lo, hi) for _ in range(3))

    def blob(self, cx: float, cy: float, r: float, points: int = 9) -> str:
        """A smooth closed path through jittered points on a circle (quadratic Béziers via midpoints)."""
        rnd = self.rnd
        pts = [(cx + r * rnd.uniform(0.7, 1.2) * math.cos(2 * math.pi * k / points),
                cy + r * rnd.uniform(0.7, 1.2) * math.sin(2 * math.pi * k / points)) for k in range(points)]
        mid = [((pts[k][0] + pts[(k + 1) % points][0]) / 2, (pts[k][1] + pts[(k + 1) % points][1]) / 2)
               for k in range(points)]
        return f"M{mid[-1][0]:.1f},{mid[-1][1]:.1f}" + "".join(
            f"Q{pts[k][0]:.1f},{pts[k][1]:.1f} {mid[k][0]:.1f},{mid[k][1]:.1f}" for k in range(points)) + "Z"

    def gradient(self, kind: str, id_: str, stops: List[Tuple[float, str, float]], attrs: str = ""):
        self.defs.append(f'<{kind}Gradient id="{id_}"{attrs}>' + "".join(
            f'<stop offset="{o}" stop-color="{c}" stop-opacity="{a}"/>' for o, c, a in stops) +
            f"</{kind}Gradient>")

    def sky(self):
        self.gradient("linear", "sky", [(0, "#2b5d9b", 1), (0.7, "#f3c98b", 1)], VERTICAL)
        self.gradient("radial", "sun", [(0, "#fff6d0", 1), (0.4, "#ffd36b", 1), (1, "#ffd36b", 0)])
        self.body.append(f'<rect width="{self.w}" height="{self.h}" fill="url(#sky)"/>')
        self.body.append(f'<circle cx="{self.rnd.randrange(self.w)}" cy="{self.rnd.randrange(self.h // 3)}" '
                         'r="90" fill="url(#sun)"/>')

    def clouds(self, count: int = 10):
        for c in range(count):
            self.gradient("radial", f"cloud{c}", [(0, "#ffffff", 0.9), (1, self.colour(180, 240), 0)])
            cx, cy = self.rnd.randrange(self.w), self.rnd.randrange(self.h // 3)
            puffs = [self.blob(cx + self.rnd.randrange(-60, 60), cy + self.rnd.randrange(-15, 15),
                               self.rnd.randrange(25, 50)) for _ in range(4)]
            self.body.append(f'<g fill="url(#cloud{c})">' + "".join(f'<path d="{d}"/>' for d in puffs) +
                             "</g>")

    def hills(self, layers: int = 6):
        for layer in range(layers):
            top = self.h * (0.35 + 0.08 * layer)
            stops = [(0, self.colour(40, 160), 1), (1, self.colour(10, 90), 1)]
            self.gradient("linear", f"hill{layer}", stops, VERTICAL)
            d = f"M0,{self.h} L0,{top:.1f}"
            for x in range(0, self.w + 80, 80):
                d += (f" S{x + 40:.1f},{top + self.rnd.uniform(-40, 40):.1f}"
                      f" {x + 80:.1f},{top + self.rnd.uniform(-25, 25):.1f}")
            self.body.append(f'<path d="{d} L{self.w + 80},{self.h} Z" fill="url(#hill{layer})"/>')

    def trees(self, count: int = 60, leaf_gradients: int = 8):
        for t in range(leaf_gradients):
            self.gradient("radial", f"leaf{t}", [(0, self.colour(90, 200), 1), (1, self.colour(10, 80), 1)],
                          ' cx="0.4" cy="0.35"')
        for _ in range(count):
            x, base = self.rnd.uniform(0, self.w), self.rnd.uniform(self.h * 0.5, self.h)
            size = (base / self.h) * self.rnd.uniform(18, 40)
            top = base - size * 1.6
            trunk = (f"M{x - size * 0.08:.1f},{base:.1f} L{x - size * 0.05:.1f},{top:.1f} "
                     f"L{x + size * 0.05:.1f},{top:.1f} L{x + size * 0.08:.1f},{base:.1f}Z")
            self.body.append(f'<path d="{trunk}" fill="#3b2a1c"/>')
            for k in range(3):
                leaf = self.rnd.randrange(leaf_gradients)
                crown = self.blob(x + self.rnd.uniform(-0.4, 0.4) * size, top - size * 0.5 * k, size * 0.7)
                self.body.append(f'<path d="{crown}" fill="url(#leaf{leaf})" opacity="0.9"/>')

    def grass(self, count: int = 100):
        rnd = self.rnd
        for _ in range(count):
            x, y = rnd.uniform(0, self.w), rnd.uniform(self.h * 0.7, self.h)
            self.body.append(f'<path d="M{x:.1f},{y:.1f} q{rnd.uniform(-6, 6):.1f},-{rnd.uniform(6, 14):.1f} '
                             f'{rnd.uniform(-10, 10):.1f},-{rnd.uniform(12, 24):.1f}" '
                             f'stroke="{self.colour(30, 120)}" stroke-width="1.2" fill="none"/>')

    def text(self) -> str:
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
                f'width="{self.w}" height="{self.h}" viewBox="0 0 {self.w} {self.h}">\n<defs>\n' +
                "\n".join(self.defs) + "\n</defs>\n" + "\n".join(self.body) + "\n</svg>\n")


def svg_text(seed: str) -> str:
    """A landscape of about 400 paths and 26 gradients: sky and sun, clouds, layered hills, trees, grass."""
    drawing = Drawing(seed)
    drawing.sky()
    drawing.clouds()
    drawing.hills()
    drawing.trees()
    drawing.grass()
    return drawing.text()


def save_gif_anim(frames: List[Image.Image], path: str, tmp: str):
    palette = frames[0].quantize(256)  # one global palette, as a GIF made from a video clip has
    indexed = [f.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG) for f in frames]
    indexed[0].save(path, "GIF", save_all=True, append_images=indexed[1:], duration=80, loop=0,
                    optimize=False)


def save_webp_anim(frames: List[Image.Image], path: str, tmp: str):
    pngs = []
    for i, f in enumerate(frames):
        pngs.append(os.path.join(tmp, f"frame_{i}.png"))
        f.save(pngs[-1], compress_level=1)
    run(["img2webp", "-loop", "0", "-lossy", "-q", "80", "-d", "80", *pngs, "-o", path])


ANIM_ENCODERS = {"gif-anim": save_gif_anim, "webp-anim": save_webp_anim}

# (group prefix, format, extension, sizes): the stills, each group at each of its sizes.
STILLS = [
    ("jpeg", "jpeg", "jpg", ("0.3mp", "2mp", "12mp")),
    ("jpeg-progressive", "jpeg", "jpg", ("2mp",)),
    ("png", "png", "png", ("0.3mp", "2mp", "12mp")),
    ("webp", "webp", "webp", ("0.3mp", "2mp", "12mp")),
    ("heic", "heic", "heic", ("0.3mp", "2mp", "12mp")),
    ("avif", "avif", "avif", ("0.3mp", "2mp", "12mp")),
    ("tiff", "tiff", "tif", ("0.3mp", "2mp", "12mp")),
    ("bmp", "bmp", "bmp", ("0.3mp", "2mp")),
    ("gif", "gif", "gif", ("0.3mp",)),
    ("jng", "jng", "jng", ("0.3mp",)),
    ("raw", "raw", "dng", ("0.3mp", "2mp")),
]


@dataclass
class Job:
    """One worker's task: a picture (a photo, an animation or a drawing) encoded into groups' files."""
    label: str
    source: str  # "photo", "anim" or "svg"
    index: int
    groups: List[Group]


def groups_for(quick: bool) -> List[Group]:
    count = (lambda n: 1) if quick else (lambda n: n)
    groups = []
    for prefix, fmt, ext, sizes in STILLS:
        for key in sizes:
            if quick and key != "0.3mp":
                continue
            groups.append(Group(f"{prefix}-{key}", fmt, ext, *SIZES[key], 1, count(FILES_PER_SIZE[key])))
    groups.append(Group("ico", "ico", "ico", *ICO_SIZE, 1, count(6)))
    groups.append(Group("svg", "svg", "svg", *SVG_SIZE, 1, count(6)))
    groups.append(Group("gif-anim", "gif", "gif", *ANIM_SIZE, ANIM_FRAMES, count(ANIM_FILES)))
    groups.append(Group("webp-anim", "webp", "webp", *ANIM_SIZE, ANIM_FRAMES, count(ANIM_FILES)))
    return groups


def encoder_key(group: Group) -> str:
    return group.name.rsplit("-", 1)[0] if group.name[-2:] == "mp" else group.name


def jobs_for(groups: List[Group]) -> List[Job]:
    """One job per picture; a photo is made once and encoded into every group of its size."""
    jobs: Dict[Tuple, Job] = {}
    for g in groups:
        source = {"svg": "svg", "gif-anim": "anim", "webp-anim": "anim"}.get(g.name, "photo")
        for i in range(g.count):
            key = (source, g.width, g.height, i, g.name if source == "anim" else "")
            label = f"{g.name} #{i}" if source != "photo" else f"{g.width}x{g.height} #{i}"
            jobs.setdefault(key, Job(label, source, i, [])).groups.append(g)
    return sorted(jobs.values(), key=lambda j: -j.groups[0].width * j.groups[0].height * j.groups[0].frames)


def run_job(job: Job, out_dir: str) -> Tuple[str, float]:
    start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="preflight-bench-corpus-")
    try:
        first = job.groups[0]
        if job.source == "svg":
            with open(os.path.join(out_dir, first.files()[job.index]), "w") as f:
                f.write(svg_text(f"svg/{job.index}"))
        elif job.source == "anim":
            frames = animation_frames(f"anim/{job.index}")
            ANIM_ENCODERS[first.name](frames, os.path.join(out_dir, first.files()[job.index]), tmp)
        else:
            img = photo(first.width, first.height, f"{first.width}x{first.height}/{job.index}")
            for g in job.groups:
                ENCODERS[encoder_key(g)](img, os.path.join(out_dir, g.files()[job.index]), tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return job.label, time.monotonic() - start


def verify(group: Group, out_dir: str):
    """Formats Pillow reads: size and frame count from the header (the benchmark decodes everything)."""
    if group.format not in ("jpeg", "png", "webp", "tiff", "bmp", "gif", "ico"):
        return
    for rel in group.files():
        with Image.open(os.path.join(out_dir, rel)) as im:
            seen = (im.size, getattr(im, "n_frames", 1))
        if seen != ((group.width, group.height), group.frames):
            raise RuntimeError(f"{rel}: Pillow sees {seen[0]} × {seen[1]} frames")


def kept_groups(groups: List[Group], out_dir: str) -> List[str]:
    """Groups the existing manifest lists exactly as this run would write them, with every file present."""
    try:
        with open(os.path.join(out_dir, "manifest.json")) as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        return []
    if manifest.get("version") != VERSION:
        return []
    listed = {entry["group"]: entry for entry in manifest.get("groups", [])}
    return [g.name for g in groups if listed.get(g.name) == g.manifest_entry() and
            all(os.path.exists(os.path.join(out_dir, rel)) for rel in g.files())]


def generate(out_dir: str, quick: bool):
    start = time.monotonic()
    groups = groups_for(quick)
    kept = kept_groups(groups, out_dir)
    todo = [g for g in groups if g.name not in kept]
    for g in todo:
        shutil.rmtree(os.path.join(out_dir, g.name), ignore_errors=True)
        os.makedirs(os.path.join(out_dir, g.name))
    jobs = jobs_for(todo)
    print(f"bench corpus: {len(groups)} groups in {out_dir}: {len(kept)} kept, {len(todo)} to write "
          f"({len(jobs)} pictures)", flush=True)
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = [pool.submit(run_job, job, out_dir) for job in jobs]
        for done, future in enumerate(as_completed(futures), 1):
            label, seconds = future.result()
            print(f"bench corpus: [{done}/{len(jobs)}] {label} ({seconds:.1f} s)", flush=True)
    for g in todo:
        verify(g, out_dir)
    manifest = {"generator": os.path.basename(__file__), "version": VERSION, "quick": quick,
                "groups": [g.manifest_entry() for g in groups]}
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(out_dir, rel)) for g in groups for rel in g.files())
    print(f"bench corpus: {sum(g.count for g in groups)} files, {total / 1e6:.1f} MB, "
          f"{time.monotonic() - start:.1f} s", flush=True)


def main():
    args = [a for a in sys.argv[1:] if a != "--quick"]
    if len(args) != 1 or args[0].startswith("-"):
        sys.exit("usage: generate_bench_corpus.py OUT_DIR [--quick]")
    os.makedirs(args[0], exist_ok=True)
    try:
        generate(os.path.abspath(args[0]), quick="--quick" in sys.argv[1:])
    except RuntimeError as error:
        sys.exit(f"generate_bench_corpus: {error}")


if __name__ == "__main__":
    main()
