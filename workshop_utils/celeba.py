"""CelebA faces with their 40 attributes, that do not break; and the procedural stand-in.

``load_faces`` returns 64 x 64 uint8 faces and 0/1 attribute vectors from the first source
that works, each verified before use:

1. the offline folder ``WORKSHOP_DATA_DIR``: the official ``img_align_celeba`` folder or
   ``img_align_celeba.zip`` with ``list_attr_celeba.txt`` (or the Kaggle copy's
   ``list_attr_celeba.csv``), or a cache folder this module wrote (``celeba64-v1-*``);
2. a Hugging Face mirror with attributes (parquet files, through ``huggingface_hub``);
3. the Kaggle copy (through ``kagglehub``);
4. the official Google Drive files (through ``gdown``), last: they often answer with a
   quota page.

A source that fails is reported in one line and the next one is tried; when all fail, one
:class:`~workshop_utils.data.DataUnavailableError` lists what was tried and how to place
the files by hand. Preprocessing (centre crop, resize to 64 x 64) runs once and is cached
as ``.npy`` arrays in a folder written under a temporary name and then renamed, so a
second run memory-maps the cache in seconds and a crash never leaves half a cache.
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: CelebA's 40 attributes, in the order of the official ``list_attr_celeba.txt``.
CELEBA_ATTRIBUTES = (
    "5_o_Clock_Shadow", "Arched_Eyebrows", "Attractive", "Bags_Under_Eyes", "Bald", "Bangs",
    "Big_Lips", "Big_Nose", "Black_Hair", "Blond_Hair", "Blurry", "Brown_Hair", "Bushy_Eyebrows",
    "Chubby", "Double_Chin", "Eyeglasses", "Goatee", "Gray_Hair", "Heavy_Makeup", "High_Cheekbones",
    "Male", "Mouth_Slightly_Open", "Mustache", "Narrow_Eyes", "No_Beard", "Oval_Face", "Pale_Skin",
    "Pointy_Nose", "Receding_Hairline", "Rosy_Cheeks", "Sideburns", "Smiling", "Straight_Hair",
    "Wavy_Hair", "Wearing_Earrings", "Wearing_Hat", "Wearing_Lipstick", "Wearing_Necklace",
    "Wearing_Necktie", "Young",
)
IMAGE_SIZE = 64


@dataclass
class Faces:
    """Faces (uint8, N x 64 x 64 x 3) with 0/1 attributes (uint8, N x K), their names, and
    where they came from."""

    images: np.ndarray
    attributes: np.ndarray
    names: tuple
    source: str

    @property
    def is_standin(self) -> bool:
        return self.source.startswith("procedural")

    def __len__(self) -> int:
        return len(self.images)

    def __repr__(self) -> str:
        return f"Faces({len(self)} images of 64x64x3, {len(self.names)} attributes, source={self.source!r})"

    def split(self, held_out: int):
        """(train, held_out) Faces: the last ``held_out`` faces are kept for evaluation."""
        if not isinstance(held_out, int) or not 0 < held_out < len(self):
            raise ValueError(f"held_out must be an int between 1 and {len(self) - 1}, got {held_out!r}.")
        cut = len(self) - held_out
        return (Faces(self.images[:cut], self.attributes[:cut], self.names, self.source),
                Faces(self.images[cut:], self.attributes[cut:], self.names, self.source))


def attribute_index(names, name: str) -> int:
    """Position of ``name`` in ``names``; an unknown name gets a "did you mean" in the error."""
    names = tuple(names)
    if name in names:
        return names.index(name)
    close = difflib.get_close_matches(str(name), names, n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"Unknown attribute {name!r}.{hint} Known attributes: {', '.join(names)}.")


def attribute_vector(names, on=(), off=(), base=None) -> np.ndarray:
    """A float32 0/1 vector over ``names``: ``base`` (e.g. a real face's attributes; all 0
    when None) with the attributes in ``on`` switched on and those in ``off`` switched off."""
    vector = np.zeros(len(names), np.float32) if base is None else np.array(base, dtype=np.float32)
    if vector.shape != (len(names),):
        raise ValueError(f"base must hold one 0/1 value per attribute ({len(names)}), got shape {vector.shape}.")
    for name in off:
        vector[attribute_index(names, name)] = 0.0
    for name in on:
        vector[attribute_index(names, name)] = 1.0
    return vector


def attribute_dataset(images, attributes, batch_size: int = 64, shuffle: bool = True, seed: int = 0):
    """A ``tf.data`` pipeline of (float32 image in [-1, 1], float32 0/1 attributes) batches.

    The uint8 arrays stay as they are (NumPy arrays or memory-mapped cache files: all of
    CelebA at 64 x 64 is 2.5 GB as uint8 and would be 10 GB as float32); each batch is
    gathered by index and scaled on the fly. Full batches only.
    """
    import tensorflow as tf

    images = np.asarray(images)  # a memory-mapped cache stays memory-mapped: no copy
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"Expected uint8 images of shape (N, H, W, 3), got {images.dtype} {images.shape}.")
    attributes = np.asarray(attributes)
    if attributes.ndim != 2 or len(attributes) != len(images):
        raise ValueError(f"Expected one attribute vector per image, shape ({len(images)}, K), got {attributes.shape}.")
    if not isinstance(batch_size, int) or not 0 < batch_size <= len(images):
        raise ValueError(f"batch_size must be an int between 1 and the {len(images)} images, got {batch_size!r}.")
    height, width = images.shape[1:3]
    num_attributes = attributes.shape[1]
    attributes = attributes.astype(np.float32)

    def gather(indices):
        indices = np.sort(indices)  # sequential reads from a memory-mapped file
        return images[indices], attributes[indices]

    @tf.autograph.experimental.do_not_convert  # plain TF calls; nothing for AutoGraph to convert
    def load(indices):
        batch_images, batch_attributes = tf.numpy_function(gather, [indices], (tf.uint8, tf.float32))
        batch_images = tf.ensure_shape(batch_images, (batch_size, height, width, 3))
        batch_attributes = tf.ensure_shape(batch_attributes, (batch_size, num_attributes))
        return tf.cast(batch_images, tf.float32) / 127.5 - 1.0, batch_attributes

    indices = tf.data.Dataset.range(len(images))
    if shuffle:
        indices = indices.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    return indices.batch(batch_size, drop_remainder=True).map(load).prefetch(tf.data.AUTOTUNE)


# --- Reading CelebA's files --------------------------------------------------------------

CACHE_VERSION = 1
CROP_FRACTION = 148 / 178  # the centre square that holds the face of an aligned 178 x 218 photo
HF_REPOSITORY = "flwrlabs/celeba"  # parquet: image + celeb_id + the 40 attributes as booleans
KAGGLE_HANDLE = "jessicali9530/celeba-dataset"  # img_align_celeba/ + list_attr_celeba.csv
DRIVE_FILES = {  # the official release's Google Drive ids and MD5 sums (as torchvision lists them)
    "img_align_celeba.zip": ("1cNIac61PSA_LqDFYFUeyaQYekYPc75NH", "00d2c5bc6d35e252742224ab0c1e8fcb"),
    "list_attr_celeba.txt": ("0B7EVK8r0v71pblRyaVFSWGxPY0U", "75e246fa4810816ffd6ee81facbd244c"),
}


class SourceFailed(Exception):
    """One source could not provide CelebA; the message is one line saying why."""


def read_attribute_table(path) -> tuple[list, np.ndarray, tuple]:
    """Read ``list_attr_celeba.txt`` (official) or ``list_attr_celeba.csv`` (Kaggle copy).

    Returns (image file names, uint8 0/1 attributes of shape (N, 40), names). The official
    file is: a count, a line of 40 names, then ``000001.jpg  -1  1 ...`` rows; -1/1 become
    0/1. Anything else raises a ValueError saying what is wrong with the file.
    """
    path = Path(path)
    raw = path.read_bytes()
    if _looks_like_html(raw[:1024]):
        raise ValueError(f"{path.name} is an HTML page (a quota or sign-in page?), not CelebA's attribute file.")
    try:
        lines = [line for line in raw.decode("utf-8").splitlines() if line.strip()]
    except UnicodeDecodeError as error:
        raise ValueError(f"{path.name} is not a text file ({error}).") from None
    if path.suffix == ".csv":
        rows = [line.split(",") for line in lines]
        header, rows = rows[0][1:], rows[1:]
        expected_count = None
    else:
        if len(lines) < 2 or not lines[0].strip().isdigit():
            raise ValueError(f"{path.name}: the first line should be the number of images, got {lines[:1]}.")
        expected_count = int(lines[0])
        header = lines[1].split()
        rows = [line.split() for line in lines[2:]]
    header = [name.strip() for name in header]
    if len(header) != len(CELEBA_ATTRIBUTES):
        raise ValueError(f"{path.name} names {len(header)} attributes; CelebA has {len(CELEBA_ATTRIBUTES)}.")
    if tuple(header) != CELEBA_ATTRIBUTES:
        wrong = [name for name in header if name not in CELEBA_ATTRIBUTES]
        raise ValueError(f"{path.name} has attribute names that are not CelebA's: {wrong[:3] or 'a different order'}.")
    if expected_count is not None and len(rows) != expected_count:
        raise ValueError(f"{path.name} announces {expected_count} images but has {len(rows)} rows (cut off?).")
    bad = next((index for index, row in enumerate(rows) if len(row) != len(header) + 1), None)
    if bad is not None:
        raise ValueError(f"{path.name}, row {bad + 1}: expected a file name and {len(header)} values, "
                         f"got {len(rows[bad])} fields.")
    try:
        values = np.array([row[1:] for row in rows], dtype=np.int8)
    except (ValueError, OverflowError) as error:
        raise ValueError(f"{path.name}: attribute values must be -1 or 1 ({error}).") from None
    if values.size and not np.isin(values, (-1, 1)).all():
        raise ValueError(f"{path.name}: attribute values must be -1 or 1.")
    return [row[0].strip() for row in rows], (values > 0).astype(np.uint8), CELEBA_ATTRIBUTES


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip()[:256].lower()
    return start.startswith(b"<!doctype html") or start.startswith(b"<html") or b"<head" in start[:100]


def crop_and_resize(image, size: int = IMAGE_SIZE) -> np.ndarray:
    """A PIL image -> uint8 (size, size, 3): its centre square (CROP_FRACTION of the width of
    an aligned CelebA photo), resized. JPEGs are decoded at a reduced scale when that still
    leaves enough pixels, which is several times faster."""
    from PIL import Image

    if not isinstance(image, Image.Image):
        raise ValueError(f"Expected a PIL image (PIL.Image.open(path)), got {type(image).__name__}.")
    width, height = image.size
    side = min(width, height) * CROP_FRACTION
    scale = 1
    while scale < 8 and side / (scale * 2) >= size:
        scale *= 2
    if scale > 1 and getattr(image, "format", None) == "JPEG":
        image.draft("RGB", (width // scale, height // scale))
        width, height = image.size
        side = min(width, height) * CROP_FRACTION
    image = image.convert("RGB")
    left, top = (width - side) / 2, (height - side) / 2
    resized = image.resize((size, size), Image.Resampling.BILINEAR, box=(left, top, left + side, top + side),
                           reducing_gap=2.0)
    return np.asarray(resized, dtype=np.uint8)


def _decode(data: bytes) -> np.ndarray:
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            return crop_and_resize(image)
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(f"an image could not be decoded ({type(error).__name__}: {error})") from None


def _preprocess(items, count: int, description: str, verbose: bool) -> np.ndarray:
    """Decode and crop ``count`` encoded images (an iterable of bytes) on a few threads.

    The iterable is read 1,024 items at a time (``pool.map`` would read it all first), so
    memory stays bounded and the progress bar moves from the first image."""
    import itertools
    from concurrent.futures import ThreadPoolExecutor

    from tqdm.auto import tqdm

    images = np.empty((count, IMAGE_SIZE, IMAGE_SIZE, 3), np.uint8)
    items, done = iter(items), 0
    with ThreadPoolExecutor(max_workers=4) as pool, \
            tqdm(total=count, desc=description, unit="img", disable=not verbose) as progress:
        while chunk := list(itertools.islice(items, min(1024, count - done))):
            images[done:done + len(chunk)] = list(pool.map(_decode, chunk))
            done += len(chunk)
            progress.update(len(chunk))
    return images


def _find_celeba_files(root):
    """(images, attribute file) under ``root``: images is an ``img_align_celeba`` folder of
    JPEGs or ``img_align_celeba.zip``; the attribute file is the .txt or the Kaggle .csv."""
    root = Path(root)
    attribute_files = sorted(root.rglob("list_attr_celeba.txt")) + sorted(root.rglob("list_attr_celeba.csv"))
    if not attribute_files:
        raise SourceFailed(f"no list_attr_celeba.txt (or .csv) under {root}")
    zips = sorted(root.rglob("img_align_celeba.zip"))
    folders = sorted((p for p in root.rglob("img_align_celeba") if p.is_dir() and any(p.glob("*.jpg"))),
                     key=lambda p: len(p.parts))
    if folders:
        return folders[0], attribute_files[0]
    if zips:
        return zips[0], attribute_files[0]
    raise SourceFailed(f"no img_align_celeba folder of JPEGs or img_align_celeba.zip under {root}")


def read_celeba_files(images_path, attributes_path, limit: int | None = None, verbose: bool = True):
    """Preprocess the official layout: an ``img_align_celeba`` folder (or its zip) and the
    attribute file. Returns (uint8 images (N, 64, 64, 3), uint8 attributes (N, 40)).
    Anything missing or malformed raises a ValueError saying what."""
    import zipfile

    names, attributes, _ = read_attribute_table(attributes_path)
    count = len(names) if limit is None else min(limit, len(names))
    names, attributes = names[:count], attributes[:count]
    images_path = Path(images_path)
    if images_path.is_dir():
        missing = [name for name in names if not (images_path / name).is_file()]
        if missing:
            raise ValueError(f"{len(missing)} images named in the attribute file are missing from "
                             f"{images_path} (first: {missing[0]}).")
        items = ((images_path / name).read_bytes() for name in names)
        return _preprocess(items, count, "Preprocessing CelebA", verbose), attributes
    with open(images_path, "rb") as handle:
        if _looks_like_html(handle.read(1024)):
            raise ValueError(f"{images_path.name} is an HTML page (a quota or sign-in page?), not a zip.")
    try:
        archive = zipfile.ZipFile(images_path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ValueError(f"{images_path.name} is not a readable zip ({error}); it may be cut off.") from None
    with archive:
        members = {Path(info.filename).name: info for info in archive.infolist() if info.filename.endswith(".jpg")}
        missing = [name for name in names if name not in members]
        if missing:
            raise ValueError(f"{len(missing)} images named in the attribute file are missing from "
                             f"{images_path.name} (first: {missing[0]}).")
        try:
            items = (archive.read(members[name]) for name in names)
            return _preprocess(items, count, "Preprocessing CelebA", verbose), attributes
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise ValueError(f"{images_path.name} is damaged ({error}); delete it and fetch it again.") from None


def read_celeba_parquet(paths, limit: int | None = None, verbose: bool = True):
    """Preprocess a Hugging Face mirror's parquet files: an ``image`` column ({bytes, path})
    and the 40 attributes as columns (bool, 0/1 or -1/1) or as one ``attributes`` struct."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    encoded, rows = [], []
    for path in paths:
        try:
            table = pq.read_table(path)
        except Exception as error:  # pyarrow raises several kinds for a damaged file
            raise ValueError(f"{getattr(path, 'name', path)} is not a readable parquet file "
                             f"({type(error).__name__}: {error}).") from None
        if "image" not in table.column_names:
            raise ValueError(f"{getattr(path, 'name', path)} has no 'image' column (columns: {table.column_names[:5]}...).")
        columns = {name: table.column(name) for name in table.column_names}
        if "attributes" in columns:  # one struct column holding the 40 attributes
            struct = columns.pop("attributes").combine_chunks()
            columns.update({field.name: struct.field(index) for index, field in enumerate(struct.type)})
        missing = [name for name in CELEBA_ATTRIBUTES if name not in columns]
        if missing:
            present = len(CELEBA_ATTRIBUTES) - len(missing)
            raise ValueError(f"{getattr(path, 'name', path)} has {present} of CelebA's 40 attribute columns "
                             f"(missing e.g. {missing[0]}).")
        take = len(table) if limit is None else min(len(table), limit - len(encoded))
        images = table.column("image").slice(0, take).to_pylist()
        encoded += [image["bytes"] if isinstance(image, dict) else image for image in images]
        # booleans, 0/1 or -1/1 (as numbers or strings): 1 and True mean "has it"
        has_it = pa.array(["1", "true"])
        flags = [pc.is_in(pc.utf8_lower(pc.cast(columns[name].slice(0, take), pa.string())), value_set=has_it)
                 for name in CELEBA_ATTRIBUTES]
        rows.append(np.stack([flag.to_numpy(zero_copy_only=False) for flag in flags], axis=1).astype(np.uint8))
        if limit is not None and len(encoded) >= limit:
            break
    if not encoded:
        raise ValueError("the parquet files hold no images.")
    return _preprocess(encoded, len(encoded), "Preprocessing CelebA", verbose), np.concatenate(rows)


