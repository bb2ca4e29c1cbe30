#!/usr/bin/python3
"""Generates the deterministic test corpus in corpus/ and its expectations, corpus/expected.jsonl.

Run:  scripts/generate_corpus.py            (from anywhere; writes <repo>/corpus/)
Needs Debian 12's python3-pil (Pillow 9.4), ImageMagick 6, libheif-examples, libavif-bin, webp,
libjpeg-turbo-progs, libvips-tools and libxml2-utils (xmllint); libraw-bin (raw-identify, dcraw_emu) is
used for the DNG checks when present. Everything else is written here with struct/zlib.

The script wipes corpus/ (except README.md) and writes every file again; the bytes depend only on the
tool versions (fixed seeds, no timestamps, metadata stripped). Expectations are computed from what this
script intended to write (dimensions, frame counts, damage), applying SPEC.md §2–§4 independently of
preflight; every file is then checked with independent tools, and the run stops on the first surprise.
"""

import base64
import gzip
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import warnings
import zlib
from dataclasses import dataclass
from typing import List, Optional

try:
    from PIL import IcoImagePlugin, Image, ImageChops, ImageDraw, ImageFile, TiffImagePlugin
except ImportError:  # a pyenv/venv python3 without Pillow: use Debian's, which has python3-pil
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", os.path.abspath(__file__), *sys.argv[1:]])
    raise

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(REPO, "corpus")
CONVERT = "/usr/bin/convert" if os.path.exists("/usr/bin/convert") else "convert"
IDENTIFY = "/usr/bin/identify" if os.path.exists("/usr/bin/identify") else "identify"
ENV = dict(os.environ, SOURCE_DATE_EPOCH="0", TZ="UTC", MAGICK_THREAD_LIMIT="1", OMP_NUM_THREADS="1",
           VIPS_CONCURRENCY="1")
MAGICK_STRIP = ["-strip", "-define", "png:exclude-chunks=date,time", "+set", "date:create", "+set",
                "date:modify"]

# The stock photo size for "a valid file of every format": not square (a swapped width/height shows) and
# at least 256 on both sides (no low_resolution warning).
W, H = 272, 256

# ---------------------------------------------------------------------------------------------------
# SPEC §2 rules, written out again here (not read from profiles/: the corpus checks those files too).

CODE_OK = "OK"
CODE_EMPTY = "InvalidParameterValue.EmptyImageContent"
CODE_TOO_SMALL_BYTES = "InvalidParameter.ImageDataTooSmall"
CODE_INVALID = "InvalidParameterValue.InvalidImageContent"
CODE_TOO_SMALL_DIMS = "InvalidParameter.ImageSizeTooSmall"
CODE_ASPECT = "InvalidParameter.ImageAspectRatioTooLarge"

PROFILES = {
    "tencent-ims": dict(min_bytes=16, min_side=51, max_side=9999, aspect=90, recommended=256,
                        frame_interval=5, max_frames=5),
    "tencent-ims-strict": dict(min_bytes=256, min_side=200, max_side=9999, aspect=90, recommended=256,
                               frame_interval=5, max_frames=5),
}
SAMPLED_ANIMATION = {"gif", "webp", "heic"}


@dataclass
class Entry:
    """One corpus file and what the probe should learn from it."""
    path: str                      # relative to corpus/
    format: Optional[str]          # SPEC §3 name; None for unsupported content
    width: Optional[int] = None
    height: Optional[int] = None
    frames_total: Optional[int] = None
    primary: int = 0               # the frame a non-animated format is judged on (ICO: largest entry)
    unsupported: Optional[str] = None
    header_ok: bool = True         # False: the dimensions cannot be read (header cut or missing)
    decodes: bool = True           # False: a sampled frame fails to decode (R9)


def sampled_frames(entry: Entry, profile: dict) -> List[int]:
    if entry.format in SAMPLED_ANIMATION:
        if profile["frame_interval"] == 0:
            return [0]
        return list(range(0, entry.frames_total, profile["frame_interval"]))[: profile["max_frames"]]
    return [entry.primary]


def expect(entry: Entry, size: int, profile_name: str) -> dict:
    p = PROFILES[profile_name]
    rec = {"file": entry.path, "profile": profile_name, "verdict": "rejected", "code": None, "reason": None,
           "format": None, "width": None, "height": None, "frames_total": None, "frames_sampled": None,
           "warnings": []}

    def done(code, reason=None):
        rec["code"], rec["reason"] = code, reason
        rec["verdict"] = "accepted" if code == CODE_OK else "rejected"
        return rec

    if size == 0:                                                   # R1
        return done(CODE_EMPTY, "empty_content")
    if size < p["min_bytes"]:                                       # R2
        return done(CODE_TOO_SMALL_BYTES, "data_too_small")
    # R3 (URL size) and R4 (inline size) are far away for every file here.
    if entry.unsupported:                                           # R5
        return done(CODE_INVALID, "unsupported_format:" + entry.unsupported)
    rec["format"] = entry.format
    if not entry.header_ok:                                         # probe failed: nothing more is known
        return done(CODE_INVALID, "decode_failed")
    w, h = entry.width, entry.height
    rec.update(width=w, height=h, frames_total=entry.frames_total, frames_sampled=sampled_frames(entry, p))
    if entry.format == "avif" and entry.frames_total > 1:
        rec["warnings"].append("animation_ignored")
    if w < p["min_side"] or h < p["min_side"]:                      # R6
        return done(CODE_TOO_SMALL_DIMS, "dimensions_too_small")
    if w > p["max_side"] or h > p["max_side"]:                      # R7
        return done(CODE_INVALID, "dimensions_too_large")
    if max(w, h) >= p["aspect"] * min(w, h):                        # R8: long/short < 90, in integers
        return done(CODE_ASPECT, "aspect_ratio_too_large")
    if w < p["recommended"] or h < p["recommended"]:                # W1
        rec["warnings"].append("low_resolution")
    if not entry.decodes:                                           # R9
        return done(CODE_INVALID, "decode_failed")
    return done(CODE_OK)


# ---------------------------------------------------------------------------------------------------
# Helpers

ENTRIES: List[Entry] = []
NOTES: dict = {}


class CorpusError(RuntimeError):
    pass


def fail(message: str):
    raise CorpusError(message)


def run(cmd, check=True, **kw) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, env=ENV, **kw)
    if check and result.returncode != 0:
        fail(f"command failed ({result.returncode}): {' '.join(map(str, cmd))}\n"
             f"{result.stderr.decode(errors='replace')}")
    return result


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def out(rel: str) -> str:
    path = os.path.join(CORPUS, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def write(rel: str, data: bytes) -> str:
    path = out(rel)
    with open(path, "wb") as f:
        f.write(data)
    return path


def read(rel: str) -> bytes:
    with open(os.path.join(CORPUS, rel), "rb") as f:
        return f.read()


def add(entry: Entry) -> Entry:
    ENTRIES.append(entry)
    return entry


TMP = tempfile.mkdtemp(prefix="preflight-corpus-")


def tmp(name: str) -> str:
    return os.path.join(TMP, name)


# ---------------------------------------------------------------------------------------------------
# Content: gradients, shapes and a little noise ("photographic-ish"), all from fixed seeds.

def gradient(w: int, h: int) -> Image.Image:
    vertical = Image.linear_gradient("L").resize((w, h), Image.Resampling.BILINEAR)
    horizontal = vertical.transpose(Image.Transpose.ROTATE_90).resize((w, h), Image.Resampling.BILINEAR)
    radial = Image.radial_gradient("L").resize((w, h), Image.Resampling.BILINEAR)
    return Image.merge("RGB", (horizontal, vertical, ImageChops.invert(radial)))


def photo(w: int, h: int, seed: int, noise: int = 3) -> Image.Image:
    rnd = random.Random(seed)
    img = gradient(w, h)
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0 = rnd.randrange(-w // 4, w), rnd.randrange(-h // 4, h)
        x1, y1 = x0 + rnd.randrange(w // 8 + 1, w // 2 + 2), y0 + rnd.randrange(h // 8 + 1, h // 2 + 2)
        colour = tuple(rnd.randrange(40, 230) for _ in range(3))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=colour)
    if noise:
        n = Image.frombytes("L", (w, h), rnd.randbytes(w * h)).point(lambda v: v % (2 * noise + 1))
        img = ImageChops.add(img, Image.merge("RGB", (n, n, n)), 1.0, -noise)
    return img


def frame(i: int, w: int, h: int, background: Image.Image) -> Image.Image:
    """Frame i of an animation: the background with a disc and a bar that move every frame."""
    img = background.copy()
    draw = ImageDraw.Draw(img)
    r = max(6, min(w, h) // 8)
    cx = r + (i * 23) % max(1, w - 2 * r)
    cy = r + (i * 37) % max(1, h - 2 * r)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(250, 220 - (i * 5) % 200, 30 + (i * 11) % 200))
    draw.rectangle((0, (i * 7) % h, w - 1, (i * 7) % h + 3), fill=(20, 20, (i * 29) % 256))
    return img


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes):
    """(offset, type, data_offset, length) of each chunk of a PNG/JNG stream."""
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        yield pos, kind, pos + 8, length
        pos += 12 + length


def bmff_boxes(data: bytes, start: int = 0, end: Optional[int] = None):
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[pos + 8:pos + 16])[0], 16
        elif size == 0:
            size = end - pos
        yield pos, kind, pos + header, pos + size
        pos += size


def zero_bmff_times(data: bytes) -> bytes:
    """Zeroes creation/modification times of mvhd, tkhd and mdhd (libavif writes the current time)."""
    buf = bytearray(data)

    def walk(start, end):
        for pos, kind, body, box_end in bmff_boxes(buf, start, end):
            if kind in (b"moov", b"trak", b"mdia"):
                walk(body, box_end)
            elif kind in (b"mvhd", b"tkhd", b"mdhd"):
                if buf[body] == 1:
                    buf[body + 4:body + 20] = bytes(16)
                else:
                    buf[body + 4:body + 12] = bytes(8)
    walk(0, len(buf))
    return bytes(buf)


# ---------------------------------------------------------------------------------------------------
# Independent checks: header facts and full decodes.

def identify(path: str, fmt: str = "%W %H %w %h\n", ping=False) -> List[List[int]]:
    cmd = [IDENTIFY] + (["-ping"] if ping else []) + ["-format", fmt, path]
    text = run(cmd).stdout.decode()
    return [list(map(int, line.split())) for line in text.splitlines() if line.strip()]


def check(cond: bool, what: str):
    if not cond:
        fail(what)


