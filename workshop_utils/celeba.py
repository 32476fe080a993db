"""CelebA faces with their 40 attributes, that do not break: :func:`load_celeba`.

It returns 64 x 64 uint8 faces and 0/1 attribute vectors from the preprocessed cache when
a valid one exists, else from the first source that works (``celeba_sources``: the offline
folder ``WORKSHOP_DATA_DIR``, a Hugging Face mirror, the Kaggle copy, Google Drive), each
verified before use (``celeba_files``). A source that fails is reported in one line and the
next one is tried; when all fail, one :class:`~workshop_utils.datasets.DataUnavailableError`
lists what was tried and how to place the files by hand. Preprocessing runs once; its
result is cached as ``.npy`` arrays in a folder written atomically (``files.atomic_path``),
so a second run memory-maps the cache in seconds and a crash never leaves half a cache.
"""

from __future__ import annotations

import json

import numpy as np

from . import runtime
from .celeba_files import CELEBA_ATTRIBUTES, IMAGE_SIZE
from .celeba_sources import KAGGLE_HANDLE, Source, SourceFailed, default_sources, first_line
from .checks import is_count
from .datasets import DataUnavailableError, Faces
from .downloads import Abandoned
from .files import CACHE_SETTING, write_or_warn

CACHE_VERSION = 2  # 2: the cache records its source's identity, completeness and a checksum


def _cache_path(limit):
    return runtime.cache_dir() / f"celeba64-v{CACHE_VERSION}-{'all' if limit is None else limit}"