# --- Sources, tried in order ---------------------------------------------------------------


class OfflineFolder:
    """The offline folder (``WORKSHOP_DATA_DIR`` unless a path is given): a cache folder this
    module wrote, or the official files (or the Kaggle copy) placed by hand."""

    name = "offline folder"

    def __init__(self, path=None):
        self.path = path

    def load(self, limit, workdir, verbose):
        from . import data

        folder = Path(self.path) if self.path is not None else data.data_dir()
        if folder is None:
            raise SourceFailed(f"{data.DATA_DIR_ENV_VAR} is not set")
        if not folder.is_dir():
            raise SourceFailed(f"{folder} is not a folder")
        for cache in sorted(folder.glob(f"celeba64-v{CACHE_VERSION}-*")):
            try:
                return _read_cache(cache, limit)
            except ValueError:
                continue
        images, attributes = _find_celeba_files(folder)
        return read_celeba_files(images, attributes, limit, verbose)


class HuggingFaceMirror:
    """A public Hugging Face mirror of CelebA with attributes, as parquet files, fetched one
    file at a time (``huggingface_hub``) until ``limit`` images are in."""

    def __init__(self, repo_id=HF_REPOSITORY, endpoint=None):
        self.repo_id = repo_id
        self.endpoint = endpoint
        self.name = f"Hugging Face mirror {repo_id}"

    def load(self, limit, workdir, verbose):
        import pyarrow.parquet as pq
        from huggingface_hub import HfApi, hf_hub_download

        api = HfApi(endpoint=self.endpoint)
        try:
            files = [f for f in api.list_repo_files(self.repo_id, repo_type="dataset") if f.endswith(".parquet")]
        except ValueError as error:  # JSON that does not parse: a portal, proxy or quota page
            raise SourceFailed(f"the answer was not the Hugging Face API's (an HTML page?): {error}") from None
        if not files:
            raise SourceFailed(f"{self.repo_id} holds no parquet files")
        order = {"train": 0, "valid": 1, "validation": 1, "test": 2}
        files.sort(key=lambda f: (min((v for k, v in order.items() if k in f), default=3), f))
        paths, rows = [], 0
        for file in files:
            paths.append(hf_hub_download(self.repo_id, file, repo_type="dataset", cache_dir=workdir / "huggingface",
                                         endpoint=self.endpoint))
            rows += pq.ParquetFile(paths[-1]).metadata.num_rows
            if limit is not None and rows >= limit:
                break
        return read_celeba_parquet(paths, limit, verbose)