def decode_results(path: str, fmt: str, skip=()) -> List[tuple]:
    """(tool, ok, message) for each independent decoder of `fmt` that is installed; ok = full decode
    without error or warning (every frame)."""
    results = []

    def pillow():
        saved = os.dup(2)  # libtiff inside Pillow prints its errors on fd 2
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # "Corrupt EXIF data" and the like count as failures
                with Image.open(path) as im:
                    for i in range(getattr(im, "n_frames", 1)):
                        im.seek(i)
                        im.load()
            return True, ""
        except Exception as e:  # noqa: BLE001 - any failure counts
            return False, repr(e)
        finally:
            os.dup2(saved, 2)
            os.close(saved)

    def tool(cmd, bad_stderr=None):
        r = subprocess.run(cmd, capture_output=True, env=ENV)
        err = r.stderr.decode(errors="replace").strip()
        ok = r.returncode == 0 and not (bad_stderr and re.search(bad_stderr, err))
        return ok, err[:200]

    magick = lambda: tool([CONVERT, "-regard-warnings", path, "null:"])  # noqa: E731
    vips = lambda: tool(["vips", "avg", path + "[fail-on=warning]"])  # noqa: E731
    plan = {
        "bmp": [("pillow", pillow), ("magick", magick)],
        "ico": [("pillow", pillow), ("magick", magick)],
        "jpeg": [("pillow", pillow), ("magick", magick), ("djpeg", lambda: tool(["djpeg", "-outfile",
                                                                                   os.devnull, path]))],
        "jng": [("magick", magick)],
        "png": [("pillow", pillow), ("magick", magick), ("vips", vips)],
        "tiff": [("pillow", pillow), ("magick", magick), ("vips", vips)],
        "raw": [("dcraw_emu", lambda: tool(["dcraw_emu", "-Z", "-", path],
                                           bad_stderr=r"(?i)cannot|error|unexpected"))],
        "svg": [("vips", vips), ("xmllint", lambda: tool(["xmllint", "--noout", path]))],
        "svgz": [("vips", vips), ("gzip", lambda: tool(["gzip", "-t", path]))],
        "gif": [("pillow", pillow), ("magick", magick)],
        "webp": [("pillow", pillow), ("magick", magick), ("dwebp", lambda: tool(["dwebp", path, "-o",
                                                                                   os.devnull]))],
        "heic": [("heif-convert", lambda: tool(["heif-convert", path, tmp("decoded.png")])),
                 ("vips", vips)],
        "avif": [("avifdec", lambda: tool(["avifdec", "-j", "1", path, tmp("decoded.png")])),
                 ("magick", magick)],
    }[fmt]
    for name, fn in plan:
        if name in skip:
            continue
        if name in ("djpeg", "dcraw_emu", "vips", "xmllint", "heif-convert", "avifdec", "dwebp") and \
                not have(name):
            continue
        if name == "dwebp" and b"ANMF" in open(path, "rb").read():
            continue  # dwebp decodes stills only
        ok, message = fn()
        results.append((name, ok, message))
    if not results and not skip:
        if fmt != "raw":
            fail(f"no decoder installed to check {path}")
        if not NOTES.get("no-libraw"):
            NOTES["no-libraw"] = "dcraw_emu (libraw-bin) not installed: DNG decodes not checked"
            print("generate_corpus: " + NOTES["no-libraw"], file=sys.stderr)
    return results


def expect_decodes(path: str, fmt: str, skip=()):
    for name, ok, message in decode_results(path, fmt, skip):
        check(ok, f"{path}: {name} could not decode it: {message}")


def expect_fails(path: str, fmt: str) -> bool:
    return all(not ok for _, ok, _ in decode_results(path, fmt))


# ---------------------------------------------------------------------------------------------------
# Group 1: one valid file per format (formats/)

def make_png_family(base: Image.Image):
    base.save(out("formats/png.png"), optimize=False)
    add(Entry("formats/png.png", "png", W, H, 1))
    check(identify(out("formats/png.png")) == [[W, H, W, H]], "png dims")

    frames = [frame(i, W, H, base) for i in range(3)]
    frames[0].save(out("formats/apng_3frames.png"), save_all=True, append_images=frames[1:], duration=100,
                   loop=0)
    add(Entry("formats/apng_3frames.png", "png", W, H, 1))  # APNG counts as PNG: first frame only
    with Image.open(out("formats/apng_3frames.png")) as im:
        check(im.size == (W, H) and im.n_frames == 3, "apng frames")
    check(b"acTL" in read("formats/apng_3frames.png"), "apng has no acTL")


def make_bmp(base: Image.Image):
    base.save(out("formats/bmp_24bit.bmp"))
    add(Entry("formats/bmp_24bit.bmp", "bmp", W, H, 1))
    check(identify(out("formats/bmp_24bit.bmp")) == [[W, H, W, H]], "bmp dims")
    # An RLE8 bitmap: the one BMP flavour whose pixel data can be damaged detectably (see bitflip).
    run([CONVERT, out("formats/png.png"), *MAGICK_STRIP, "-dither", "None", "-colors", "64", "-compress",
         "RLE", "BMP3:" + out("formats/bmp_rle8.bmp")])
    data = read("formats/bmp_rle8.bmp")
    check(struct.unpack("<HI", data[28:34]) == (8, 1), "bmp_rle8 is not 8-bit RLE")
    add(Entry("formats/bmp_rle8.bmp", "bmp", W, H, 1))
    check(identify(out("formats/bmp_rle8.bmp")) == [[W, H, W, H]], "bmp rle8 dims")


