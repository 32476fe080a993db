"""Writing files so that a crash never leaves half of one: write to a temporary name, then rename.

Every file or folder the course writes that a later run reads (checkpoints, the CelebA
cache, trained scorers, GIFs) goes through :func:`atomic_path`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path


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