def _checksum(images, attributes) -> str:
    """A fingerprint of the cached arrays: every attribute and every k-th image (about 1,000
    images, so that checking a 2.5 GB cache reads 12 MB of it, not all)."""
    import hashlib

    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((images.shape, attributes.shape)).encode())
    digest.update(np.ascontiguousarray(attributes).tobytes())
    digest.update(np.ascontiguousarray(images[:: max(1, len(images) // 1000)]).tobytes())
    return digest.hexdigest()


def _read_cache(folder, limit, wanted=None):
    """(images, attributes) from a cache folder, memory-mapped, when it answers this request:
    built from ``wanted`` (a source identity; None: any source), holding all faces when
    ``limit`` is None or at least ``limit``, and matching its checksum. Otherwise a ValueError
    says why in a few words (the cache is then rebuilt, never used)."""
    try:
        meta = json.loads((folder / "meta.json").read_text())
        images = np.load(folder / "images.npy", mmap_mode="r", allow_pickle=False)
        attributes = np.load(folder / "attributes.npy", allow_pickle=False)
    except (OSError, ValueError) as error:
        raise ValueError(f"unreadable ({type(error).__name__})") from None
    if meta.get("version") != CACHE_VERSION or tuple(meta.get("names", ())) != CELEBA_ATTRIBUTES:
        raise ValueError(f"format version {meta.get('version')}, expected {CACHE_VERSION}")
    count = meta.get("count")
    if (images.dtype != np.uint8 or images.shape != (count, IMAGE_SIZE, IMAGE_SIZE, 3)
            or attributes.shape != (count, len(CELEBA_ATTRIBUTES)) or not np.isin(attributes, (0, 1)).all()):
        raise ValueError("arrays do not match their description")
    if wanted is not None and meta.get("identity") != wanted:
        raise ValueError(f"built from {meta.get('identity')}, not from {wanted}")
    if limit is None and not meta.get("complete"):
        raise ValueError(f"holds only the first {count} faces, and all were asked for")
    if limit is not None and count < limit:
        raise ValueError(f"holds {count} images, {limit} wanted")
    if _checksum(images, attributes) != meta.get("checksum"):
        raise ValueError("its arrays do not match their checksum (damaged or changed since it was written)")
    return (images, attributes) if limit is None else (images[:limit], attributes[:limit])


def _write_cache(folder, images, attributes, source, complete) -> bool:
    """Write the cache folder atomically, all of it or nothing, with what it was built from.
    When it cannot be written (a full Drive, a read-only folder) one warning says so and
    False is returned: the faces are in memory, and the lesson goes on without a cache."""

    def write(temporary):
        temporary.mkdir()
        np.save(temporary / "images.npy", images)
        np.save(temporary / "attributes.npy", attributes)
        (temporary / "meta.json").write_text(json.dumps({
            "version": CACHE_VERSION, "count": len(images), "names": list(CELEBA_ATTRIBUTES),
            "source": source.name, "identity": source.identity or source.name,
            "complete": complete, "checksum": _checksum(images, attributes)}))

    return write_or_warn(folder, write, "the CelebA cache", needed=images.nbytes + attributes.nbytes,
                         setting=CACHE_SETTING,
                         consequence="Training goes on with the faces in memory; the next run preprocesses them again.")


def _cache_candidates(limit):
    """Caches that may answer: ours for all faces and for this ``limit``, then any cache folder
    placed in the offline data folder (copied from a machine that preprocessed CelebA)."""
    candidates = [_cache_path(None)] + ([_cache_path(limit)] if limit is not None else [])
    folder = runtime.data_dir()
    if folder is not None and folder.is_dir():
        candidates += sorted(folder.glob(f"celeba64-v{CACHE_VERSION}-*"))
    return candidates


def _wanted_identity(sources):
    """What a cache must have been built from: the identity of the first source that can name
    its data without a download (an offline folder holding CelebA's files); else None (any
    source: the network sources all serve the same CelebA)."""
    for source in sources:
        identity = source.local_identity()
        if identity:
            return identity
    return None


def load_celeba(limit: int | None = None, sources=None, verbose: bool = True) -> Faces:
    """Aligned CelebA at 64 x 64 with its 40 attributes (the first ``limit`` images, or all).

    Reads the preprocessed cache when there is a valid one; else tries ``sources`` (default:
    :func:`default_sources`) in order, one line per failure, and caches what it got.
    """
    if limit is not None and (not is_count(limit) or limit < 1):
        raise ValueError(f"limit must be a positive int or None (all images), got {limit!r}.")
    limit = None if limit is None else int(limit)  # np.int64(100) works like 100
    sources = default_sources() if sources is None else list(sources)
    for source in sources:
        if not isinstance(source, Source):
            raise ValueError(f"sources must be celeba_sources.Source objects (OfflineFolder(path), "
                             f"HuggingFaceMirror(), ...), got {type(source).__name__}.")
    wanted = _wanted_identity(sources)
    for candidate in _cache_candidates(limit):
        if candidate.is_dir():
            try:
                images, attributes = _read_cache(candidate, limit, wanted)
            except ValueError as error:
                if verbose:
                    print(f"  - cache {candidate.name} not used: {error}")
                continue
            faces = Faces(images, attributes, CELEBA_ATTRIBUTES, f"CelebA (cache {candidate})")
            if verbose:
                print(f"Loaded {faces}")
            return faces

    workdir = runtime.cache_dir() / "downloads"
    tried = []
    for source in sources:
        try:
            images, attributes = source.load(limit, workdir, verbose)
        except Abandoned as error:  # its message names the source
            tried.append(str(error))
        except (SourceFailed, ValueError) as error:
            tried.append(f"{source.name}: {error}")
        except Exception as error:  # a client's own errors: network, auth, quota, ...
            tried.append(f"{source.name}: {first_line(error)}")
        else:
            if len(images) != len(attributes) or (limit is not None and len(images) < limit):
                tried.append(f"{source.name}: got {len(images)} images and {len(attributes)} attribute rows"
                             + (f", {limit} wanted" if limit is not None else ""))
            else:
                path = _cache_path(limit)
                cached = _write_cache(path, images, attributes, source, complete=limit is None)
                if cached:  # memory-mapped from the cache: the arrays in memory are freed
                    images, attributes = _read_cache(path, limit)
                elif limit is not None:
                    images, attributes = images[:limit], attributes[:limit]
                faces = Faces(images, attributes, CELEBA_ATTRIBUTES, f"CelebA ({source.name})")
                if verbose:
                    print(f"Loaded {faces}" + (f"; cached in {path}" if cached else " (not cached)"))
                return faces
        if verbose:
            print("  - " + tried[-1])
    raise DataUnavailableError(
        "Could not load CelebA. Tried:\n  - " + "\n  - ".join(tried) +
        f"\nWhat to do: on a machine with internet, download img_align_celeba.zip and "
        f"list_attr_celeba.txt (the official CelebA page links them; the Kaggle copy "
        f"{KAGGLE_HANDLE} has the same images with list_attr_celeba.csv), put them in one "
        f"folder and set {runtime.DATA_DIR_ENV_VAR} to it. Or use the procedural faces "
        f"(cartoon_faces.load_faces()), which need no network."
    )