def ico_bmp_entry(img: Image.Image) -> bytes:
    w, h = img.size
    header = struct.pack("<IiiHHIIiiII", 40, w, 2 * h, 1, 32, 0, w * h * 4, 0, 0, 0, 0)
    rows = []
    rgba = img.convert("RGBA")
    for y in range(h - 1, -1, -1):  # bottom-up BGRA
        row = rgba.crop((0, y, w, y + 1)).tobytes("raw", "BGRA")
        rows.append(row)
    mask_stride = ((w + 31) // 32) * 4
    return header + b"".join(rows) + bytes(mask_stride * h)


def make_ico():
    # Entries 48 (BMP), 256 (PNG), 16 (BMP): the largest is neither first nor last.
    sizes = [48, 256, 16]
    blobs = []
    for s in sizes:
        img = photo(s, s, seed=100 + s, noise=2)
        if s == 256:
            buf = io.BytesIO()
            img.save(buf, "PNG")
            blobs.append(buf.getvalue())
        else:
            blobs.append(ico_bmp_entry(img))
    offset = 6 + 16 * len(sizes)
    directory = struct.pack("<HHH", 0, 1, len(sizes))
    for s, blob in zip(sizes, blobs):
        directory += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    write("formats/ico_3entries.ico", directory + b"".join(blobs))
    add(Entry("formats/ico_3entries.ico", "ico", 256, 256, 3, primary=1))
    check([d[2:] for d in identify(out("formats/ico_3entries.ico"))] == [[48, 48], [256, 256], [16, 16]],
          "ico entries")
    with Image.open(out("formats/ico_3entries.ico")) as im:
        check(im.size == (256, 256), "pillow does not see the 256 entry as the largest")


def make_jpeg(base: Image.Image):
    base.save(out("formats/jpeg_baseline.jpg"), quality=85)
    base.save(out("formats/jpeg_progressive.jpg"), quality=85, progressive=True)
    for name, sof in (("jpeg_baseline.jpg", b"\xff\xc0"), ("jpeg_progressive.jpg", b"\xff\xc2")):
        check(sof in read("formats/" + name), f"{name}: no {sof.hex()} marker")
        check(identify(out("formats/" + name)) == [[W, H, W, H]], name + " dims")
        add(Entry("formats/" + name, "jpeg", W, H, 1))


def make_jng():
    run([CONVERT, out("formats/png.png"), *MAGICK_STRIP, "-quality", "85", "JNG:" + out("formats/jng.jng")])
    check(read("formats/jng.jng").startswith(b"\x8bJNG\r\n\x1a\n"), "jng signature")
    check(identify(out("formats/jng.jng")) == [[W, H, W, H]], "jng dims")
    add(Entry("formats/jng.jng", "jng", W, H, 1))


def make_tiff(base: Image.Image):
    # Uncompressed: Pillow puts IFD0 right after the header, so a cut file still shows its size.
    base.save(out("formats/tiff_single.tif"))
    check(struct.unpack("<I", read("formats/tiff_single.tif")[4:8])[0] == 8, "tiff_single: IFD0 not at 8")
    add(Entry("formats/tiff_single.tif", "tiff", W, H, 1))
    # Deflate: libtiff writes IFD0 after the strips (at the end).
    base.save(out("formats/tiff_deflate.tif"), compression="tiff_adobe_deflate")
    add(Entry("formats/tiff_deflate.tif", "tiff", W, H, 1))
    # Three pages of different sizes: the first page decides.
    pages = [base, photo(96, 80, seed=31), photo(160, 120, seed=32, noise=0)]
    pages[0].save(out("formats/tiff_3pages.tif"), save_all=True, append_images=pages[1:],
                  compression="tiff_adobe_deflate")
    add(Entry("formats/tiff_3pages.tif", "tiff", W, H, 3))
    check([d[2:] for d in identify(out("formats/tiff_3pages.tif"))] == [[W, H], [96, 80], [160, 120]],
          "tiff pages")
    for name in ("tiff_single.tif", "tiff_deflate.tif"):
        check(identify(out("formats/" + name)) == [[W, H, W, H]], name + " dims")


def dng_bytes(w: int, h: int, seed: int) -> bytes:
    """A minimal DNG 1.4: one IFD holding a 16-bit RGGB CFA image as one uncompressed strip."""
    rnd = random.Random(seed)
    photo_rgb = photo(w, h, seed=seed, noise=0)
    noise = rnd.randbytes(w * h)
    samples = bytearray()
    rgb = photo_rgb.tobytes()
    for y in range(h):
        for x in range(w):
            channel = 0 if (y % 2 == 0 and x % 2 == 0) else 2 if (y % 2 == 1 and x % 2 == 1) else 1
            v = rgb[(y * w + x) * 3 + channel] * 240 + 1024 + (noise[y * w + x] % 512)
            samples += struct.pack("<H", min(v, 65535))

    def ascii_(s):
        return s.encode() + b"\0"
    colour_matrix = [3.2406, -1.5372, -0.4986, -0.9689, 1.8758, 0.0415, 0.0557, -0.2040, 1.0570]
    # (tag, type, value): type 1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 10 SRATIONAL
    tags = [
        (254, 4, [0]), (256, 4, [w]), (257, 4, [h]), (258, 3, [16]), (259, 3, [1]), (262, 3, [32803]),
        (271, 2, ascii_("Preflight")), (272, 2, ascii_("Corpus DNG")), (273, 4, ["strip"]), (274, 3, [1]),
        (277, 3, [1]), (278, 4, [h]), (279, 4, [len(samples)]), (284, 3, [1]),
        (33421, 3, [2, 2]), (33422, 1, bytes([0, 1, 1, 2])),
        (50706, 1, bytes([1, 4, 0, 0])), (50707, 1, bytes([1, 1, 0, 0])),
        (50708, 2, ascii_("Preflight Corpus DNG")), (50714, 4, [0]), (50717, 4, [65535]),
        (50721, 10, [(round(v * 10000), 10000) for v in colour_matrix]),
        (50728, 5, [(1, 1), (1, 1), (1, 1)]), (50778, 3, [21]),
    ]
    tags.sort(key=lambda t: t[0])
    data_offset = 8 + 2 + 12 * len(tags) + 4
    ifd, blobs, strip_fixup = bytearray(struct.pack("<H", len(tags))), bytearray(), None
    for tag, kind, value in tags:
        if kind in (1, 2):
            raw = bytes(value)
        elif kind == 3:
            raw = b"".join(struct.pack("<H", v) for v in value)
        elif kind == 4:
            if value == ["strip"]:
                strip_fixup, value = len(ifd) + 8, [0]
            raw = b"".join(struct.pack("<I", v) for v in value)
        else:
            raw = b"".join(struct.pack("<II" if kind == 5 else "<ii", *v) for v in value)
        count = len(raw) // {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 10: 8}[kind]
        if len(raw) <= 4:
            ifd += struct.pack("<HHI", tag, kind, count) + raw.ljust(4, b"\0")
        else:
            ifd += struct.pack("<HHII", tag, kind, count, data_offset + len(blobs))
            blobs += raw + (b"\0" if len(raw) % 2 else b"")
    ifd += struct.pack("<I", 0)
    strip_offset = data_offset + len(blobs)
    ifd[strip_fixup:strip_fixup + 4] = struct.pack("<I", strip_offset)
    return b"II*\0" + struct.pack("<I", 8) + bytes(ifd) + bytes(blobs) + bytes(samples)


def check_dng(rel: str, w: int, h: int):
    # The IFD, read back with Pillow's own TIFF tag reader (independent of dng_bytes()).
    data = read(rel)
    ifd = TiffImagePlugin.ImageFileDirectory_v2(data[:8])
    ifd.load(_seek_to(data, 8))
    check((ifd[256], ifd[257], ifd[262], ifd[50706]) == (w, h, 32803, b"\x01\x04\x00\x00"),
          f"{rel}: DNG tags {ifd[256]} {ifd[257]} {ifd[262]}")
    if have("raw-identify"):
        text = run(["raw-identify", "-v", out(rel)]).stdout.decode()
        check(f"Image size:   {w} x {h}" in text and "Filter pattern: RGGB" in text,
              f"{rel}: LibRaw sees {re.findall(r'Image size:.*', text)}")


def _seek_to(data: bytes, offset: int) -> io.BytesIO:
    f = io.BytesIO(data)
    f.seek(offset)
    return f


def make_raw():
    write("formats/raw_dng.dng", dng_bytes(W, H, seed=41))
    check_dng("formats/raw_dng.dng", W, H)
    add(Entry("formats/raw_dng.dng", "raw", W, H, 1))


def svg_text(root_attrs: str, w: int, h: int, seed: int) -> str:
    rnd = random.Random(seed)
    body = []
    for i in range(40):
        cx, cy, r = rnd.randrange(w), rnd.randrange(h), rnd.randrange(6, max(7, min(w, h) // 5))
        colour = "#%02x%02x%02x" % tuple(rnd.randrange(256) for _ in range(3))
        body.append(f'    <circle cx="{cx}" cy="{cy}" r="{r}" fill="{colour}" fill-opacity="0.6"/>')
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            f"<svg xmlns=\"http://www.w3.org/2000/svg\" {root_attrs}>\n"
            "  <defs>\n"
            "    <linearGradient id=\"sky\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"1\">\n"
            "      <stop offset=\"0\" stop-color=\"#1d4e89\"/><stop offset=\"1\" stop-color=\"#f4a259\"/>\n"
            "    </linearGradient>\n"
            "  </defs>\n"
            f"  <rect width=\"{w}\" height=\"{h}\" fill=\"url(#sky)\"/>\n"
            "  <g>\n" + "\n".join(body) + "\n  </g>\n</svg>\n")


def svg_size(path: str) -> List[int]:
    text = run(["vipsheader", "-a", path]).stdout.decode()
    return [int(re.search(r"^width: (\d+)", text, re.M).group(1)),
            int(re.search(r"^height: (\d+)", text, re.M).group(1))]


def make_svg():
    write("formats/svg_sized.svg", svg_text(f'width="{W}" height="{H}"', W, H, seed=51).encode())
    add(Entry("formats/svg_sized.svg", "svg", W, H, 1))
    write("formats/svg_viewbox_only.svg", svg_text('viewBox="0 0 400 300"', 400, 300, seed=52).encode())
    add(Entry("formats/svg_viewbox_only.svg", "svg", 400, 300, 1))
    write("formats/svgz.svgz", gzip.compress(read("formats/svg_sized.svg"), 9, mtime=0))
    add(Entry("formats/svgz.svgz", "svg", W, H, 1))
    for rel, size in (("formats/svg_sized.svg", [W, H]), ("formats/svg_viewbox_only.svg", [400, 300]),
                      ("formats/svgz.svgz", [W, H])):
        check(svg_size(out(rel)) == size, f"{rel}: librsvg size {svg_size(out(rel))}")


def make_gif(base: Image.Image):
    base.quantize(256, dither=Image.Dither.FLOYDSTEINBERG).save(out("formats/gif_still.gif"))
    add(Entry("formats/gif_still.gif", "gif", W, H, 1))
    check(identify(out("formats/gif_still.gif")) == [[W, H, W, H]], "gif dims")


def make_webp():
    png = out("formats/png.png")
    run(["cwebp", "-quiet", "-q", "70", "-metadata", "none", png, "-o", out("formats/webp_lossy.webp")])
    run(["cwebp", "-quiet", "-lossless", "-metadata", "none", png, "-o", out("formats/webp_lossless.webp")])
    for name, chunk in (("webp_lossy.webp", b"VP8 "), ("webp_lossless.webp", b"VP8L")):
        data = read("formats/" + name)
        check(data[12:16] == chunk, f"{name}: first chunk {data[12:16]}")
        check(f"Canvas size: {W} x {H}" in run(["webpmux", "-info", out("formats/" + name)]).stdout.decode(),
              name + " dims")
        add(Entry("formats/" + name, "webp", W, H, 1))


def heif_images(path: str) -> List[tuple]:
    text = run(["heif-info", path]).stdout.decode()
    return [(int(a), int(b), bool(p)) for a, b, p in
            re.findall(r"^image: (\d+)x(\d+) \(id=\d+\)(, primary)?", text, re.M)]


def make_heic():
    run(["heif-enc", "-q", "50", "--no-alpha", out("formats/png.png"), "-o", out("formats/heic_still.heic")])
    check(heif_images(out("formats/heic_still.heic")) == [(W, H, True)], "heic still")
    add(Entry("formats/heic_still.heic", "heic", W, H, 1))


def avif_info(path: str) -> tuple:
    text = run(["avifdec", "--info", path]).stdout.decode()
    w, h = map(int, re.search(r"Resolution\s*:\s*(\d+)x(\d+)", text).groups())
    m = re.search(r"(\d+) frames", text)
    return w, h, int(m.group(1)) if m else 1


def make_avif():
    run(["avifenc", "-j", "1", "-s", "8", "--min", "20", "--max", "40", "-y", "420", out("formats/png.png"), "-o",
         out("formats/avif_still.avif")])
    write("formats/avif_still.avif", zero_bmff_times(read("formats/avif_still.avif")))
    check(avif_info(out("formats/avif_still.avif")) == (W, H, 1), "avif still")
    add(Entry("formats/avif_still.avif", "avif", W, H, 1))


# ---------------------------------------------------------------------------------------------------
# Group 2: animations (animated/)

ANIM_FRAMES = [1, 4, 5, 6, 21, 37]


def webp_anim_one_frame(still_webp: bytes, w: int, h: int) -> bytes:
    """An animated WebP (VP8X + ANIM + one ANMF): libwebp's tools write a 1-frame animation as a still."""
    frame_chunk = still_webp[12:]  # the VP8 chunk of a simple-format file
    vp8x = struct.pack("<B3s", 0x02, b"\0\0\0") + (w - 1).to_bytes(3, "little") + (h - 1).to_bytes(3, "little")
    anim = struct.pack("<IH", 0xFFFFFFFF, 0)
    anmf = (bytes(6) + (w - 1).to_bytes(3, "little") + (h - 1).to_bytes(3, "little") +
            (100).to_bytes(3, "little") + b"\x00" + frame_chunk)

    def chunk(kind, data):
        return kind + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")
    body = b"WEBP" + chunk(b"VP8X", vp8x) + chunk(b"ANIM", anim) + chunk(b"ANMF", anmf)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def make_animations():
    size = (256, 256)
    background = photo(*size, seed=61, noise=0)
    for n in ANIM_FRAMES:
        # GIF: one shared palette so frames differ only where the disc moved. 37 frames at 240x180 is the
        # record of SPEC §6 (frames_sampled [0,5,10,15,20], warning low_resolution).
        gsize = (240, 180) if n == 37 else size
        gbg = background.resize(gsize, Image.Resampling.BILINEAR)
        palette_img = gbg.quantize(128, dither=Image.Dither.NONE)
        frames = [frame(i, *gsize, gbg).quantize(palette=palette_img, dither=Image.Dither.NONE)
                  for i in range(n)]
        rel = f"animated/gif_{n}frames.gif"
        frames[0].save(out(rel), save_all=True, append_images=frames[1:], duration=80, loop=0,
                       optimize=False)
        with Image.open(out(rel)) as im:
            check(im.size == gsize and getattr(im, "n_frames", 1) == n, f"{rel}: Pillow sees "
                  f"{im.size} x {getattr(im, 'n_frames', 1)}")
        ident = identify(out(rel))
        check(len(ident) == n and all(d[:2] == list(gsize) for d in ident), f"{rel}: identify {ident[:2]}")
        add(Entry(rel, "gif", *gsize, n))

        # WebP: lossy frames through img2webp; a 1-frame animation is assembled by hand.
        pngs = []
        for i in range(n):
            pngs.append(tmp(f"webp_{n}_{i}.png"))
            frame(i, *size, background).save(pngs[-1])
        rel = f"animated/webp_{n}frames.webp"
        if n == 1:
            run(["cwebp", "-quiet", "-q", "60", "-metadata", "none", pngs[0], "-o", tmp("one.webp")])
            with open(tmp("one.webp"), "rb") as f:
                write(rel, webp_anim_one_frame(f.read(), *size))
        else:
            run(["img2webp", "-loop", "0", "-lossy", "-q", "60", "-d", "80", *pngs, "-o", out(rel)])
        info = run(["webpmux", "-info", out(rel)]).stdout.decode()
        check("Features present: animation" in info and f"Number of frames: {n}\n" in info and
              f"Canvas size: {size[0]} x {size[1]}" in info, f"{rel}: webpmux says {info[:200]}")
        add(Entry(rel, "webp", *size, n))

    # HEIC with six top-level images (sampled 0 and 5), the first one primary.
    inputs = []
    for i in range(6):
        inputs.append(tmp(f"heic_{i}.png"))
        frame(i * 5, W, H, photo(W, H, seed=70 + i, noise=0)).save(inputs[-1])
    rel = "animated/heic_6images.heic"
    run(["heif-enc", "-q", "40", "--no-alpha", *inputs, "-o", out(rel)])
    images = heif_images(out(rel))
    check(images == [(W, H, True)] + [(W, H, False)] * 5, f"{rel}: heif-info {images}")
    add(Entry(rel, "heic", W, H, 6))

    # AVIF sequence: checked on its first frame, warning animation_ignored.
    rel = "animated/avif_sequence_4frames.avif"
    run(["avifenc", "-j", "1", "-s", "8", "--min", "24", "--max", "44", "-y", "420", *inputs[:4], "-o", out(rel)])
    write(rel, zero_bmff_times(read(rel)))
    check(read(rel)[8:12] == b"avis", f"{rel}: major brand {read(rel)[8:12]}")
    check(avif_info(out(rel)) == (W, H, 4), f"{rel}: avifdec {avif_info(out(rel))}")
    add(Entry(rel, "avif", W, H, 4))


# ---------------------------------------------------------------------------------------------------
# Group 3: rule edges (edges/)

def flat_png(w: int, h: int) -> bytes:
    """A white 1-bit greyscale PNG: the smallest valid file of a given size."""
    row = b"\0" + b"\xff" * ((w + 7) // 8)
    idat = zlib.compress(row * h, 9)
    return (PNG_SIGNATURE + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)) +
            png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))


