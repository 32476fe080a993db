"""Peak memory and speed of CelebA's preprocessing, every path, scaled to all 202,599 faces.

    python benchmarks/celeba_memory.py --sizes 5000 20000
    python benchmarks/celeba_memory.py --sizes 20000 202599 --cores 2   # as on Colab's 2 vCPUs

Generates aligned-CelebA-like JPEGs (178 x 218, about CelebA's ~11 KB a file: smooth colour
fields with grain, quality 90; on all cores), writes them as the official layouts (an
``img_align_celeba/`` folder of JPEGs, and img_align_celeba.zip, each with
list_attr_celeba.txt) and as a Hugging Face-style parquet mirror (an image {bytes, path}
struct column and 40 boolean columns, 10,000 rows a file in row groups of 500), then runs
each reader in a fresh child process (pinned to ``--cores`` cores when given) and reads its
wall-clock time and peak resident memory (VmHWM, Linux). Both grow linearly with the number
of faces (the 64 x 64 output is 12,288 bytes a face), so a straight line through the
measured sizes gives the figures for all of CelebA. Nothing here needs a network or
TensorFlow. A download's time is not measured here (no network): the README says how it
was estimated.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CELEBA_FACES = 202_599
CHILD = """
import json, os, sys, time
if {cores}:
    os.sched_setaffinity(0, range({cores}))  # as few cores as the machine being imitated has
sys.path.insert(0, {root!r})
from workshop_utils import celeba_files

def high_water_mb():  # this process's own peak (ru_maxrss would include the parent's, kept over exec)
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024

before = high_water_mb()
started = time.perf_counter()
if {kind!r} == "parquet":
    images, attributes = celeba_files.read_celeba_parquet({parquet!r}, verbose=False)
else:
    images, attributes = celeba_files.read_celeba_files({images!r}, {attributes!r}, verbose=False)
seconds = time.perf_counter() - started
print(json.dumps({{"count": len(images), "peak_mb": high_water_mb(), "imports_mb": before, "seconds": seconds}}))
"""


def fake_photo(rng) -> bytes:
    """One 178 x 218 JPEG that compresses about as well as an aligned CelebA photo."""
    from PIL import Image

    coarse = rng.integers(0, 256, (7, 6, 3)).astype(np.uint8)
    smooth = np.asarray(Image.fromarray(coarse).resize((178, 218), Image.Resampling.BICUBIC), np.float32)
    grain = rng.normal(0, 6, smooth.shape)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(smooth + grain, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _photos(task):
    seed, count = task
    rng = np.random.default_rng(seed)
    return [fake_photo(rng) for _ in range(count)]


def fake_photos(count: int, seed: int = 0) -> list:
    """``count`` generated photos, made on every core in chunks of 2,000 (each chunk seeded)."""
    from concurrent.futures import ProcessPoolExecutor

    tasks = [(seed * 100_003 + start, min(2_000, count - start)) for start in range(0, count, 2_000)]
    with ProcessPoolExecutor() as pool:
        return [photo for chunk in pool.map(_photos, tasks) for photo in chunk]


def write_layouts(folder: Path, count: int, seed: int = 0):
    """The official layouts (a folder of JPEGs, a zip) and a parquet mirror of ``count`` generated photos."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from workshop_utils.celeba_files import CELEBA_ATTRIBUTES

    rng = np.random.default_rng(seed)
    names = [f"{index + 1:06d}.jpg" for index in range(count)]
    values = rng.choice([-1, 1], size=(count, len(CELEBA_ATTRIBUTES)))
    photos = fake_photos(count, seed)
    (folder / "img_align_celeba").mkdir()
    for name, photo in zip(names, photos):
        (folder / "img_align_celeba" / name).write_bytes(photo)
    with zipfile.ZipFile(folder / "img_align_celeba.zip", "w", zipfile.ZIP_STORED) as archive:
        for name, photo in zip(names, photos):
            archive.writestr(f"img_align_celeba/{name}", photo)
    lines = [str(count), " ".join(CELEBA_ATTRIBUTES)]
    lines += [name + "  " + " ".join(f"{v:2d}" for v in row) for name, row in zip(names, values)]
    (folder / "list_attr_celeba.txt").write_text("\n".join(lines) + "\n")
    paths = []
    for start in range(0, count, 10_000):
        stop = min(start + 10_000, count)
        columns = {"image": [{"bytes": photos[i], "path": names[i]} for i in range(start, stop)]}
        columns.update({name: values[start:stop, j] > 0 for j, name in enumerate(CELEBA_ATTRIBUTES)})
        paths.append(str(folder / f"train-{start // 10_000:05d}.parquet"))
        pq.write_table(pa.table(columns), paths[-1], row_group_size=500)  # small row groups, as mirrors write
    mean_kb = sum(map(len, photos)) / count / 1024
    return folder, folder / "list_attr_celeba.txt", paths, mean_kb


def measure(kind, folder, attributes, parquet, cores=0):
    images = folder / ("img_align_celeba" if kind == "folder" else "img_align_celeba.zip")
    code = CHILD.format(root=str(ROOT), kind=kind, images=str(images), attributes=str(attributes), parquet=parquet,
                        cores=cores)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 20_000],
                        help="numbers of generated faces to measure at (two or more)")
    parser.add_argument("--cores", type=int, default=0, help="pin each reader to this many cores (0: all)")
    parser.add_argument("--layouts", default="folder,zip,parquet", help="which readers to measure")
    parser.add_argument("--scratch", default=None, help="where to write the generated files (default: a temporary folder)")
    arguments = parser.parse_args()
    if len(arguments.sizes) < 2 or min(arguments.sizes) < 100:
        parser.error("give two or more sizes of at least 100 faces")
    results = {kind: [] for kind in arguments.layouts.split(",")}
    print(f"readers on {arguments.cores or os.cpu_count()} of this machine's {os.cpu_count()} cores")
    for count in sorted(arguments.sizes):
        with tempfile.TemporaryDirectory(dir=arguments.scratch) as scratch:
            made = time.perf_counter()
            folder, attributes, parquet, mean_kb = write_layouts(Path(scratch), count)
            print(f"{count:,} generated photos, {mean_kb:.1f} KB each on average "
                  f"(written in {time.perf_counter() - made:.0f} s)", flush=True)
            for kind in results:
                figures = measure(kind, folder, attributes, parquet, arguments.cores)
                results[kind].append((count, figures["peak_mb"], figures["seconds"]))
                print(f"  {kind:8s} peak RSS {figures['peak_mb']:7.0f} MB "
                      f"(after imports {figures['imports_mb']:.0f} MB), {figures['seconds']:6.1f} s, "
                      f"{count / figures['seconds']:,.0f} faces/s", flush=True)
    print(f"Scaled to all {CELEBA_FACES:,} faces (a straight line through the measured points):")
    for kind, points in results.items():
        counts, peaks, seconds = np.array(points, dtype=float).T
        slope, intercept = np.polyfit(counts, peaks, 1)
        time_slope, time_intercept = np.polyfit(counts, seconds, 1)
        print(f"  {kind:8s} {intercept + slope * CELEBA_FACES:7.0f} MB "
              f"({slope * 1024:.1f} KB per face; the 64 x 64 output alone is 12.0 KB per face), "
              f"{time_intercept + time_slope * CELEBA_FACES:5.0f} s ({time_slope * 1e6:.0f} us per face)")


if __name__ == "__main__":
    main()
