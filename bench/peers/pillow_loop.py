#!/usr/bin/python3
"""Pillow's side of bench/compare.sh: Image.open, then seek to each sampled frame and load it.

Usage: pillow_loop.py SECONDS FRAMES FILE...   (FRAMES: the sampled frame indices, e.g. 0 or 0,5,10)
Prints "images/s=N failed=K/M" like the other loops; a file Pillow cannot read is printed and counted.
"""

import io
import os
import sys
import time
import warnings

try:
    from PIL import Image
except ImportError:  # a pyenv/venv python3 without Pillow: use Debian's, which has python3-pil
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", os.path.abspath(__file__), *sys.argv[1:]])
    raise


def decode(data: bytes, frames: list):
    with Image.open(io.BytesIO(data)) as im:
        for index in frames:
            im.seek(index)
            im.load()


def failure(data: bytes, frames: list):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Truncated File Read" and the like count as failures
            decode(data, frames)
        return None
    except Exception as error:  # noqa: BLE001 - any failure counts
        return repr(error)


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: pillow_loop.py SECONDS FRAMES FILE...")
    seconds, frames = float(sys.argv[1]), [int(f) for f in sys.argv[2].split(",")]
    files = []
    for path in sys.argv[3:]:
        with open(path, "rb") as f:
            files.append(f.read())
    failed = 0
    for path, data in zip(sys.argv[3:], files):
        error = failure(data, frames)
        if error:
            failed += 1
            print(f"failed: {path}: {error}", file=sys.stderr)
    decoded, start = 0, time.perf_counter()
    while decoded % len(files) or time.perf_counter() - start < seconds:
        try:
            decode(files[decoded % len(files)], frames)
        except Exception:  # noqa: BLE001 - counted in the warm-up pass
            pass
        decoded += 1
    print(f"images/s={decoded / (time.perf_counter() - start):.4g} failed={failed}/{len(files)}")


if __name__ == "__main__":
    main()