def padded_png(png: bytes, size: int) -> bytes:
    """Inserts a tEXt chunk after IHDR so that the file is exactly `size` bytes."""
    head, tail = png[:33], png[33:]
    pad = size - len(png) - 12 - len(b"Comment\0")
    check(pad >= 0, f"cannot pad a {len(png)}-byte PNG to {size}")
    return head + png_chunk(b"tEXt", b"Comment\0" + b"x" * pad) + tail


def make_edges():
    # R1/R2: the file size.
    write("edges/size_0.png", b"")
    add(Entry("edges/size_0.png", None))
    small = flat_png(256, 256)
    check(len(small) < 255, f"flat PNG is {len(small)} bytes")
    write("edges/size_15.png", small[:15])          # rejected by R2 under both profiles
    add(Entry("edges/size_15.png", "png", header_ok=False, decodes=False))
    write("edges/size_16.png", small[:16])          # signature + IHDR length and type, no IHDR data:
    add(Entry("edges/size_16.png", "png", header_ok=False, decodes=False))  # R2 ok (ims), probe fails
    for size in (255, 256):                          # valid 256x256 PNGs, exactly 255 / 256 bytes
        rel = f"edges/size_{size}.png"
        write(rel, padded_png(small, size))
        check(len(read(rel)) == size, rel + " size")
        add(Entry(rel, "png", 256, 256, 1))

    # R6, R7, R8, W1 on both sides. Smooth content (no noise) keeps the wide ones small.
    sizes = [(50, 300), (51, 300), (300, 50), (300, 51),
             (199, 300), (200, 300), (300, 199), (300, 200),
             (255, 256), (256, 255), (256, 256),
             (9999, 200), (10000, 200), (200, 9999), (200, 10000),
             (5399, 60), (5400, 60), (60, 5399), (60, 5400)]
    for w, h in sizes:
        rel = f"edges/dims_{w}x{h}.png"
        if max(w, h) > 1000:
            # Rows identical (or columns constant): the PNG filter makes this compress to a few KB.
            img = Image.linear_gradient("L").resize((1, 256)).resize((w, h), Image.Resampling.NEAREST) if w > h else \
                Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize((256, 1)).resize((w, h),
                                                                                             Image.Resampling.NEAREST)
            img.convert("RGB").save(out(rel), optimize=True)
        else:
            photo(w, h, seed=w * 10007 + h, noise=0).save(out(rel), optimize=True)
        check(identify(out(rel), ping=True) == [[w, h, w, h]], rel + " dims")
        add(Entry(rel, "png", w, h, 1))

    # R7: a PNG declaring 100000 x 100000 in ~100 bytes (and a 300-byte one, past strict's R2).
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 1, 0, 0, 0, 0))
    idat = png_chunk(b"IDAT", zlib.compress(b"\0" + bytes(100000 // 8) * 4, 9))  # 4 of 100000 rows
    bomb = PNG_SIGNATURE + ihdr + idat + png_chunk(b"IEND", b"")
    write("edges/bomb_100000x100000_small.png", bomb)
    write("edges/bomb_100000x100000.png", padded_png(bomb, 300))
    Image.MAX_IMAGE_PIXELS = None
    for rel in ("edges/bomb_100000x100000_small.png", "edges/bomb_100000x100000.png"):
        with Image.open(out(rel)) as im:  # header only, never loaded
            check(im.size == (100000, 100000), rel)
        add(Entry(rel, "png", 100000, 100000, 1))
    Image.MAX_IMAGE_PIXELS = 89478485
    check(len(bomb) < 256, f"small bomb is {len(bomb)} bytes")


# ---------------------------------------------------------------------------------------------------
# Group 4: damaged files (damaged/): cut in half, or bytes flipped inside the compressed data

# (source, decoder kind, what to make): "cut" = truncated; "flip" = bytes inverted inside compressed data
# (decode_failed); "flip-raw" = bytes inverted inside uncompressed samples, which nothing can detect (the
# file still decodes and is accepted: a guard against decoders that invent failures). BMP RLE8 gets no
# "flip": its codes carry no redundancy, and an early end-of-bitmap code is an error for Pillow but silently
# zero-filled by ImageMagick 6, so no damage there has one agreed outcome.
DAMAGE_SOURCES = [
    ("formats/bmp_24bit.bmp", "bmp", "cut flip-raw"), ("formats/bmp_rle8.bmp", "bmp", "cut"),
    ("formats/ico_3entries.ico", "ico", "cut flip"),
    ("formats/jpeg_baseline.jpg", "jpeg", "cut flip"), ("formats/jpeg_progressive.jpg", "jpeg", "cut flip"),
    ("formats/jng.jng", "jng", "cut flip"), ("formats/png.png", "png", "cut flip"),
    ("formats/tiff_single.tif", "tiff", "cut"), ("formats/tiff_deflate.tif", "tiff", "cut flip"),
    ("formats/raw_dng.dng", "raw", "cut flip-raw"), ("formats/svg_sized.svg", "svg", "cut flip"),
    ("formats/svgz.svgz", "svgz", "cut flip"), ("formats/gif_still.gif", "gif", "cut flip"),
    ("formats/webp_lossy.webp", "webp", "cut flip"), ("formats/webp_lossless.webp", "webp", "cut flip"),
    ("formats/heic_still.heic", "heic", "cut flip"), ("formats/avif_still.avif", "avif", "cut flip"),
]


def entry_for(rel: str) -> Entry:
    return next(e for e in ENTRIES if e.path == rel)


def header_end(data: bytes, kind: str) -> int:
    """Bytes the probe needs to read the dimensions (and frame count) of a file of this kind."""
    if kind == "bmp":
        return 54
    if kind == "ico":  # directory, plus the largest (PNG) entry's IHDR
        count = struct.unpack("<H", data[4:6])[0]
        entries = [struct.unpack("<BBBBHHII", data[6 + 16 * i:22 + 16 * i]) for i in range(count)]
        largest = max(entries, key=lambda e: (e[0] or 256) * (e[1] or 256))
        return max(6 + 16 * count, largest[7] + 33)
    if kind == "jpeg":
        return data.index(b"\xff\xda")  # every marker segment before the first scan
    if kind in ("jng", "png"):
        return 33  # signature + IHDR/JHDR
    if kind in ("tiff", "raw"):
        ifd = struct.unpack("<I", data[4:8])[0]
        count = struct.unpack("<H", data[ifd:ifd + 2])[0]
        return ifd + 2 + 12 * count + 4
    if kind == "svg":
        return data.index(b">", data.index(b"<svg")) + 1
    if kind == "svgz":
        return 0  # see damage(): checked on the inflated prefix
    if kind == "gif":
        return 13 + 3 * 256 + 10  # header, global palette, first image descriptor (approximately)
    if kind == "webp":
        return 30
    if kind in ("heic", "avif"):  # ftyp and meta (ispe, iloc) come before mdat
        return next(end for pos, box, body, end in bmff_boxes(data) if box == b"meta")
    fail("header_end: " + kind)


def payload_range(data: bytes, kind: str, source: str) -> tuple:
    """Where the compressed data lies: corruption goes there, never into what the probe reads."""
    if kind == "bmp":
        start = struct.unpack("<I", data[10:14])[0]
        return start, len(data)
    if kind == "ico":
        count = struct.unpack("<H", data[4:6])[0]
        entries = [struct.unpack("<BBBBHHII", data[6 + 16 * i:22 + 16 * i]) for i in range(count)]
        largest = max(entries, key=lambda e: (e[0] or 256) * (e[1] or 256))
        png = data[largest[7]:largest[7] + largest[6]]
        idat = next((p, d, n) for p, k, d, n in png_chunks(png) if k == b"IDAT")
        return largest[7] + idat[1] + 16, largest[7] + idat[1] + idat[2]
    if kind == "jpeg":
        sos = data.index(b"\xff\xda")
        return sos + 2 + struct.unpack(">H", data[sos + 2:sos + 4])[0], len(data) - 2
    if kind == "jng":
        jdat = next((d, n) for p, k, d, n in png_chunks(data) if k == b"JDAT")  # the embedded JPEG
        return jdat[0], jdat[0] + jdat[1]
    if kind == "png":
        idat = next((d, n) for p, k, d, n in png_chunks(data) if k == b"IDAT")
        return idat[0] + 16, idat[0] + idat[1]
    if kind in ("tiff", "raw"):
        if source.endswith("tiff_deflate.tif"):
            return 8 + 16, struct.unpack("<I", data[4:8])[0] - 16
        return header_end(data, kind) + 256, len(data)
    if kind == "svg":
        return header_end(data, kind) + 200, len(data) - 20
    if kind == "svgz":
        return len(data) // 3, len(data) - 8
    if kind == "gif":
        return header_end(data, kind) + 16, len(data) - 2
    if kind == "webp":
        return 30 + 16, len(data)
    if kind in ("heic", "avif"):
        mdat = next((body, end) for pos, box, body, end in bmff_boxes(data) if box == b"mdat")
        return mdat[0], mdat[1]
    fail("payload_range: " + kind)


def corrupt(data: bytes, kind: str, source: str, uncompressed: bool) -> tuple:
    """Damages the compressed data; returns (bytes, description). For JPEG (and JNG's JPEG), two bytes of
    the entropy-coded scan become an SOI marker: libjpeg's hard error, not a mere warning. Elsewhere a
    16-byte window is inverted, at the first of a fixed list of places where every installed decoder
    fails."""
    start, end = payload_range(data, kind, source)
    if kind == "jng":
        # ImageMagick decodes a JNG's damaged scan without a word; it fails when the embedded JPEG's
        # tables are bad. The first Huffman table's 16 code-length counts become FF (sum > 256): libjpeg's
        # hard error "Bogus Huffman table definition". JHDR, which the probe reads, is untouched.
        pos = data.index(b"\xff\xc4", header_end(data, kind)) + 5
        buf = bytearray(data)
        buf[pos:pos + 16] = b"\xff" * 16
        return bytes(buf), f"JDAT's first DHT counts (bytes {pos}-{pos + 15}) set to FF"
    if kind == "jpeg":
        pos = (start + end) // 2
        buf = bytearray(data)
        buf[pos:pos + 2] = b"\xff\xd8"
        return bytes(buf), f"bytes {pos}-{pos + 1} of the scan set to FF D8"
    if kind == "heic":
        # libde265 decodes damaged slice data without complaint; a damaged slice segment header fails.
        # mdat holds the coded slice: a 4-byte NAL length, the 2-byte NAL header, then the slice header.
        pos = start + 6
        buf = bytearray(data)
        for i in range(pos, pos + 16):
            buf[i] ^= 0xFF
        return bytes(buf), f"bytes {pos}-{pos + 15} (slice segment header) inverted"
    if uncompressed:  # nothing can tell the damage: the file is expected to decode
        pos = (start + end) // 2
        buf = bytearray(data)
        for i in range(pos, pos + 16):
            buf[i] ^= 0xFF
        return bytes(buf), f"bytes {pos}-{pos + 15} inverted"
    fractions = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9, 0.45, 0.55, 0.35, 0.65, 0.25, 0.75, 0.05, 0.02,
                 0.01, 0.0)
    if kind == "webp":  # VP8/VP8L decode damaged data late in the stream silently: start at the front
        fractions = (0.0, 0.01, 0.02, 0.05, 0.1) + fractions
    for fraction in fractions:
        pos = start + int((end - start) * fraction)
        buf = bytearray(data)
        for i in range(pos, min(pos + 16, end)):
            buf[i] ^= 0xFF
        probe_path = tmp("probe." + kind)
        with open(probe_path, "wb") as f:
            f.write(buf)
        if expect_fails(probe_path, kind):
            return bytes(buf), f"bytes {pos}-{min(pos + 16, end) - 1} inverted"
    fail(f"{source}: no corruption found that every decoder detects")


# Formats whose libraries (librsvg, libheif, libavif) parse the whole document or box structure before
# they report a size: once cut, or (SVG) once its XML is damaged, the probe cannot read any dimensions.
WHOLE_FILE_PROBE = {"svg", "svgz", "heic", "avif"}
XML_KINDS = {"svg", "svgz"}


def make_damaged():
    notes = {}
    for source, kind, what in DAMAGE_SOURCES:
        src = entry_for(source)
        data = read(source)
        stem = os.path.basename(source).rsplit(".", 1)
        stem, ext = stem[0], stem[1]

        # Truncated: the first half.
        what = what.split()
        cut = len(data) // 2
        rel = f"damaged/truncated_{stem}.{ext}"
        write(rel, data[:cut])
        if kind == "svgz":
            try:
                prefix = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:cut])
            except zlib.error:
                prefix = b""
            header_ok = b"<svg" in prefix and b">" in prefix[prefix.find(b"<svg"):]
        else:
            header_ok = header_end(data, kind) <= cut
        header_ok = header_ok and kind not in WHOLE_FILE_PROBE
        entry = Entry(rel, src.format, src.width, src.height, src.frames_total, src.primary,
                      header_ok=header_ok, decodes=False)
        if not header_ok:
            entry.width = entry.height = entry.frames_total = None
        add(entry)
        check(expect_fails(out(rel), kind), f"{rel}: some decoder accepts the cut file: "
              f"{decode_results(out(rel), kind)}")
        notes[rel] = f"first {cut} of {len(data)} bytes" + ("" if header_ok else ", header lost")

        # Bytes flipped inside the compressed data; the header is untouched.
        if "flip" not in what and "flip-raw" not in what:
            continue
        rel = f"damaged/bitflip_{stem}.{ext}"
        decodes = "flip-raw" in what
        damaged, how = corrupt(data, kind, source, uncompressed=decodes)
        write(rel, damaged)
        entry = Entry(rel, src.format, src.width, src.height, src.frames_total, src.primary, decodes=decodes)
        if kind in XML_KINDS:
            entry.header_ok = False
            entry.width = entry.height = entry.frames_total = None
        add(entry)
        if decodes:
            expect_decodes(out(rel), kind)
        else:
            check(expect_fails(out(rel), kind), f"{rel}: some decoder accepts it")
        notes[rel] = how
        start, end = payload_range(data, kind, source)
        changed = [i for i in range(len(data)) if damaged[i] != data[i]]
        check(changed and start <= changed[0] and changed[-1] < end, f"{rel}: damage outside the payload")

    # What the probe reads must still be there in the damaged files (Pillow reads headers lazily).
    for e in ENTRIES:
        if e.path.startswith("damaged/") and e.header_ok and e.format == "ico":
            with open(out(e.path), "rb") as f:  # Image.open() would decode the largest entry
                sizes = IcoImagePlugin.IcoFile(f).sizes()
            check(max(sizes) == (e.width, e.height), f"{e.path}: Pillow's ICO directory says {sizes}")
        elif e.path.startswith("damaged/") and e.header_ok and e.format in ("bmp", "jpeg", "png", "gif",
                                                                            "tiff"):
            with Image.open(out(e.path)) as im:
                check(im.size == (e.width, e.height), f"{e.path}: Pillow header says {im.size}")
        elif e.path.startswith("damaged/") and not e.header_ok and e.format in ("bmp", "jpeg", "png", "gif",
                                                                                "tiff"):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    with Image.open(out(e.path)) as im:
                        fail(f"{e.path}: the header was meant to be lost, Pillow reads {im.size}")
            except (OSError, SyntaxError, ValueError, struct.error):
                pass
    return notes