class KaggleCopy:
    """The widely used Kaggle copy (``kagglehub``): ``img_align_celeba/`` and a CSV of attributes."""

    def __init__(self, handle=KAGGLE_HANDLE):
        self.handle = handle
        self.name = f"Kaggle copy {handle}"

    def load(self, limit, workdir, verbose):
        import kagglehub

        folder = kagglehub.dataset_download(self.handle)
        images, attributes = _find_celeba_files(folder)
        return read_celeba_files(images, attributes, limit, verbose)


class GoogleDrive:
    """The official release's Google Drive files (``gdown``), checked against their MD5 sums.

    ``urls`` and ``md5`` (dicts by file name) override where the files come from and what
    they must hash to: a classroom server, or a test's local server. ``timeout`` is the
    (connect, read) time-out in seconds; a server error (5xx) or a dropped connection is
    retried ``retries`` times, waiting ``backoff`` seconds, then twice that, and so on. A
    time-out is not retried: a stalled server is left for the next source.
    """

    name = "Google Drive (official files)"

    def __init__(self, urls=None, md5=None, timeout=(10, 60), retries=2, backoff=1.0):
        self.urls = urls or {}
        self.backoff = backoff
        self.md5 = md5 or {name: checksum for name, (_, checksum) in DRIVE_FILES.items()}
        self.timeout = timeout
        self.retries = retries

    def load(self, limit, workdir, verbose):
        target = workdir / "drive"
        target.mkdir(parents=True, exist_ok=True)
        for file_name, (file_id, _) in DRIVE_FILES.items():
            final = target / file_name
            if not final.is_file():
                self.fetch(file_name, file_id, final, verbose)
        try:
            return read_celeba_files(target / "img_align_celeba.zip", target / "list_attr_celeba.txt", limit, verbose)
        except ValueError:
            for file_name in DRIVE_FILES:  # a bad file is not kept for next time
                (target / file_name).unlink(missing_ok=True)
            raise

    def fetch(self, file_name, file_id, final, verbose):
        """Download one file into a scratch folder, verify it, then move it into place."""
        import hashlib
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory(dir=final.parent, prefix=".part-") as scratch:
            partial = Path(scratch) / file_name
            url = self.urls.get(file_name)
            for attempt in range(self.retries + 1):
                try:
                    result = _gdown_download(self.timeout, url=url, id=None if url else file_id,
                                             output=str(partial), quiet=not verbose)
                    break
                except Exception as error:  # gdown raises its own and requests' errors
                    status = getattr(getattr(error, "response", None), "status_code", None)
                    if attempt < self.retries and (status is None or status >= 500) and not _is_timeout(error):
                        time.sleep(self.backoff * 2 ** attempt)  # a server error or a dropped connection
                        partial.unlink(missing_ok=True)
                        continue
                    raise SourceFailed(f"{file_name}: {_first_line(error)}") from None
            if result is None or not partial.is_file():
                raise SourceFailed(f"{file_name}: the download did not complete")
            digest = hashlib.md5()
            with open(partial, "rb") as handle:
                head = handle.read(1024)
                if _looks_like_html(head):
                    raise SourceFailed(f"{file_name}: got an HTML page (a quota or sign-in page), not the file")
                digest.update(head)
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            expected = self.md5.get(file_name)
            if expected and digest.hexdigest() != expected:
                raise SourceFailed(f"{file_name}: MD5 {digest.hexdigest()} is not the expected {expected} "
                                   f"({partial.stat().st_size} bytes: cut off or a different file)")
            shutil.move(partial, final)


