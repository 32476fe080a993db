"""Writing files so that a crash never leaves half of one: write to a temporary name, then rename.

Every file or folder the course writes that a later run reads (checkpoints, the CelebA
cache, trained scorers, GIFs) goes through :func:`atomic_path`. What is only a convenience
(a cache, a GIF, a checkpoint) is written with :func:`write_or_warn`: when the file system
refuses (full, read-only, over quota) the lesson goes on and one warning says which folder,
how much space was needed and is free, and what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from pathlib import Path

#: Where each kind of convenience lives, and the setting that moves it.
CACHE_SETTING, OUTPUT_SETTING = "WORKSHOP_CACHE_DIR", "WORKSHOP_OUTPUT_DIR"
_LOCAL_FOLDER = {CACHE_SETTING: "/content/cache", OUTPUT_SETTING: "/content/outputs"}  # Colab's own disk


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(final):
    """Yield a temporary path beside ``final`` to write a file or a folder to; when the block
    ends without an error it is renamed to ``final`` (replacing what was there), else removed.

    The temporary name keeps the suffixes of ``final`` (``.weights.h5``, ``.keras``), which
    some writers require::

        with atomic_path(folder / "epoch-00003.weights.h5") as path:
            model.save_weights(path)
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    stem, dot, suffixes = final.name.partition(".")
    temporary = final.with_name(f".{stem}.{os.getpid()}.tmp{dot}{suffixes}")
    _remove(temporary)
    try:
        yield temporary
        if temporary.is_dir() and final.exists():
            _remove(final)  # os.replace cannot replace a folder that has files in it
        os.replace(temporary, final)
    finally:
        _remove(temporary)


def via_local_disk(write):
    """Wrap ``write(path)`` for an HDF5 file (Keras' ``.weights.h5``): h5py crashes the whole
    process (a segmentation fault, measured on a full tmpfs) when its file system fills during
    a write, so the file is written in the machine's temporary folder first (on Colab the
    runtime's own disk) and then copied, which fails with a plain OSError instead."""
    import tempfile

    def copied(temporary):
        with tempfile.TemporaryDirectory(prefix="making_faces-") as local:
            path = Path(local) / Path(temporary).name
            write(path)
            shutil.copyfile(path, temporary)

    return copied


def free_bytes(path) -> int | None:
    """Free space on the file system that holds ``path`` (or its nearest existing parent)."""
    path = Path(path).absolute()
    for folder in (path, *path.parents):
        try:
            if os.path.exists(folder):
                return shutil.disk_usage(folder).free
        except OSError:  # no permission to look: say nothing about space
            return None
    return None


def _size(count) -> str:
    return f"{count / 1e9:.1f} GB" if count >= 1e8 else f"{count / 1e6:.1f} MB" if count >= 1e5 else f"{count / 1e3:.0f} KB"


def unwritable_message(path, what: str, error: OSError, needed: int | None = None,
                       setting: str = OUTPUT_SETTING, consequence: str = "") -> str:
    """One warning for a write that failed: what and where, why, the space needed and free,
    what the lesson does instead (``consequence``) and what to do about it."""
    from . import runtime

    folder = Path(path).parent
    free = free_bytes(folder)
    if error.errno:
        reason = os.strerror(error.errno)
    elif needed is not None and free is not None and free < needed:
        reason = "not enough space"
    else:
        reason = str(error) or type(error).__name__
    space = [f"about {_size(needed)} needed"] if needed else []
    space += [f"{_size(free)} free there"] if free is not None else []
    where = "in your Google Drive (drive.google.com; empty its bin too)" if str(folder).startswith(
        runtime.DRIVE_FOLDER) else "there"
    local = _LOCAL_FOLDER[setting] if runtime.in_colab() else "a folder on a disk with space"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.EEXIST, errno.ENOTDIR):
        fix = f"point {setting} at a folder you can write"
    else:
        fix = f"free space {where}, or point {setting} at {local}"
    return (f"Warning: could not write {what} to {folder} ({reason}{': ' + ', '.join(space) if space else ''}). "
            f"{consequence + ' ' if consequence else ''}"
            f"To keep it next time: {fix} (os.environ[\"{setting}\"] = \"...\", then run this cell again).")


def write_or_warn(final, write, what: str, needed: int | None = None, setting: str = OUTPUT_SETTING,
                  consequence: str = "") -> bool:
    """Write ``final`` atomically with ``write(temporary_path)``; True when it was written. When
    the file system refuses (an OSError: no space, read-only, quota), nothing is left behind,
    :func:`unwritable_message` is printed and False returned: a convenience never stops the lesson."""
    try:
        with atomic_path(final) as temporary:
            write(temporary)
    except OSError as error:
        print(unwritable_message(final, what, error, needed, setting, consequence))
        return False
    return True