# ---------------------------------------------------------------------------------------------------
# Group 5: unsupported formats (unsupported/)

def minimal_pdf() -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R >>"]
    stream = b"0.2 0.4 0.8 rg 20 20 260 260 re f 0.9 0.6 0.1 rg 80 80 140 140 re f"
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        pdf += b"%010d 00000 n \n" % off
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def make_unsupported():
    small = photo(128, 96, seed=81)
    small.save(tmp("small.png"))
    run([CONVERT, tmp("small.png"), *MAGICK_STRIP, "-quality", "40", out("unsupported/jpeg2000.jp2")])
    check(read("unsupported/jpeg2000.jp2")[:12] == b"\0\0\0\x0cjP  \r\n\x87\n", "jp2 signature")
    run([CONVERT, tmp("small.png"), *MAGICK_STRIP, "-quality", "40", out("unsupported/jpeg2000.j2k")])
    check(read("unsupported/jpeg2000.j2k")[:4] == b"\xff\x4f\xff\x51", "j2k signature")
    for rel in ("unsupported/jpeg2000.jp2", "unsupported/jpeg2000.j2k"):
        check(identify(out(rel)) == [[128, 96, 128, 96]], rel + " dims")
        add(Entry(rel, None, unsupported="jpeg2000"))

    write("unsupported/document.pdf", minimal_pdf())
    check(read("unsupported/document.pdf").startswith(b"%PDF-"), "pdf")
    add(Entry("unsupported/document.pdf", None, unsupported="pdf"))

    # JPEG XL: the container signature box, ftyp "jxl ", and a jxlc box holding a codestream header
    # (FF 0A, then a 128x96 size header) padded past 256 bytes. No JPEG XL encoder on Debian 12.
    codestream = b"\xff\x0a" + bytes([0xF9, 0x0B, 0x00]) + bytes(300)
    jxl = (b"\0\0\0\x0cJXL \r\n\x87\n" + struct.pack(">I", 20) + b"ftypjxl \0\0\0\0jxl " +
           struct.pack(">I", 8 + len(codestream)) + b"jxlc" + codestream)
    write("unsupported/jpeg_xl.jxl", jxl)
    add(Entry("unsupported/jpeg_xl.jxl", None, unsupported="jpeg_xl"))
    for e in ENTRIES:
        if e.path.startswith("unsupported/"):
            check(len(read(e.path)) >= 256, e.path + " is shorter than strict's R2 minimum")


# ---------------------------------------------------------------------------------------------------
# Group 6: hostile input (hostile/): bombs, loops, lies, external references, polyglots, bare magic.
# Every file is written byte by byte here (tools refuse to write most of them); header facts are read back
# with Pillow, webpmux/webpinfo, heif-info or xmllint where those tools can read the file at all.

def riff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")


def webp_file(*chunks: bytes) -> bytes:
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def webp_vp8x(w: int, h: int, flags: int) -> bytes:
    return riff_chunk(b"VP8X", bytes([flags, 0, 0, 0]) + (w - 1).to_bytes(3, "little") +
                      (h - 1).to_bytes(3, "little"))


def webp_anmf(x: int, y: int, w: int, h: int, bitstream_chunk: bytes) -> bytes:
    """An ANMF chunk: offsets are stored halved; duration 100 ms, no blending, no disposal."""
    return riff_chunk(b"ANMF", (x // 2).to_bytes(3, "little") + (y // 2).to_bytes(3, "little") +
                      (w - 1).to_bytes(3, "little") + (h - 1).to_bytes(3, "little") +
                      (100).to_bytes(3, "little") + b"\x02" + bitstream_chunk)


def webp_still(img: Image.Image, name: str, lossless=False) -> bytes:
    img.save(tmp(name + ".png"))
    run(["cwebp", "-quiet", *(["-lossless"] if lossless else ["-q", "50"]), "-metadata", "none",
         tmp(name + ".png"), "-o", tmp(name + ".webp")])
    with open(tmp(name + ".webp"), "rb") as f:
        return f.read()


def gif_lzw_constant(pixels: int, min_code_size: int = 8) -> bytes:
    """LZW data for `pixels` pixels of colour 0, as long runs as the code table allows, never cleared once
    full (a "deferred clear": 3839 pixels per 12-bit code). The code width of each code is the one the
    decoder reads it with: it widens once the decoder's next free entry needs another bit."""
    clear, eoi = 1 << min_code_size, (1 << min_code_size) + 1
    codes, left, run_len = [clear], pixels, 1
    while left:
        n = min(run_len, left)
        codes.append(0 if n == 1 else clear + n)  # entry clear+n (n >= 2) holds n zeros
        left -= n
        if run_len < 4095 - clear:  # the table's last entry, 4095, holds 4095 - clear pixels
            run_len += 1
    codes.append(eoi)
    out_bits, nbits, acc, decoder_next = bytearray(), 0, 0, eoi + 1
    for i, code in enumerate(codes):
        width = min(12, max(min_code_size + 1, decoder_next.bit_length()))
        acc |= code << nbits
        nbits += width
        while nbits >= 8:
            out_bits.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
        if i >= 2 and code != eoi:  # the decoder adds an entry for every code after the first
            decoder_next = min(decoder_next + 1, 4096)
    if nbits:
        out_bits.append(acc & 0xFF)
    return bytes(out_bits)


def gif_sub_blocks(data: bytes) -> bytes:
    return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255)) + b"\0"


GIF_1PX_LZW = bytes([2]) + gif_sub_blocks(bytes([0x44, 0x01]))  # code size 2: clear, 0, end


