"""Reading CelebA's files: the attribute table, and JPEGs (a folder, a zip or parquet) cropped to 64 x 64.

Every reader checks what it reads and raises a ValueError that says what is wrong with
which file; nothing here touches the network (``celeba_sources``) or the cache (``celeba``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .checks import FACE_SIZE

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
IMAGE_SIZE = FACE_SIZE
CROP_FRACTION = 148 / 178  # the centre square that holds the face of an aligned 178 x 218 photo


def read_attribute_table(path) -> tuple[list, np.ndarray, tuple]:
    """Read ``list_attr_celeba.txt`` (official) or ``list_attr_celeba.csv`` (Kaggle copy).

    Returns (image file names, uint8 0/1 attributes of shape (N, 40), names). The official
    file is: a count, a line of 40 names, then ``000001.jpg  -1  1 ...`` rows; -1/1 become
    0/1. Anything else raises a ValueError naming the file, and for a bad row its line number
    and image, saying what was expected and what to do.
    """
    path = Path(path)
    raw = path.read_bytes()
    if looks_like_html(raw[:1024]):
        raise ValueError(f"{path.name} is an HTML page (a quota or sign-in page?), not CelebA's attribute file.")
    try:
        numbered = [(number, line) for number, line in enumerate(raw.decode("utf-8").splitlines(), 1) if line.strip()]
    except UnicodeDecodeError as error:
        raise ValueError(f"{path.name} is not a text file ({error}).") from None
    replace = "Replace the file with a fresh copy of CelebA's."
    if path.suffix == ".csv":
        split = [(number, [field.strip() for field in line.split(",")]) for number, line in numbered]
        header, rows = split[0][1][1:], split[1:]
        expected_count = None
    else:
        if len(numbered) < 2 or not numbered[0][1].strip().isdigit():
            raise ValueError(f"{path.name}: line 1 should be the number of images, got {numbered[0][1][:40]!r}. "
                             + replace)
        expected_count = int(numbered[0][1])
        header = numbered[1][1].split()
        rows = [(number, line.split()) for number, line in numbered[2:]]
    if header and header[0].lower().endswith((".jpg", ".png")):
        raise ValueError(f"{path.name}: the line naming the {len(CELEBA_ATTRIBUTES)} attributes is missing "
                         f"(found the row of {header[0]} there). {replace}")
    if tuple(header) != CELEBA_ATTRIBUTES:
        wrong = [name for name in header if name not in CELEBA_ATTRIBUTES]
        how = ("not CelebA's: " + ", ".join(wrong[:3])) if wrong else "in another order than CelebA's"
        raise ValueError(f"{path.name}: the header names {len(header)} attributes, {how} "
                         f"(CelebA's {len(CELEBA_ATTRIBUTES)}: {', '.join(CELEBA_ATTRIBUTES[:3])}, ...). {replace}")
    if expected_count is not None and len(rows) != expected_count:
        raise ValueError(f"{path.name} announces {expected_count} images but has {len(rows)} rows (cut off?). "
                         + replace)
    for number, row in rows:
        if len(row) != len(header) + 1:
            raise ValueError(f"{path.name}, line {number} ({row[0] if row else 'empty'}): expected "
                             f"{len(header)} values after the file name, got {len(row) - 1}. {replace}")
    first_line = {}
    for number, row in rows:
        if row[0] in first_line:
            raise ValueError(f"{path.name}: {row[0]} is listed twice (lines {first_line[row[0]]} and {number}). "
                             + replace)
        first_line[row[0]] = number
    for number, row in rows:
        for name, value in zip(CELEBA_ATTRIBUTES, row[1:]):
            if value not in ("-1", "1"):
                raise ValueError(f"{path.name}, line {number} ({row[0]}): {name} is {value!r}; "
                                 f"attribute values must be -1 or 1. {replace}")
    values = np.array([row[1:] for _, row in rows], dtype=np.int8).reshape(len(rows), len(header))
    return [row[0] for _, row in rows], (values > 0).astype(np.uint8), CELEBA_ATTRIBUTES


def file_identity(path) -> str:
    """A file's name and the start of its SHA-1: what a cache built from it records."""
    import hashlib

    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return f"{Path(path).name} sha1 {digest.hexdigest()[:16]}"


