"""How long a *cached* CelebA load takes when ``WORKSHOP_DATA_DIR`` names a folder of 202,599 JPEGs.

    python benchmarks/offline_folder.py                       # 202,599 files, the Kaggle layout
    python benchmarks/offline_folder.py --count 20000 --layout official

Writes an offline folder as a learner would place it (``--layout kaggle``:
``img_align_celeba/img_align_celeba/*.jpg`` beside ``list_attr_celeba.csv``; ``official``:
``img_align_celeba/*.jpg`` beside ``list_attr_celeba.txt``; each JPEG the same small file, as
only names are read here), and a valid preprocessed cache of it in ``WORKSHOP_CACHE_DIR``,
as the first run of notebook 04 leaves. Then it times what every later run does before
training: ``load_celeba()``, which finds CelebA's files in the folder, checks that the cache
was built from them, and memory-maps it. It reports the seconds (three runs, the first one
after the folder was written, so the file system's metadata is warm: a Drive folder is slower
still) and how many directory entries were listed, the cost that grows with a slow folder
(each entry a round trip on a network file system such as Google Drive's).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CELEBA_FACES = 202_599


def write_folder(folder: Path, count: int, layout: str) -> Path:
    """An offline CelebA folder of ``count`` (identical, tiny) JPEGs and its attribute file."""
    from workshop_utils.celeba_files import CELEBA_ATTRIBUTES

    images = folder / "img_align_celeba" / ("img_align_celeba" if layout == "kaggle" else "")
    images.mkdir(parents=True)
    photo = bytes.fromhex("ffd8ffe000104a46494600") + bytes(64) + bytes.fromhex("ffd9")
    names = [f"{index + 1:06d}.jpg" for index in range(count)]
    for name in names:
        (images / name).write_bytes(photo)
    values = np.random.default_rng(0).choice([-1, 1], size=(count, len(CELEBA_ATTRIBUTES)))
    if layout == "kaggle":
        lines = ["image_id," + ",".join(CELEBA_ATTRIBUTES)]
        lines += [name + "," + ",".join(map(str, row)) for name, row in zip(names, values)]
        (folder / "list_attr_celeba.csv").write_text("\n".join(lines) + "\n")
    else:
        lines = [str(count), " ".join(CELEBA_ATTRIBUTES)]
        lines += [name + "  " + " ".join(f"{v:2d}" for v in row) for name, row in zip(names, values)]
        (folder / "list_attr_celeba.txt").write_text("\n".join(lines) + "\n")
    return folder


def write_cache(folder: Path, count: int) -> None:
    """The cache the first load of ``folder`` writes (its images zeros: only its identity matters here)."""
    from workshop_utils import celeba
    from workshop_utils.celeba_sources import OfflineFolder

    source = OfflineFolder(folder)
    source.identity = source.local_identity()
    images = np.zeros((count, 64, 64, 3), np.uint8)
    attributes = np.random.default_rng(1).integers(0, 2, (count, 40)).astype(np.uint8)
    celeba._write_cache(celeba._cache_path(None), images, attributes, source, complete=True)


def counted_listing():
    """Patch ``os.scandir`` (which ``os.walk`` and ``Path.glob``/``rglob`` use) to count the entries listed."""
    seen = [0]
    real = os.scandir

    class Counted:
        def __init__(self, path="."):
            self.inner = real(path)

        def __iter__(self):
            for entry in self.inner:
                seen[0] += 1
                yield entry

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.inner.close()

        def close(self):
            self.inner.close()

    return mock.patch("os.scandir", Counted), seen


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=CELEBA_FACES, help="how many JPEGs the folder holds")
    parser.add_argument("--layout", choices=["kaggle", "official"], default="kaggle")
    parser.add_argument("--scratch", default=None, help="where to write the folder (default: a temporary folder)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=arguments.scratch) as scratch:
        scratch = Path(scratch)
        os.environ["WORKSHOP_CACHE_DIR"] = str(scratch / "cache")
        os.environ["WORKSHOP_DATA_DIR"] = str(scratch / "celeba")
        started = time.perf_counter()
        folder = write_folder(scratch / "celeba", arguments.count, arguments.layout)
        write_cache(folder, arguments.count)
        print(f"{arguments.layout} layout, {arguments.count:,} files and their cache written in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
        from workshop_utils.celeba import load_celeba
        from workshop_utils.celeba_sources import OfflineFolder

        for run in range(1, 4):
            patch, seen = counted_listing()
            with patch:
                started = time.perf_counter()
                faces = load_celeba(verbose=False, sources=[OfflineFolder()])
                seconds = time.perf_counter() - started
            assert "cache" in faces.source, faces.source  # the cache answered; nothing was preprocessed
            print(f"  cached load {run}: {seconds:6.2f} s, {seen[0]:,} directory entries listed, {len(faces):,} faces")


if __name__ == "__main__":
    main()