def _gdown_download(timeout, **arguments):
    """``gdown.download(**arguments)`` with a (connect, read) time-out on its every request,
    and an HTTP error raised as an error, in every gdown version.

    gdown 6 takes ``timeout`` and raises on HTTP errors. gdown 5 (Colab's 5.2.2) does neither:
    it would wait forever on a stalled server and save a 404 or 500 page as the file. So for
    the call, its requests session gets the time-out and raises on 4xx/5xx as gdown 6 does."""
    import inspect

    import gdown
    import requests

    if "timeout" in inspect.signature(gdown.download).parameters:
        return gdown.download(timeout=timeout, **arguments)
    original = requests.Session.request

    def request(session, method, url, **options):
        options.setdefault("timeout", timeout)
        response = original(session, method, url, **options)
        response.raise_for_status()
        return response

    requests.Session.request = request
    try:
        return gdown.download(**arguments)
    finally:
        requests.Session.request = original


def default_sources():
    """The sources :func:`load_celeba` tries, in order."""
    return [OfflineFolder(), HuggingFaceMirror(), KaggleCopy(), GoogleDrive()]


def _is_timeout(error) -> bool:
    import requests

    return isinstance(error, (requests.Timeout, TimeoutError)) or "timed out" in str(error).lower()


def _first_line(error) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0][:200]}" if text else type(error).__name__


