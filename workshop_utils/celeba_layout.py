"""Where CelebA's files sit in a folder: the official layout (``img_align_celeba/`` or its zip
beside ``list_attr_celeba.txt``) or Kaggle's (``img_align_celeba/img_align_celeba/`` beside
``list_attr_celeba.csv``), found without ever listing the 202,599 JPEGs: on a mounted Google
Drive each listed entry is a network round trip (``benchmarks/offline_folder.py``).
"""

from __future__ import annotations

import os
from pathlib import Path


ATTRIBUTE_FILES = ("list_attr_celeba.txt", "list_attr_celeba.csv")
IMAGE_FOLDER, IMAGE_ZIP = "img_align_celeba", "img_align_celeba.zip"


def _holds_jpegs(folder) -> bool:
    """Whether ``folder`` has a .jpg directly in it, read lazily: it stops at the first one,
    so a folder of 202,599 JPEGs costs a few entries, not a listing of all of them (each
    entry a round trip on a network file system such as a mounted Google Drive)."""
    try:
        with os.scandir(folder) as entries:
            return any(entry.name.lower().endswith(".jpg") for entry in entries)
    except OSError:
        return False


def _walk_for_celeba(root: Path):
    """The attribute files, image zips and JPEG folders under ``root``: every folder is listed
    except an ``img_align_celeba`` folder that holds JPEGs, which is recorded, not entered
    (an attribute file or zip inside it is looked up by name). Symbolic links to folders are
    followed once each (a link back to a parent is not walked again); unreadable entries are
    skipped, as ``rglob`` skips them."""
    attribute_files, zips, folders = [], [], []
    pending, seen = [root], set()
    while pending:
        folder = pending.pop()
        try:
            key = os.path.realpath(folder)
            if key in seen:
                continue
            seen.add(key)
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue  # unreadable: as rglob, skip it
        for entry in entries:
            path = Path(entry.path)
            try:
                is_folder = entry.is_dir()
            except OSError:  # a broken or looping link, no permission
                continue
            if is_folder:
                if entry.name == IMAGE_FOLDER and _holds_jpegs(path):
                    folders.append(path)
                    attribute_files += [path / name for name in ATTRIBUTE_FILES if (path / name).is_file()]
                    zips += [path / IMAGE_ZIP] if (path / IMAGE_ZIP).is_file() else []
                else:
                    pending.append(path)
            elif entry.name in ATTRIBUTE_FILES:
                attribute_files.append(path)
            elif entry.name == IMAGE_ZIP:
                zips.append(path)
    return attribute_files, zips, folders


def find_celeba_files(root):
    """(images, attribute file, spare zip) under ``root``: images is an ``img_align_celeba``
    folder of JPEGs or ``img_align_celeba.zip``; the attribute file is the .txt or the Kaggle
    .csv; the spare zip is the zip when a folder was found beside it (None otherwise), used
    if the folder turns out incomplete (a half-finished extraction). The JPEGs themselves are
    never listed here (``benchmarks/offline_folder.py`` measures what that saves)."""
    root = Path(root)
    attribute_files, zips, folders = _walk_for_celeba(root)
    attribute_files.sort(key=lambda p: (ATTRIBUTE_FILES.index(p.name), p))  # the .txt first, as before
    if not attribute_files:
        raise FileNotFoundError(f"no list_attr_celeba.txt (or .csv) under {root}")
    zips.sort()
    folders.sort(key=lambda p: (len(p.parts), p))
    if folders:
        return folders[0], attribute_files[0], (zips[0] if zips else None)
    if zips:
        return zips[0], attribute_files[0], None
    raise FileNotFoundError(f"no img_align_celeba folder of JPEGs or img_align_celeba.zip under {root}")