def gif_file(screen_w: int, screen_h: int, frames: bytes, extra: bytes = b"") -> bytes:
    """GIF89a with a 4-colour global palette (black, white, red, blue)."""
    return (b"GIF89a" + struct.pack("<HHBBB", screen_w, screen_h, 0x81, 0, 0) +
            bytes([0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255]) + frames + b";" + extra)


def gif_frame(w: int, h: int, lzw: bytes, x: int = 0, y: int = 0) -> bytes:
    return b"," + struct.pack("<HHHHB", x, y, w, h, 0) + lzw


TIFF_TYPES = {1: "B", 2: "B", 3: "H", 4: "I", 5: "I", 10: "i"}  # RATIONAL, SRATIONAL: flattened pairs


def tiff_file(ifds: List[dict], blobs: List[bytes], links: List[int], big_endian=False) -> bytes:
    """A TIFF whose IFDs (tag -> (type, [values]), values "@k" standing for the offset of blobs[k]) are
    laid out after the blobs; links[i] is the index of the IFD that IFD i points to next (-1: none)."""
    e = ">" if big_endian else "<"
    head = (b"MM\0*" if big_endian else b"II*\0")
    pos = 8
    blob_at = []
    body = bytearray()
    for blob in blobs:
        blob_at.append(pos + len(body))
        body += blob + (b"\0" if len(blob) % 2 else b"")
    ifd_at, sizes = [], []
    cursor = pos + len(body)
    for ifd in ifds:  # each IFD, then its out-of-line values
        ifd_at.append(cursor)
        extra = sum(len(v[1]) * struct.calcsize(e + TIFF_TYPES[v[0]]) for v in ifd.values()
                    if len(v[1]) * struct.calcsize(e + TIFF_TYPES[v[0]]) > 4)
        sizes.append(2 + 12 * len(ifd) + 4 + extra + extra % 2)
        cursor += sizes[-1]
    for i, ifd in enumerate(ifds):
        entries, outside = bytearray(struct.pack(e + "H", len(ifd))), bytearray()
        outside_at = ifd_at[i] + 2 + 12 * len(ifd) + 4
        for tag in sorted(ifd):
            kind, values = ifd[tag]
            values = [blob_at[int(v[1:])] if isinstance(v, str) else v for v in values]
            raw = struct.pack(e + TIFF_TYPES[kind] * len(values), *values)
            count = len(values) // 2 if kind in (5, 10) else len(values)
            if len(raw) <= 4:
                entries += struct.pack(e + "HHI", tag, kind, count) + raw.ljust(4, b"\0")
            else:
                entries += struct.pack(e + "HHII", tag, kind, count, outside_at + len(outside))
                outside += raw
        nxt = ifd_at[links[i]] if links[i] >= 0 else 0
        body += entries + struct.pack(e + "I", nxt) + outside + (b"\0" if len(outside) % 2 else b"")
    return head + struct.pack(e + "I", ifd_at[0]) + bytes(body)


def tiff_grey_ifd(w: int, h: int, strip_blob: int, strip_bytes: int, compression=8, extra=None) -> dict:
    ifd = {256: (4, [w]), 257: (4, [h]), 258: (3, [8]), 259: (3, [compression]), 262: (3, [1]),
           273: (4, [f"@{strip_blob}"]), 277: (3, [1]), 278: (4, [h]), 279: (4, [strip_bytes]),
           284: (3, [1])}
    ifd.update(extra or {})
    return ifd


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_sof(marker: int, w: int, h: int, components) -> bytes:
    """components: (id, sampling byte, quant table) tuples."""
    return jpeg_segment(marker, struct.pack(">BHHB", 8, h, w, len(components)) +
                        b"".join(bytes(c) for c in components))


def tiny_jpeg(w: int, h: int, seed: int, quality=40) -> bytes:
    buf = io.BytesIO()
    photo(w, h, seed=seed).save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def patch_sof(jpeg: bytes, w: int, h: int) -> bytes:
    pos = re.search(rb"\xff[\xc0\xc2]", jpeg).start()
    return jpeg[:pos + 5] + struct.pack(">HH", h, w) + jpeg[pos + 9:]


def patch_ispe(data: bytes, w: int, h: int) -> bytes:
    """Every ispe box (heif-enc gives a small image a coded item and a derived one) declares w x h."""
    buf = bytearray(data)
    for m in re.finditer(b"ispe", data):
        buf[m.start() + 8:m.start() + 16] = struct.pack(">II", w, h)
    return bytes(buf)