# --- The preprocessed cache ------------------------------------------------------------------


def _cache_path(limit):
    from . import metrics

    return metrics.cache_dir() / f"celeba64-v{CACHE_VERSION}-{'all' if limit is None else limit}"


def _read_cache(folder, limit):
    """(images, attributes) from a cache folder, memory-mapped; a stale or damaged cache
    raises a ValueError (and is then rebuilt, never used)."""
    import json

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
    if limit is not None and count < limit:
        raise ValueError(f"holds {count} images, {limit} wanted")
    return (images, attributes) if limit is None else (images[:limit], attributes[:limit])


def _write_cache(folder, images, attributes, source):
    """Write the cache under a temporary name, then rename: all of it or nothing."""
    import json
    import os
    import shutil

    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    try:
        np.save(temporary / "images.npy", images)
        np.save(temporary / "attributes.npy", attributes)
        (temporary / "meta.json").write_text(json.dumps({
            "version": CACHE_VERSION, "count": len(images), "names": list(CELEBA_ATTRIBUTES), "source": source}))
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(temporary, folder)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def load_celeba(limit: int | None = None, sources=None, verbose: bool = True) -> Faces:
    """Aligned CelebA at 64 x 64 with its 40 attributes (the first ``limit`` images, or all).

    Reads the preprocessed cache when there is a valid one; else tries ``sources`` (default:
    :func:`default_sources`) in order, one line per failure, and caches what it got.
    """
    from . import data, metrics

    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive int or None (all images), got {limit!r}.")
    for candidate in ([_cache_path(None)] + ([_cache_path(limit)] if limit is not None else [])):
        if candidate.is_dir():
            try:
                images, attributes = _read_cache(candidate, limit)
            except ValueError as error:
                if verbose:
                    print(f"  - cache {candidate.name}: {error}; rebuilding it")
                continue
            faces = Faces(images, attributes, CELEBA_ATTRIBUTES, f"CelebA (cache {candidate})")
            if verbose:
                print(f"Loaded {faces}")
            return faces

    workdir = metrics.cache_dir() / "downloads"
    tried = []
    for source in default_sources() if sources is None else sources:
        try:
            images, attributes = source.load(limit, workdir, verbose)
        except (SourceFailed, ValueError) as error:
            tried.append(f"{source.name}: {error}")
        except Exception as error:  # a client's own errors: network, auth, quota, ...
            tried.append(f"{source.name}: {_first_line(error)}")
        else:
            if len(images) != len(attributes) or (limit is not None and len(images) < limit):
                tried.append(f"{source.name}: got {len(images)} images and {len(attributes)} attribute rows"
                             + (f", {limit} wanted" if limit is not None else ""))
            else:
                path = _cache_path(limit)
                _write_cache(path, images, attributes, source.name)
                images, attributes = _read_cache(path, limit)
                faces = Faces(images, attributes, CELEBA_ATTRIBUTES, f"CelebA ({source.name})")
                if verbose:
                    print(f"Loaded {faces}; cached in {path}")
                return faces
        if verbose:
            print("  - " + tried[-1])
    raise data.DataUnavailableError(
        "Could not load CelebA. Tried:\n  - " + "\n  - ".join(tried) +
        f"\nWhat to do: on a machine with internet, download img_align_celeba.zip and "
        f"list_attr_celeba.txt (the official CelebA page links them; the Kaggle copy "
        f"{KAGGLE_HANDLE} has the same images with list_attr_celeba.csv), put them in one "
        f"folder and set {data.DATA_DIR_ENV_VAR} to it. Or use the procedural faces "
        f"(load_faces('procedural')), which need no network."
    )


def load_faces(dataset: str = "celeba", limit: int | None = None, seed: int = 0, verbose: bool = True) -> Faces:
    """Faces for notebook 04: ``"celeba"`` (see :func:`load_celeba`) or ``"procedural"``
    (``limit`` procedural faces, default 20,000, drawn here: no network, never silent)."""
    from . import faces

    datasets = ("celeba", "procedural")
    if dataset not in datasets:
        close = difflib.get_close_matches(str(dataset), datasets, n=1)
        raise ValueError(f"dataset must be one of {datasets}, got {dataset!r}."
                         + (f" Did you mean {close[0]!r}?" if close else ""))
    if dataset == "celeba":
        return load_celeba(limit, verbose=verbose)
    images, attributes = faces.procedural_faces(20000 if limit is None else limit, seed=seed)
    result = Faces(images, attributes, faces.FACE_ATTRIBUTES, "procedural faces (a stand-in, not CelebA)")
    if verbose:
        print(f"Using PROCEDURAL faces, not CelebA: {result}")
    return result