def looks_like_html(head: bytes) -> bool:
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


def _decode(item):
    """(name, encoded bytes) -> (uint8 (64, 64, 3) image, None), or (None, why it could not be decoded)."""
    import io

    from PIL import Image, UnidentifiedImageError

    name, data = item
    try:
        with Image.open(io.BytesIO(data)) as image:
            return crop_and_resize(image), None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        reason = "an empty file" if not data else f"{type(error).__name__}: {str(error).split(' <')[0][:60]}"
        return None, f"{name} ({reason})"


def _drop_rows(images, bad) -> np.ndarray:
    """``images`` without the rows in ``bad`` (sorted), compacted in place: no second copy of
    an array that can be 2.5 GB."""
    write = bad[0]
    for start, stop in zip([index + 1 for index in bad], bad[1:] + [len(images)]):
        for chunk in range(start, stop, 1024):  # forward, in chunks: overlaps stay small
            end = min(chunk + 1024, stop)
            images[write:write + end - chunk] = images[chunk:end]
            write += end - chunk
    return images[:write]


def _preprocess(items, count: int, description: str, verbose: bool):
    """Decode and crop ``count`` encoded images (an iterable of (name, bytes)) on a few threads.

    The iterable is read 1,024 items at a time (``pool.map`` would read it all first), so
    memory stays bounded and the progress bar moves from the first image. Returns (images,
    kept): ``kept`` is None when every image decoded; when a few (at most 1 in 100) could not
    be, they are left out with a warning that names them, and ``kept`` marks the rows kept.
    More than that raises a ValueError naming the first few files."""
    import warnings

    import itertools
    from concurrent.futures import ThreadPoolExecutor

    from tqdm.auto import tqdm

    images = np.empty((count, IMAGE_SIZE, IMAGE_SIZE, 3), np.uint8)
    items, done = iter(items), 0
    bad = []
    with ThreadPoolExecutor(max_workers=4) as pool, \
            tqdm(total=count, desc=description, unit="img", disable=not verbose) as progress:
        while chunk := list(itertools.islice(items, min(1024, count - done))):
            for offset, (image, problem) in enumerate(pool.map(_decode, chunk)):
                if problem:
                    bad.append((done + offset, problem))
                else:
                    images[done + offset] = image
            done += len(chunk)
            progress.update(len(chunk))
    if not bad:
        return images, None
    listed = "; ".join(problem for _, problem in bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
    if len(bad) > max(1, count // 100):
        raise ValueError(f"{len(bad)} of {count} images could not be decoded: {listed}. "
                         "The files are damaged or cut off: fetch them again.")
    warnings.warn(f"Left out {len(bad)} of {count} images that could not be decoded: {listed}.", stacklevel=3)
    kept = np.ones(count, bool)
    kept[[index for index, _ in bad]] = False
    return _drop_rows(images, [index for index, _ in bad]), kept


def _preprocessed(items, count, attributes, verbose):
    """(images, attributes) with the rows of any undecodable image left out of both."""
    images, kept = _preprocess(items, count, "Preprocessing CelebA", verbose)
    return images, (attributes if kept is None else attributes[kept])


def read_celeba_files(images_path, attributes_path, limit: int | None = None, verbose: bool = True,
                      spare_zip=None):
    """Preprocess the official layout: an ``img_align_celeba`` folder (or its zip) and the
    attribute file. Returns (uint8 images (N, 64, 64, 3), uint8 attributes (N, 40)).
    A folder that lacks images is replaced by ``spare_zip`` when one is given. Anything
    missing or malformed raises a ValueError saying what."""
    import zipfile

    names, attributes, _ = read_attribute_table(attributes_path)
    count = len(names) if limit is None else min(limit, len(names))
    names, attributes = names[:count], attributes[:count]
    images_path = Path(images_path)
    if images_path.is_dir():
        missing = [name for name in names if not (images_path / name).is_file()]
        if missing and spare_zip is not None:
            if verbose:
                print(f"  - {images_path} lacks {len(missing)} images (a half-finished extraction?); "
                      f"reading {Path(spare_zip).name} beside it instead")
            return read_celeba_files(spare_zip, attributes_path, limit, verbose)
        if missing:
            raise ValueError(f"{len(missing)} images named in the attribute file are missing from "
                             f"{images_path} (first: {missing[0]}). Extract img_align_celeba.zip again.")
        items = ((name, (images_path / name).read_bytes()) for name in names)
        return _preprocessed(items, count, attributes, verbose)
    with open(images_path, "rb") as handle:
        if looks_like_html(handle.read(1024)):
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
            items = ((name, archive.read(members[name])) for name in names)
            return _preprocessed(items, count, attributes, verbose)
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise ValueError(f"{images_path.name} is damaged ({error}); delete it and fetch it again.") from None


def read_celeba_parquet(paths, limit: int | None = None, verbose: bool = True):
    """Preprocess a Hugging Face mirror's parquet files: an ``image`` column ({bytes, path})
    and the 40 attributes as columns (bool, 0/1 or -1/1) or as one ``attributes`` struct.

    Memory stays bounded: the attribute columns are read first (small), then the images are
    streamed one record batch at a time into the decoder, never all encoded bytes at once
    (they are about as large as the parquet files: gigabytes for all of CelebA)."""
    import pyarrow.parquet as pq

    files, rows = [], []
    for path in paths:
        name = getattr(path, "name", path)
        try:
            parquet = pq.ParquetFile(path)
            columns = parquet.schema_arrow.names
        except Exception as error:  # pyarrow raises several kinds for a damaged file
            raise ValueError(f"{name} is not a readable parquet file ({type(error).__name__}: {error}).") from None
        if "image" not in columns:
            raise ValueError(f"{name} has no 'image' column (columns: {columns[:5]}...).")
        wanted = ["attributes"] if "attributes" in columns else [c for c in CELEBA_ATTRIBUTES if c in columns]
        take = parquet.metadata.num_rows if limit is None else min(parquet.metadata.num_rows,
                                                                    limit - sum(map(len, rows)))
        rows.append(_parquet_attributes(parquet.read(columns=wanted).slice(0, take), name))
        files.append((parquet, take, name))
        if limit is not None and sum(map(len, rows)) >= limit:
            break
    count = sum(map(len, rows))
    if not count:
        raise ValueError("the parquet files hold no images.")

    def encoded():  # one record batch of image bytes in memory at a time
        for parquet, take, name in files:
            for batch in parquet.iter_batches(batch_size=256, columns=["image"]):
                for image in batch.column(0).to_pylist()[:take]:
                    if isinstance(image, dict):
                        yield f"{image.get('path') or 'an image'} in {Path(str(name)).name}", image["bytes"]
                    else:
                        yield f"an image in {Path(str(name)).name}", image
                take -= batch.num_rows
                if take <= 0:
                    break

    return _preprocessed(encoded(), count, np.concatenate(rows), verbose)


def _parquet_attributes(table, name) -> np.ndarray:
    """uint8 0/1 attributes (N, 40) from a table of the 40 columns or one ``attributes`` struct."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {column: table.column(column) for column in table.column_names}
    if "attributes" in columns:  # one struct column holding the 40 attributes
        struct = columns.pop("attributes").combine_chunks()
        columns.update({field.name: struct.field(index) for index, field in enumerate(struct.type)})
    missing = [attribute for attribute in CELEBA_ATTRIBUTES if attribute not in columns]
    if missing:
        present = len(CELEBA_ATTRIBUTES) - len(missing)
        raise ValueError(f"{name} has {present} of CelebA's 40 attribute columns (missing e.g. {missing[0]}).")
    # booleans, 0/1 or -1/1 (as numbers or strings): 1 and True mean "has it"
    has_it = pa.array(["1", "true"])
    flags = [pc.is_in(pc.utf8_lower(pc.cast(columns[attribute], pa.string())), value_set=has_it)
             for attribute in CELEBA_ATTRIBUTES]
    return np.stack([flag.to_numpy(zero_copy_only=False) for flag in flags], axis=1).astype(np.uint8)