def ico_file(entries) -> bytes:
    """entries: (directory width byte, directory height byte, blob)."""
    offset = 6 + 16 * len(entries)
    directory = struct.pack("<HHH", 0, 1, len(entries))
    for dw, dh, blob in entries:
        directory += struct.pack("<BBBBHHII", dw, dh, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    return directory + b"".join(blob for _, _, blob in entries)


def header_size(path: str) -> tuple:
    """Pillow's reading of the header (never decodes: MAX_IMAGE_PIXELS off while it looks)."""
    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as im:
                return im.size
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def padded(data: bytes, size: int = 256) -> bytes:
    return data + bytes(max(0, size - len(data)))


SVG_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def svg_doc(body: str, w: int = 256, h: int = 256, prolog: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + prolog +
            f'<svg {SVG_NS} width="{w}" height="{h}">\n'
            f'  <rect width="{w}" height="{h}" fill="#3a7bd5"/>\n{body}</svg>\n').encode()


def svg_external(url: str) -> str:
    """Every way an SVG can point outside itself that librsvg knows: image, use, feImage, CSS url() and
    @import, an xml-stylesheet, XInclude."""
    return (f'  <image x="0" y="0" width="128" height="128" href="{url}"/>\n'
            f'  <image x="128" y="0" width="128" height="128" xlink:href="{url}"/>\n'
            f'  <use href="{url}#shape"/>\n'
            f'  <filter id="f"><feImage href="{url}"/></filter>\n'
            f'  <rect x="0" y="128" width="128" height="128" filter="url(#f)"/>\n'
            f'  <style>@import url("{url}.css"); rect.bg {{ fill: url("{url}#paint") }}</style>\n'
            f'  <rect class="bg" x="128" y="128" width="128" height="128"/>\n'
            f'  <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}" parse="text"/>\n')


def make_hostile():
    notes = {}

    def put(rel: str, data: bytes, entry: Entry, note: str = "") -> Entry:
        write(rel, data)
        add(entry)
        if note:
            notes[rel] = note
        return entry

    Image.MAX_IMAGE_PIXELS = None
    # --- Decompression bombs: huge declared dimensions, tiny data. R7 from the header alone.
    big = 65535
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", big, big, 8, 0, 0, 0, 0))
    idat = png_chunk(b"IDAT", zlib.compress((b"\0" + b"\0" * big) * 8, 9))  # 8 of 65535 rows
    rel = "hostile/bomb_png_65535x65535.png"
    put(rel, PNG_SIGNATURE + ihdr + idat + png_chunk(b"IEND", b""), Entry(rel, "png", big, big, 1))
    check(header_size(out(rel)) == (big, big), rel)
    top = 2 ** 31 - 1  # the largest width and height PNG allows
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", top, top, 1, 0, 0, 0, 0))
    rel = "hostile/bomb_png_2147483647x2147483647.png"
    put(rel, padded_png(PNG_SIGNATURE + ihdr + png_chunk(b"IDAT", zlib.compress(b"\0" * 64, 9)) +
                        png_chunk(b"IEND", b""), 300), Entry(rel, "png", top, top, 1))
    check(header_size(out(rel)) == (top, top), rel)

    rel = "hostile/bomb_gif_65535x65535.gif"
    put(rel, gif_file(big, big, gif_frame(big, big, bytes([2]) + gif_sub_blocks(bytes([0x44, 0x01]))),
                      extra=bytes(300)), Entry(rel, "gif", big, big, 1))
    check(header_size(out(rel)) == (big, big), rel)

    lossy = webp_still(photo(16, 16, seed=901), "bomb_vp8")
    check(lossy[12:16] == b"VP8 " and lossy[23:26] == b"\x9d\x01\x2a", "cwebp: VP8 layout")
    vp8 = bytearray(lossy)
    vp8[26:30] = struct.pack("<HH", 16383, 16383)  # 14-bit sizes, scale 0: the largest VP8 can declare
    rel = "hostile/bomb_webp_vp8_16383x16383.webp"
    size = struct.unpack("<I", vp8[16:20])[0]  # the VP8 chunk grown past strict's 256 bytes (unused tail)
    put(rel, webp_file(riff_chunk(b"VP8 ", bytes(vp8[20:20 + size]) + bytes(200))),
        Entry(rel, "webp", 16383, 16383, 1))
    lossless = webp_still(photo(16, 16, seed=902), "bomb_vp8l", lossless=True)
    check(lossless[12:16] == b"VP8L" and lossless[20] == 0x2F, "cwebp: VP8L layout")
    vp8l = bytearray(lossless)
    bits = struct.unpack("<I", vp8l[21:25])[0]
    vp8l[21:25] = struct.pack("<I", (bits & ~0x0FFFFFFF) | 16383 | (16383 << 14))  # 16384 x 16384
    rel = "hostile/bomb_webp_vp8l_16384x16384.webp"
    put(rel, bytes(vp8l), Entry(rel, "webp", 16384, 16384, 1))
    for rel, size in (("hostile/bomb_webp_vp8_16383x16383.webp", 16383),
                      ("hostile/bomb_webp_vp8l_16384x16384.webp", 16384)):
        info = run(["webpinfo", out(rel)], check=False).stdout.decode()
        check(f"Width: {size}\n" in info and f"Height: {size}\n" in info, f"{rel}: webpinfo {info[:300]}")
    one = webp_still(photo(2, 2, seed=903), "bomb_frame")
    rel = "hostile/bomb_webp_vp8x_canvas_65535x65535.webp"
    put(rel, webp_file(webp_vp8x(big, big, 0x02), riff_chunk(b"ANIM", struct.pack("<IH", 0xFFFFFFFF, 0)),
                       webp_anmf(0, 0, 2, 2, one[12:]), riff_chunk(b"ZPAD", bytes(200))),  # unknown: ignored
        Entry(rel, "webp", big, big, 1))
    check(f"Canvas size: {big} x {big}" in run(["webpmux", "-info", out(rel)], check=False).stdout.decode() or
          f"Canvas: {big} x {big}" in run(["webpinfo", out(rel)], check=False).stdout.decode(), rel)

    run(["heif-enc", "-q", "30", "--no-alpha", tmp("bomb_vp8.png"), "-o", tmp("small.heic")])
    with open(tmp("small.heic"), "rb") as f:
        heic = f.read()
    for side in (20000, big):
        rel = f"hostile/bomb_heic_{side}x{side}.heic"
        put(rel, patch_ispe(heic, side, side), Entry(rel, "heic", side, side, 1))
    check(heif_images(out("hostile/bomb_heic_20000x20000.heic")) == [(20000, 20000, True)], "heic bomb ispe")
    run(["avifenc", "-j", "1", "-s", "10", tmp("bomb_vp8.png"), "-o", tmp("small.avif")])
    with open(tmp("small.avif"), "rb") as f:
        avif = zero_bmff_times(f.read())
    for side in (20000, big):  # libavif 0.11 parses no image over 16384 a side or 16384² pixels: no size
        rel = f"hostile/bomb_avif_{side}x{side}.avif"
        put(rel, patch_ispe(avif, side, side), Entry(rel, "avif", side, side, 1, header_ok=False))

    strip = zlib.compress(b"\0" * big * 4, 9)  # 4 rows of 65535
    rel = "hostile/bomb_tiff_65535x65535.tif"
    put(rel, tiff_file([tiff_grey_ifd(big, big, 0, len(strip))], [strip], [-1]), Entry(rel, "tiff", big, big, 1))
    check(header_size(out(rel)) == (big, big), rel)
    rel = "hostile/bomb_tiff_4294967295x4294967295_mm.tif"
    top32 = 2 ** 32 - 1
    put(rel, tiff_file([tiff_grey_ifd(top32, top32, 0, len(strip))], [strip], [-1], big_endian=True),
        Entry(rel, "tiff", top32, top32, 1, header_ok=False))  # libtiff's directory read overflows: no size
    # The tags of formats/raw_dng.dng (dng_bytes()), for a 65000 x 65000 CFA image with one short strip.
    matrix = [3.2406, -1.5372, -0.4986, -0.9689, 1.8758, 0.0415, 0.0557, -0.2040, 1.0570]
    dng_tags = {254: (4, [0]), 258: (3, [16]), 259: (3, [1]), 262: (3, [32803]), 271: (2, list(b"Preflight\0")),
                272: (2, list(b"Corpus DNG\0")), 274: (3, [1]), 33421: (3, [2, 2]), 33422: (1, [0, 1, 1, 2]),
                50706: (1, [1, 4, 0, 0]), 50707: (1, [1, 1, 0, 0]), 50708: (2, list(b"Preflight Corpus DNG\0")),
                50714: (4, [0]), 50717: (4, [65535]),
                50721: (10, [v for m in matrix for v in (round(m * 10000), 10000)]),
                50728: (5, [1, 1, 1, 1, 1, 1]), 50778: (3, [21])}
    for side in (64000, 65000):  # LibRaw refuses a raw width or height over 64000
        rel = f"hostile/bomb_dng_{side}x{side}.dng"
        put(rel, tiff_file([tiff_grey_ifd(side, side, 0, side * 2, extra=dng_tags)], [bytes(512)], [-1]),
            Entry(rel, "raw", side, side, 1, header_ok=side <= 64000))
    check(b"64000 x 64000" in run(["raw-identify", "-v", out("hostile/bomb_dng_64000x64000.dng")]).stdout
          if have("raw-identify") else True, "LibRaw does not read the 64000 DNG bomb")

    base_jpeg = tiny_jpeg(16, 16, seed=904)
    for side in (65500, big):  # libjpeg refuses more than 65500 (JPEG_MAX_DIMENSION); the header holds 65535
        rel = f"hostile/bomb_jpeg_{side}x{side}.jpg"
        put(rel, patch_sof(base_jpeg, side, side), Entry(rel, "jpeg", side, side, 1, header_ok=side <= 65500))
        check(header_size(out(rel)) == (side, side), rel)

    rel = "hostile/bomb_bmp_rle8_65535x65535.bmp"
    palette = b"".join(bytes([i, i, i, 0]) for i in range(256))
    pixels = b"\x00\x01"  # end of bitmap
    dib = struct.pack("<IiiHHIIiiII", 40, big, big, 1, 8, 1, len(pixels), 2835, 2835, 256, 0)
    bmp = b"BM" + struct.pack("<IHHI", 14 + 40 + 1024 + 2, 0, 0, 14 + 40 + 1024) + dib + palette + pixels
    put(rel, bmp, Entry(rel, "bmp", big, big, 1))
    check(header_size(out(rel)) == (big, big), rel)

    jdat = tiny_jpeg(16, 16, seed=905)
    rel = "hostile/bomb_jng_65535x65535.jng"
    jhdr = png_chunk(b"JHDR", struct.pack(">IIBBBBBBBB", big, big, 10, 8, 8, 0, 0, 0, 0, 0))
    put(rel, b"\x8bJNG\r\n\x1a\n" + jhdr + png_chunk(b"JDAT", jdat) + png_chunk(b"IEND", b""),
        Entry(rel, "jng", big, big, 1))

    rel = "hostile/bomb_svg_100000x100000.svg"
    put(rel, svg_doc('  <circle cx="50000" cy="50000" r="40000" fill="#f4a259"/>\n', 100000, 100000),
        Entry(rel, "svg", 100000, 100000, 1))

    # --- In-limit bombs: 9999 x 9999 from a few KB; decoded, with bounded memory, and accepted.
    side = 9999
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))  # 1-bit: 12.5 MB inflated
    zero_rows = zlib.compressobj(9)
    idat = zero_rows.compress((b"\0" * (1 + (side + 7) // 8)) * side) + zero_rows.flush()
    rel = "hostile/inlimit_png_9999x9999_zeros.png"
    put(rel, PNG_SIGNATURE + ihdr + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""),
        Entry(rel, "png", side, side, 1))
    rel = "hostile/inlimit_gif_9999x9999_lzw.gif"
    put(rel, gif_file(side, side, gif_frame(side, side, bytes([8]) + gif_sub_blocks(gif_lzw_constant(side * side)))),
        Entry(rel, "gif", side, side, 1))
    rel = "hostile/inlimit_tiff_9999x9999_one_strip.tif"  # 1-bit (12.5 MB inflated: 8-bit costs 0.4 s)
    strip = zlib.compress(b"\0" * ((side + 7) // 8) * side, 9)
    put(rel, tiff_file([tiff_grey_ifd(side, side, 0, len(strip), extra={258: (3, [1])})], [strip], [-1]),
        Entry(rel, "tiff", side, side, 1))
    for rel in ("hostile/inlimit_png_9999x9999_zeros.png", "hostile/inlimit_gif_9999x9999_lzw.gif",
                "hostile/inlimit_tiff_9999x9999_one_strip.tif"):
        with Image.open(out(rel)) as im:
            im.load()
            check(im.size == (side, side) and im.getextrema() in ((0, 0), 0), f"{rel}: Pillow {im.getextrema()}")
    rel = "hostile/inlimit_svg_9999x9999.svg"
    put(rel, svg_doc('  <circle cx="5000" cy="5000" r="4000" fill="#f4a259"/>\n', side, side),
        Entry(rel, "svg", side, side, 1))

    # --- A gzip SVG bomb: a 256 MiB attribute value inside a 256x256 document, 250 KB on disk. libxml2
    # stops at 10 MB (XML_MAX_TEXT_LENGTH); a 256 MiB comment instead parses to the end (twice: probe and
    # decode), 2.4 s, so it is not kept here.
    rel = "hostile/svgz_bomb_256MiB.svgz"
    head = svg_doc('  <rect width="1" height="1" class="')[:-7].decode()
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    gz = bytearray(z.compress(head.encode()))
    chunk = b"A" * (1 << 20)
    for _ in range(256):
        gz += z.compress(chunk)
    gz += z.compress(b'"/>\n</svg>\n') + z.flush()
    gz[4:8] = b"\0\0\0\0"  # mtime 0
    put(rel, bytes(gz), Entry(rel, "svg", header_ok=False, decodes=False))
    check(len(gzip.decompress(bytes(gz))) > 256 << 20, rel)

    # --- Billion laughs.
    lol = "".join(f'  <!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">\n' for i in range(1, 10))
    prolog = '<!DOCTYPE svg [\n  <!ENTITY lol0 "lol">\n' + lol + "]>\n"
    rel = "hostile/svg_billion_laughs.svg"
    put(rel, svg_doc("  <text x=\"10\" y=\"20\">&lol9;</text>\n", prolog=prolog),
        Entry(rel, "svg", header_ok=False, decodes=False))  # libxml2: entity amplification

    # --- External references: nothing may be fetched or read; the rest of the document renders.
    externals = {
        "svg_external_http.svg": "http://127.0.0.1:9/hostile.png",
        "svg_external_https.svg": "https://preflight-hostile.invalid/hostile.png",
        "svg_external_file_absolute.svg": "file:///etc/passwd",
        "svg_external_file_relative.svg": "../../../../../../etc/passwd",
    }
    for name, url in externals.items():
        put("hostile/" + name, svg_doc(svg_external(url)), Entry("hostile/" + name, "svg", 256, 256, 1))
    xxe = ('<!DOCTYPE svg [\n  <!ENTITY passwd SYSTEM "file:///etc/passwd">\n'
           '  <!ENTITY remote SYSTEM "http://127.0.0.1:9/entity.xml">\n]>\n')
    rel = "hostile/svg_external_entity_xxe.svg"
    put(rel, svg_doc('  <text x="10" y="20">&passwd;</text>\n  <text x="10" y="40">&remote;</text>\n',
                     prolog=xxe), Entry(rel, "svg", header_ok=False, decodes=False))  # entities never loaded
    inner = svg_doc(svg_external("file:///etc/passwd") + svg_external("http://127.0.0.1:9/inner.png"), 64, 64)
    data_url = "data:image/svg+xml;base64," + base64.b64encode(inner).decode()
    rel = "hostile/svg_external_nested_data.svg"
    put(rel, svg_doc(f'  <image width="256" height="256" href="{data_url}"/>\n'), Entry(rel, "svg", 256, 256, 1))

    # --- A GIF with 100,000 one-pixel frames on a 256x256 screen (the most any decoder limit allows).
    rel = "hostile/gif_100000_frames.gif"
    put(rel, gif_file(256, 256, gif_frame(1, 1, GIF_1PX_LZW) * 100000), Entry(rel, "gif", 256, 256, 100000))
    with Image.open(out(rel)) as im:  # Pillow walks all of them in a few seconds
        check(im.n_frames == 100000, f"{rel}: Pillow counts {im.n_frames} frames")
        for i in (0, 5, 99999):
            im.seek(i)
            im.load()

    # --- Animated WebP whose frames lie outside the canvas.
    still = webp_still(photo(256, 256, seed=906, noise=0), "anim_frame")[12:]
    anim = riff_chunk(b"ANIM", struct.pack("<IH", 0xFFFFFFFF, 0))
    rel = "hostile/webp_anim_frame0_exceeds_canvas.webp"
    put(rel, webp_file(webp_vp8x(256, 256, 0x02), anim, webp_anmf(128, 128, 256, 256, still),
                       webp_anmf(0, 0, 256, 256, still)), Entry(rel, "webp", header_ok=False, decodes=False))
    rel = "hostile/webp_anim_frame1_exceeds_canvas.webp"
    put(rel, webp_file(webp_vp8x(256, 256, 0x02), anim, webp_anmf(0, 0, 256, 256, still),
                       webp_anmf(128, 128, 256, 256, still)), Entry(rel, "webp", header_ok=False, decodes=False))
    rel = "hostile/webp_anim_frame_larger_than_canvas.webp"
    put(rel, webp_file(webp_vp8x(200, 200, 0x02), anim, webp_anmf(0, 0, 256, 256, still)),
        Entry(rel, "webp", header_ok=False, decodes=False))
    for rel in ("hostile/webp_anim_frame0_exceeds_canvas.webp", "hostile/webp_anim_frame1_exceeds_canvas.webp",
                "hostile/webp_anim_frame_larger_than_canvas.webp"):
        check(not decode_results(out(rel), "webp")[0][1], f"{rel}: Pillow (WebPAnimDecoder) accepts it")

    # --- ICO directories lying about their entries (0 in the directory means 256). A PNG entry's size is
    # its IHDR's; a BMP entry's is the directory's capped by its BITMAPINFOHEADER, except that a 0 becomes
    # 256 after the cap (ImageMagick's icon.c): the directory's 256 over a 48x48 bitmap is read as 256x256
    # and runs out of pixel data.
    png256 = flat_png(256, 256)
    lies = [
        ("ico_dir16_png256.ico", [(16, 16, png256)], 256, 256, True),
        ("ico_dir0_png48.ico", [(0, 0, flat_png(48, 48))], 48, 48, True),
        ("ico_dir0_png256_truthful.ico", [(0, 0, png256)], 256, 256, True),
        ("ico_dir16_bmp64.ico", [(16, 16, ico_bmp_entry(photo(64, 64, seed=907)))], 16, 16, True),
        ("ico_dir256_bmp48.ico", [(0, 0, ico_bmp_entry(photo(48, 48, seed=908)))], 256, 256, False),
        ("ico_dir48_png65535.ico", [(48, 48, PNG_SIGNATURE + png_chunk(b"IHDR", struct.pack(
            ">IIBBBBB", big, big, 1, 0, 0, 0, 0)) + png_chunk(b"IDAT", zlib.compress(b"\0" * 64, 9)) +
            png_chunk(b"IEND", b""))], big, big, True),
    ]
    for name, entries, w, h, decodes in lies:
        put("hostile/" + name, padded(ico_file(entries), 300),  # zeros after the entries: strict's R2 passes
            Entry("hostile/" + name, "ico", w, h, 1, decodes=decodes))
    for name, w in (("ico_dir16_png256.ico", 256), ("ico_dir0_png48.ico", 48), ("ico_dir16_bmp64.ico", 16)):
        check([d[2:] for d in identify(out("hostile/" + name))] == [[w, w]], f"{name}: ImageMagick's size")

    # --- TIFF IFD loops: IFD0 -> IFD1 -> IFD0, and IFD0 -> IFD0. The first page is valid.
    page0 = zlib.compress(bytes(range(256)) * 256, 9)
    page1 = zlib.compress(b"\x80" * 64 * 64, 9)
    ifd0 = tiff_grey_ifd(256, 256, 0, len(page0))
    ifd1 = tiff_grey_ifd(64, 64, 1, len(page1))
    rel = "hostile/tiff_ifd_loop_0_1_0.tif"
    put(rel, tiff_file([ifd0, ifd1], [page0, page1], [1, 0]), Entry(rel, "tiff", 256, 256, 2, decodes=False))
    rel = "hostile/tiff_ifd_loop_self.tif"
    put(rel, tiff_file([ifd0], [page0], [0]), Entry(rel, "tiff", 256, 256, 1, decodes=False))
    for rel in ("hostile/tiff_ifd_loop_0_1_0.tif", "hostile/tiff_ifd_loop_self.tif"):
        check(header_size(out(rel)) == (256, 256), rel)

    # --- A JPEG with 65,000 empty marker segments (COM and APP0..APP15 in turn) before its SOF.
    good = tiny_jpeg(W, H, seed=909, quality=30)
    markers = b"".join(bytes([0xFF, 0xFE if i % 17 == 16 else 0xE0 + i % 17, 0, 2]) for i in range(65000))
    rel = "hostile/jpeg_65000_markers.jpg"
    put(rel, good[:2] + markers + good[2:], Entry(rel, "jpeg", W, H, 1))
    check(header_size(out(rel)) == (W, H), rel)

    # --- GIF/JavaScript polyglot: "GIF89a/*" makes the screen width 0x2A2F = 10799.
    js = b"*/=1;alert(document.domain);//"
    body = gif_file(0x2A2F, 256, gif_frame(1, 1, GIF_1PX_LZW))
    check(b"*/" not in body[6:], "polyglot: comment closed early")
    rel = "hostile/polyglot_gif_js.gif"
    put(rel, body + js + b" " * 200, Entry(rel, "gif", 10799, 256, 1))
    check(body.startswith(b"GIF89a/*") and header_size(out(rel)) == (10799, 256), rel)

    # --- 0 and 1 byte files; every format's bare magic, exactly and padded with zeros to 256 bytes.
    put("hostile/empty_0_bytes.png", b"", Entry("hostile/empty_0_bytes.png", None))
    put("hostile/one_byte.jpg", b"\xff", Entry("hostile/one_byte.jpg", "jpeg", header_ok=False, decodes=False))
    magics = [
        ("png", "png", PNG_SIGNATURE, None), ("jpeg", "jpg", b"\xff\xd8\xff", None),
        ("gif87a", "gif", b"GIF87a", None), ("gif89a", "gif", b"GIF89a", None),
        ("webp", "webp", b"RIFF\x04\0\0\0WEBP", None), ("bmp", "bmp", b"BM", "unknown"),
        ("ico", "ico", b"\0\0\1\0", None), ("tiff_ii", "tif", b"II*\0", None), ("tiff_mm", "tif", b"MM\0*", None),
        ("heic", "heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", None),
        ("avif", "avif", b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf", None),
        ("svg", "svg", b"<svg", None), ("svgz", "svgz", b"\x1f\x8b\x08", "gzip"),
        ("jng", "jng", b"\x8bJNG\r\n\x1a\n", None),
    ]
    fmt_of = {"jpg": "jpeg", "tif": "tiff", "svgz": "svg"}
    for name, ext, magic, unsupported in magics:
        fmt = fmt_of.get(ext, ext)
        for suffix, data in (("", magic), ("_padded", padded(magic))):
            rel = f"hostile/magic_{name}{suffix}.{ext}"
            if name == "webp" and suffix:
                data = b"RIFF" + struct.pack("<I", 248) + data[8:]  # the RIFF size covers the padding
            entry = Entry(rel, None if unsupported else fmt, header_ok=False, decodes=False,
                          unsupported=unsupported if suffix else None)
            if name == "gif87a" or name == "gif89a":
                if suffix:  # the zeros are a 0x0 screen without a colour table, then no frame
                    entry = Entry(rel, "gif", 0, 0, 0, decodes=False)
            put(rel, data, entry)

    Image.MAX_IMAGE_PIXELS = 89478485
    total = sum(len(read(e.path)) for e in ENTRIES if e.path.startswith("hostile/"))
    check(total < 3_300_000, f"hostile/ holds {total} bytes")
    return notes


# ---------------------------------------------------------------------------------------------------

def wipe():
    os.makedirs(CORPUS, exist_ok=True)
    for name in os.listdir(CORPUS):
        if name == "README.md":
            continue
        path = os.path.join(CORPUS, name)
        shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)


def verify_valid_files():
    """Every file expected to decode does, with every installed decoder. ImageMagick starts slowly, so it
    gets all of them in one call (and one call per file only to name the culprit)."""
    magick_kinds = {"bmp", "ico", "jpeg", "jng", "png", "tiff", "gif", "webp", "avif"}
    batch = []
    for e in ENTRIES:
        if e.format is None or e.path.startswith("unsupported/") or not e.header_ok or not e.decodes:
            continue
        if e.width and max(e.width, e.height) > 9999:
            continue  # never decoded (R7); the header was checked
        if e.path.startswith("hostile/") and (e.width * e.height > 89478485 or e.frames_total > 1000):
            continue  # the in-limit bombs and the 100,000-frame GIF: checked in make_hostile()
        kind = "svgz" if e.path.endswith(".svgz") else e.format
        # Pillow warns "Image was not the expected size" on the ICO entries that lie (on purpose).
        lying = e.path.startswith("hostile/ico_dir") and "truthful" not in e.path
        expect_decodes(out(e.path), kind, skip=("magick", "pillow") if lying else ("magick",))
        if kind in magick_kinds:
            batch.append(out(e.path))
    if run([CONVERT, "-regard-warnings", *batch, "null:"], check=False).returncode != 0:
        for path in batch:
            r = run([CONVERT, "-regard-warnings", path, "null:"], check=False)
            check(r.returncode == 0, f"{path}: ImageMagick could not decode it: {r.stderr[:200]}")
        fail("ImageMagick fails on the batch but on no single file")


def main():
    wipe()
    base = photo(W, H, seed=1)
    make_png_family(base)
    make_bmp(base)
    make_ico()
    make_jpeg(base)
    make_jng()
    make_tiff(base)
    make_raw()
    make_svg()
    make_gif(base)
    make_webp()
    make_heic()
    make_avif()
    make_animations()
    make_edges()
    notes = make_damaged()
    make_unsupported()
    notes.update(make_hostile())
    verify_valid_files()

    on_disk = sorted(os.path.relpath(os.path.join(d, f), CORPUS) for d, _, fs in os.walk(CORPUS) for f in fs
                     if f not in ("README.md", "expected.jsonl"))
    listed = sorted(e.path for e in ENTRIES)
    check(on_disk == listed, f"files without expectations: {set(on_disk) ^ set(listed)}")
    # `preflight check corpus/` sees the two text files too, and every input gets a record: expect them.
    text_files = [Entry("README.md", None, unsupported="text"), Entry("expected.jsonl", None, unsupported="text")]
    text_size = {"README.md": len(read("README.md")), "expected.jsonl": 1 << 16}  # far above every min_bytes
    check(text_size["README.md"] >= 256, "corpus/README.md must stay >= 256 bytes (its expectation assumes it)")

    lines = []
    for e in sorted(ENTRIES + text_files, key=lambda e: e.path):
        size = text_size.get(e.path) or len(read(e.path))
        for profile in PROFILES:
            lines.append(json.dumps(expect(e, size, profile), separators=(", ", ": ")))
    with open(os.path.join(CORPUS, "expected.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")

    total = sum(len(read(p)) for p in listed)
    print(f"corpus: {len(listed)} files, {total} bytes, {len(lines)} expectations")
    if "-v" in sys.argv:
        for e in sorted(ENTRIES, key=lambda e: e.path):
            size = len(read(e.path))
            verdicts = [expect(e, size, p) for p in PROFILES]
            summary = "  ".join(f"{v['verdict']:8} {v['code'].split('.')[-1]:24} {v['reason'] or '':28} "
                                f"{','.join(v['warnings']):15}" for v in verdicts)
            print(f"{e.path:46} {size:8}  {summary}  {notes.get(e.path, '')}")


if __name__ == "__main__":
    try:
        main()
    except CorpusError as error:
        print(f"generate_corpus: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
