"""CelebA loading, offline, on small fixtures in the official, Kaggle and mirror formats
that the tests write themselves; malformed ones included."""

import io
import json
import zipfile

import numpy as np
import pytest
from PIL import Image

from workshop_utils import cartoon_faces, celeba, celeba_files, celeba_layout, celeba_sources, datasets, runtime
from workshop_utils.celeba_files import CELEBA_ATTRIBUTES

COUNT = 12


def photo(index, size=(178, 218)):
    """A JPEG the size of an aligned CelebA photo: a colour per index, a dark square in the centre."""
    rng = np.random.default_rng(index)
    pixels = np.zeros((size[1], size[0], 3), np.uint8) + rng.integers(0, 256, 3, dtype=np.uint8)
    pixels[size[1] // 2 - 20: size[1] // 2 + 20, size[0] // 2 - 20: size[0] // 2 + 20] = 10
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def attribute_values(count=COUNT):
    return np.random.default_rng(0).integers(0, 2, size=(count, len(CELEBA_ATTRIBUTES)))


def attribute_text(values, count=None, names=CELEBA_ATTRIBUTES):
    lines = [str(len(values) if count is None else count), " ".join(names)]
    for index, row in enumerate(values):
        lines.append(f"{index + 1:06d}.jpg " + " ".join(f"{2 * int(v) - 1:2d}" for v in row))
    return "\n".join(lines) + "\n"


@pytest.fixture
def official(tmp_path):
    """The official layout: img_align_celeba/ (and its zip) + list_attr_celeba.txt."""
    folder = tmp_path / "celeba"
    images = folder / "img_align_celeba"
    images.mkdir(parents=True)
    for index in range(COUNT):
        (images / f"{index + 1:06d}.jpg").write_bytes(photo(index))
    (folder / "list_attr_celeba.txt").write_text(attribute_text(attribute_values()))
    return folder


def make_zip(folder):
    path = folder / "img_align_celeba.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for image in sorted((folder / "img_align_celeba").glob("*.jpg")):
            archive.write(image, f"img_align_celeba/{image.name}")
    return path


def test_attribute_table_reads_minus_one_as_zero(official):
    names, attributes, header = celeba_files.read_attribute_table(official / "list_attr_celeba.txt")
    assert names[0] == "000001.jpg" and len(names) == COUNT and header == CELEBA_ATTRIBUTES
    np.testing.assert_array_equal(attributes, attribute_values())
    assert attributes.dtype == np.uint8


def test_kaggle_csv_attribute_table(tmp_path):
    values = attribute_values()
    lines = ["image_id," + ",".join(CELEBA_ATTRIBUTES)]
    lines += [f"{i + 1:06d}.jpg," + ",".join(str(2 * v - 1) for v in row) for i, row in enumerate(values)]
    path = tmp_path / "list_attr_celeba.csv"
    path.write_text("\n".join(lines))
    names, attributes, _ = celeba_files.read_attribute_table(path)
    assert names[-1] == f"{COUNT:06d}.jpg"
    np.testing.assert_array_equal(attributes, values)


def drop_last_value(text, image):
    return "\n".join(line.rsplit(" ", 1)[0] if line.startswith(image) else line for line in text.splitlines())


def set_value(text, image, column, value):
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(image):
            fields = line.split()
            fields[1 + column] = value
            lines[index] = " ".join(fields)
    return "\n".join(lines)


@pytest.mark.parametrize("mangle, message", [
    (lambda text: "<!DOCTYPE html><html><title>Quota exceeded</title></html>", "HTML page"),
    (lambda text: text.replace(" Young", ""), "39 attributes"),
    (lambda text: text.replace("Smiling", "Smirking"), "not CelebA's"),
    (lambda text: "\n".join(text.splitlines()[:-3]), "announces 12 images but has 9"),
    (lambda text: text.replace(" 1", " 7", 1), "-1 or 1"),
    (lambda text: text.replace(" 1", " 300", 1), "-1 or 1"),
    (lambda text: text.replace("000003.jpg", "000003.jpg 1", 1), r"line 5 \(000003.jpg\): expected 40 values .* got 41"),
    (lambda text: drop_last_value(text, "000004.jpg"), r"line 6 \(000004.jpg\): expected 40 values .* got 39"),
    (lambda text: set_value(text, "000007.jpg", 31, "2"), r"line 9 \(000007.jpg\): Smiling is '2'; .* -1 or 1"),
    (lambda text: "\n".join(line for i, line in enumerate(text.splitlines()) if i != 1),
     "the line naming the 40 attributes is missing"),
    (lambda text: text.replace("000005.jpg", "000002.jpg", 1), r"000002.jpg is listed twice \(lines 4 and 7\)"),
    (lambda text: text.split("\n", 1)[1], "number of images"),
])
def test_malformed_attribute_files_are_named_for_what_is_wrong(official, mangle, message):
    path = official / "list_attr_celeba.txt"
    path.write_text(mangle(path.read_text()))
    with pytest.raises(ValueError, match=message):
        celeba_files.read_attribute_table(path)


def test_crop_and_resize_keeps_the_centre():
    image = Image.open(io.BytesIO(photo(3)))
    face = celeba_files.crop_and_resize(image)
    assert face.shape == (64, 64, 3) and face.dtype == np.uint8
    assert face[32, 32].max() < 60  # the dark centre square is in the middle
    assert face[2, 2].min() != face[32, 32].min()


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_folder_and_zip_give_the_same_faces(official, as_zip):
    images_path = make_zip(official) if as_zip else official / "img_align_celeba"
    images, attributes = celeba_files.read_celeba_files(images_path, official / "list_attr_celeba.txt", verbose=False)
    assert images.shape == (COUNT, 64, 64, 3) and attributes.shape == (COUNT, 40)
    reference, _ = celeba_files.read_celeba_files(official / "img_align_celeba", official / "list_attr_celeba.txt",
                                            limit=3, verbose=False)
    np.testing.assert_array_equal(images[:3], reference)


def test_missing_image_is_reported(official):
    (official / "img_align_celeba" / "000005.jpg").unlink()
    with pytest.raises(ValueError, match="1 images named in the attribute file are missing.*000005"):
        celeba_files.read_celeba_files(official / "img_align_celeba", official / "list_attr_celeba.txt", verbose=False)


def test_truncated_zip_is_reported(official):
    path = make_zip(official)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ValueError, match="zip"):
        celeba_files.read_celeba_files(path, official / "list_attr_celeba.txt", verbose=False)


def test_html_saved_as_zip_is_recognised(official):
    path = official / "img_align_celeba.zip"
    path.write_text("<!DOCTYPE html><html><head><title>Google Drive - Quota exceeded</title></head></html>")
    with pytest.raises(ValueError, match="HTML page"):
        celeba_files.read_celeba_files(path, official / "list_attr_celeba.txt", verbose=False)


def test_one_undecodable_image_is_named_and_left_out_with_its_attributes(official):
    (official / "img_align_celeba" / "000002.jpg").write_bytes(b"")  # a zero-byte file
    with pytest.warns(UserWarning, match=r"Left out 1 of 12 images .*000002.jpg \(an empty file\)"):
        images, attributes = celeba_files.read_celeba_files(
            official / "img_align_celeba", official / "list_attr_celeba.txt", verbose=False)
    assert len(images) == len(attributes) == COUNT - 1
    expected = np.delete(attribute_values(), 1, axis=0)  # row 2's attributes go with its image
    np.testing.assert_array_equal(attributes, expected)
    first = celeba_files.crop_and_resize(Image.open(io.BytesIO(photo(2))))  # 000003.jpg moved up
    np.testing.assert_array_equal(images[1], first)


def test_many_undecodable_images_stop_the_run_and_are_named(official):
    (official / "img_align_celeba" / "000002.jpg").write_bytes(b"")
    (official / "img_align_celeba" / "000005.jpg").write_bytes(photo(5)[:300])  # cut off
    with pytest.raises(ValueError, match=r"2 of 12 images could not be decoded: 000002.jpg .*000005.jpg"):
        celeba_files.read_celeba_files(official / "img_align_celeba", official / "list_attr_celeba.txt", verbose=False)


def test_a_half_extracted_folder_gives_way_to_the_complete_zip_beside_it(official, capsys):
    make_zip(official)
    for name in ("000011.jpg", "000012.jpg"):
        (official / "img_align_celeba" / name).unlink()  # extraction stopped half-way
    images, attributes = celeba_sources.OfflineFolder(official).load(None, official, verbose=True)
    assert len(images) == COUNT and "lacks 2 images" in capsys.readouterr().out


def write_parquet(path, values, as_struct=False, as_bool=True, drop=None):
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {"image": [{"bytes": photo(i), "path": f"{i + 1:06d}.jpg"} for i in range(len(values))]}
    attributes = {name: [bool(v) if as_bool else int(2 * v - 1) for v in values[:, k]]
                  for k, name in enumerate(CELEBA_ATTRIBUTES) if name != drop}
    if as_struct:
        columns["attributes"] = [dict(zip(attributes, row)) for row in zip(*attributes.values())]
    else:
        columns.update(attributes)
    pq.write_table(pa.table(columns), path)


@pytest.mark.parametrize("as_struct, as_bool", [(False, True), (True, False)], ids=["columns", "struct"])
def test_mirror_parquet(tmp_path, as_struct, as_bool):
    values = attribute_values()
    write_parquet(tmp_path / "train-0.parquet", values[:8], as_struct, as_bool)
    write_parquet(tmp_path / "train-1.parquet", values[8:], as_struct, as_bool)
    images, attributes = celeba_files.read_celeba_parquet([tmp_path / "train-0.parquet", tmp_path / "train-1.parquet"],
                                                    limit=10, verbose=False)
    assert images.shape == (10, 64, 64, 3)
    np.testing.assert_array_equal(attributes, values[:10])


def test_mirror_with_missing_attribute_column(tmp_path):
    write_parquet(tmp_path / "a.parquet", attribute_values(), drop="Smiling")
    with pytest.raises(ValueError, match="39 of CelebA's 40 attribute columns"):
        celeba_files.read_celeba_parquet([tmp_path / "a.parquet"], verbose=False)


def test_mirror_that_is_not_parquet(tmp_path):
    (tmp_path / "a.parquet").write_text("<html>rate limited</html>")
    with pytest.raises(ValueError, match="not a readable parquet"):
        celeba_files.read_celeba_parquet([tmp_path / "a.parquet"], verbose=False)


# --- load_celeba: sources in order, the cache --------------------------------------------


class Broken(celeba_sources.Source):
    def __init__(self, name, error):
        self.name, self.error = name, error
        self.calls = 0

    def load(self, limit, workdir, verbose):
        self.calls += 1
        raise self.error


def test_offline_folder_is_loaded_and_cached(official, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(runtime.DATA_DIR_ENV_VAR, str(official))
    faces = celeba.load_celeba(limit=8, sources=[celeba_sources.OfflineFolder()])
    assert len(faces) == 8 and faces.names == CELEBA_ATTRIBUTES and not faces.is_standin
    np.testing.assert_array_equal(faces.attributes, attribute_values()[:8])
    cache = tmp_path / "cache" / f"celeba64-v{celeba.CACHE_VERSION}-8"
    assert sorted(p.name for p in cache.iterdir()) == ["attributes.npy", "images.npy", "meta.json"]
    assert not [p for p in cache.parent.iterdir() if p.name.startswith(".")], "temporary files left behind"
    # Second run: from the cache, without asking any source.
    never = Broken("never", AssertionError("the cache should have been used"))
    again = celeba.load_celeba(limit=8, sources=[never])
    assert never.calls == 0 and "cache" in again.source
    np.testing.assert_array_equal(np.asarray(again.images), faces.images)


def test_failing_sources_each_get_one_line_then_the_next_is_tried(official, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "cache"))
    first = Broken("mirror", ConnectionError("Max retries exceeded\nwith a long traceback"))
    second = Broken("kaggle", celeba_sources.SourceFailed("401 Unauthorized"))
    faces = celeba.load_celeba(limit=4, sources=[first, second, celeba_sources.OfflineFolder(official)])
    assert len(faces) == 4
    printed = capsys.readouterr().out
    assert "  - mirror: ConnectionError: Max retries exceeded\n" in printed
    assert "  - kaggle: 401 Unauthorized\n" in printed
    assert "traceback" not in printed


def test_when_every_source_fails_one_message_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(runtime.DATA_DIR_ENV_VAR, raising=False)
    sources = [celeba_sources.OfflineFolder(), Broken("mirror", OSError("Network is unreachable"))]
    with pytest.raises(datasets.DataUnavailableError) as caught:
        celeba.load_celeba(limit=4, sources=sources, verbose=False)
    message = str(caught.value)
    assert "offline folder: WORKSHOP_DATA_DIR is not set" in message
    assert "mirror: OSError: Network is unreachable" in message
    assert "list_attr_celeba.txt" in message and "WORKSHOP_DATA_DIR" in message and "procedural" in message
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").glob("celeba64*"))


@pytest.mark.parametrize("damage", ["meta", "version", "images", "attributes"])
def test_a_damaged_or_old_cache_is_rebuilt_not_loaded(official, monkeypatch, tmp_path, damage, capsys):
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "cache"))
    celeba.load_celeba(limit=6, sources=[celeba_sources.OfflineFolder(official)], verbose=False)
    cache = tmp_path / "cache" / f"celeba64-v{celeba.CACHE_VERSION}-6"
    if damage == "meta":
        (cache / "meta.json").write_text("{not json")
    elif damage == "version":
        meta = json.loads((cache / "meta.json").read_text())
        (cache / "meta.json").write_text(json.dumps({**meta, "version": 0}))
    elif damage == "images":
        (cache / "images.npy").write_bytes((cache / "images.npy").read_bytes()[:1000])
    else:
        np.save(cache / "attributes.npy", np.full((6, 40), 7, np.uint8))
    faces = celeba.load_celeba(limit=6, sources=[celeba_sources.OfflineFolder(official)])
    assert "not used" in capsys.readouterr().out
    np.testing.assert_array_equal(faces.attributes, attribute_values()[:6])
    celeba._read_cache(cache, 6)  # the rebuilt cache is whole again


def test_offline_folder_reads_a_copied_cache(official, monkeypatch, tmp_path):
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "cache"))
    celeba.load_celeba(limit=6, sources=[celeba_sources.OfflineFolder(official)], verbose=False)
    usb_stick = tmp_path / "usb"
    (tmp_path / "cache").rename(usb_stick)  # an instructor hands out the preprocessed cache
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "fresh"))
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(usb_stick))
    faces = celeba.load_celeba(limit=4, sources=[], verbose=False)  # no source: only a cache can answer
    assert faces.images.shape == (4, 64, 64, 3) and str(usb_stick) in faces.source


@pytest.mark.parametrize("kaggle", [False, True], ids=["official layout", "Kaggle's nested layout"])
def test_a_cached_load_never_lists_the_jpegs(official, monkeypatch, tmp_path, kaggle):
    """A slow folder (a mounted Drive of 202,599 JPEGs): a cached load finds CelebA's files
    and checks the cache's identity without listing the image folder."""
    if kaggle:  # img_align_celeba/img_align_celeba/*.jpg, as the Kaggle download unpacks
        inner = official / "img_align_celeba" / "img_align_celeba"
        inner.mkdir()
        for image in list((official / "img_align_celeba").glob("*.jpg")):
            image.rename(inner / image.name)
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(official))
    assert len(celeba.load_celeba(verbose=False)) == COUNT  # preprocess and cache
    listed, scandir = [], celeba_layout.os.scandir

    def counting(path="."):  # records each entry as it is read
        return _Listing(scandir(path), listed)

    monkeypatch.setattr(celeba_layout.os, "scandir", counting)
    faces = celeba.load_celeba(verbose=False)
    assert "cache" in faces.source and len(faces) == COUNT
    assert sum(name.endswith(".jpg") for name in listed) <= 2 < len(listed)  # the first JPEG of a folder, at most
    (official / "list_attr_celeba.txt").write_text(attribute_text(1 - attribute_values()))
    faces = celeba.load_celeba(verbose=False)  # the identity check stands: a changed attribute file is read again
    assert "cache" not in faces.source
    np.testing.assert_array_equal(faces.attributes, 1 - attribute_values())


def test_the_folder_walk_survives_a_link_loop_and_finds_files_inside_the_image_folder(official, tmp_path):
    (official / "loop").symlink_to(official, target_is_directory=True)  # a link back to a parent
    (official / "dangling").symlink_to(tmp_path / "nowhere")
    (official / "list_attr_celeba.txt").rename(official / "img_align_celeba" / "list_attr_celeba.txt")  # inside it
    images, attributes, spare = celeba_layout.find_celeba_files(official)
    assert images == official / "img_align_celeba" and attributes.parent == images and spare is None


class _Listing:
    """``os.scandir``'s iterator, noting the name of every entry read into ``listed``."""

    def __init__(self, inner, listed):
        self.inner, self.listed = inner, listed

    def __iter__(self):
        for entry in self.inner:
            self.listed.append(entry.name)
            yield entry

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.inner.close()


def smaller_copy(official, tmp_path, count):
    """Another offline folder: the first ``count`` faces of ``official``, its own attribute file."""
    folder = tmp_path / f"celeba-{count}"
    (folder / "img_align_celeba").mkdir(parents=True)
    for index in range(count):
        name = f"{index + 1:06d}.jpg"
        (folder / "img_align_celeba" / name).write_bytes((official / "img_align_celeba" / name).read_bytes())
    (folder / "list_attr_celeba.txt").write_text(attribute_text(attribute_values(count)))
    return folder


def test_a_cache_answers_only_for_the_files_it_was_built_from(official, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(official))
    assert len(celeba.load_celeba(verbose=False)) == COUNT
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(smaller_copy(official, tmp_path, 5)))  # another folder
    faces = celeba.load_celeba()
    assert len(faces) == 5  # not the 12 cached from the first folder
    assert "not used: built from offline folder, list_attr_celeba.txt sha1" in capsys.readouterr().out
    with pytest.raises(datasets.DataUnavailableError, match="got 5 images and 5 attribute rows, 8 wanted"):
        celeba.load_celeba(limit=8, verbose=False)  # not 8 faces from a folder that has 5


def test_a_partial_cache_is_never_taken_for_all_of_celeba(official, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "cache"))
    celeba.load_celeba(limit=4, sources=[celeba_sources.OfflineFolder(official)], verbose=False)
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(tmp_path / "cache"))  # the 4-face cache handed out as "the data"
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "fresh"))
    with pytest.raises(datasets.DataUnavailableError):
        celeba.load_celeba(sources=[])
    assert "holds only the first 4 faces, and all were asked for" in capsys.readouterr().out
    assert len(celeba.load_celeba(limit=3, sources=[], verbose=False)) == 3  # a smaller request may use it


def test_a_cache_whose_images_changed_is_not_used(official, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "cache"))
    celeba.load_celeba(limit=6, sources=[celeba_sources.OfflineFolder(official)], verbose=False)
    cache = tmp_path / "cache" / f"celeba64-v{celeba.CACHE_VERSION}-6"
    np.save(cache / "images.npy", np.zeros((6, 64, 64, 3), np.uint8))  # same size, zeroed
    faces = celeba.load_celeba(limit=6, sources=[celeba_sources.OfflineFolder(official)])
    assert "do not match their checksum" in capsys.readouterr().out
    assert faces.images.max() > 0  # rebuilt from the files


# --- Faces, attribute names, pipelines -------------------------------------------------


def test_unknown_attribute_gets_a_suggestion():
    with pytest.raises(ValueError, match="Did you mean 'Eyeglasses'"):
        datasets.attribute_index(CELEBA_ATTRIBUTES, "Eyeglases")
    assert datasets.attribute_index(CELEBA_ATTRIBUTES, "Young") == 39


def test_attribute_vector():
    vector = datasets.attribute_vector(CELEBA_ATTRIBUTES, ["Smiling", "Male"], off=["Young"], base=np.ones(40))
    assert vector.sum() == 39 and vector[-1] == 0 and vector[datasets.attribute_index(CELEBA_ATTRIBUTES, "Smiling")] == 1
    with pytest.raises(ValueError, match="one 0/1 value per attribute"):
        datasets.attribute_vector(CELEBA_ATTRIBUTES, [], base=np.zeros(3))


def test_procedural_faces_come_in_the_same_record_and_say_so(capsys):
    faces = cartoon_faces.load_faces(40)
    assert isinstance(faces, datasets.Faces) and faces.names == cartoon_faces.FACE_ATTRIBUTES
    assert faces.is_standin and len(faces) == 40 and "PROCEDURAL" in capsys.readouterr().out
    train, held = faces.split(10)
    assert len(train) == 30 and len(held) == 10


def test_attribute_dataset_scales_and_batches():
    images = np.random.default_rng(0).integers(0, 256, (10, 64, 64, 3), dtype=np.uint8)
    attributes = np.eye(10, 8, dtype=np.uint8)
    batches = list(datasets.attribute_dataset(images, attributes, batch_size=4, seed=1))
    assert len(batches) == 2  # remainder dropped
    x, y = batches[0]
    assert x.shape == (4, 64, 64, 3) and y.shape == (4, 8) and x.dtype.name == "float32"
    assert -1.0 <= float(x.numpy().min()) and float(x.numpy().max()) <= 1.0
    seen = np.concatenate([b[1].numpy() for b in batches])  # each image keeps its own attributes
    for x_batch, y_batch in batches:
        for image, attribute in zip(x_batch.numpy(), y_batch.numpy()):
            index = int(np.argmax(attribute)) if attribute.any() else None
            if index is not None:
                np.testing.assert_allclose(image, images[index] / 127.5 - 1, atol=1e-6)
    assert seen.shape == (8, 8)


@pytest.mark.parametrize("kwargs, message", [
    ({"images": np.zeros((4, 64, 64, 3), np.float32)}, "uint8"),
    ({"attributes": np.zeros((3, 8))}, "one attribute vector per image"),
    ({"batch_size": 5}, "batch_size"),
])
def test_attribute_dataset_rejects_bad_input(kwargs, message):
    arguments = {"images": np.zeros((4, 64, 64, 3), np.uint8), "attributes": np.zeros((4, 8)), "batch_size": 2}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        datasets.attribute_dataset(**arguments)


# --- Properties (hypothesis) ----------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402


@settings(max_examples=25, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 6), st.just(40)), elements=st.integers(0, 1)))
def test_attribute_file_round_trip(tmp_path_factory, values):
    path = tmp_path_factory.mktemp("attrs") / "list_attr_celeba.txt"
    path.write_text(attribute_text(values))
    _, read, _ = celeba_files.read_attribute_table(path)
    np.testing.assert_array_equal(read, values)


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(CELEBA_ATTRIBUTES), max_size=6), st.sets(st.sampled_from(CELEBA_ATTRIBUTES), max_size=6),
       st.integers(0, 1))
def test_attribute_vector_switches_exactly_what_it_is_told(on, off, fill):
    vector = datasets.attribute_vector(CELEBA_ATTRIBUTES, sorted(on), sorted(off), base=np.full(40, fill))
    for index, name in enumerate(CELEBA_ATTRIBUTES):
        expected = 1 if name in on else 0 if name in off else fill  # "on" wins over "off"
        assert vector[index] == expected


@settings(max_examples=20, deadline=None)
@given(st.integers(64, 400), st.integers(64, 400), st.sampled_from(["JPEG", "PNG"]))
def test_crop_and_resize_gives_64_by_64_from_any_size(width, height, kind):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format=kind)
    face = celeba_files.crop_and_resize(Image.open(io.BytesIO(buffer.getvalue())))
    assert face.shape == (64, 64, 3) and face.dtype == np.uint8
    assert abs(int(face[32, 32, 0]) - 200) < 8


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_unknown_names_always_raise_a_value_error_listing_the_known_ones(name):
    if name in CELEBA_ATTRIBUTES:
        return
    try:
        datasets.attribute_index(CELEBA_ATTRIBUTES, name)
    except ValueError as error:
        assert "Known attributes: 5_o_Clock_Shadow" in str(error)
    else:
        raise AssertionError("no error")


def test_a_numpy_integer_limit_works_like_an_int(official, monkeypatch, tmp_path):
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "cache"))
    faces = celeba.load_celeba(limit=np.int64(4), sources=[celeba_sources.OfflineFolder(official)], verbose=False)
    assert len(faces) == 4 and (tmp_path / "cache" / f"celeba64-v{celeba.CACHE_VERSION}-4").is_dir()


@settings(max_examples=25, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(2, 8), st.just(40)), elements=st.integers(0, 1)), st.data())
def test_a_name_listed_twice_is_always_refused_with_both_lines(tmp_path_factory, values, data):
    first, second = sorted(data.draw(st.lists(st.integers(0, len(values) - 1), min_size=2, max_size=2, unique=True)))
    lines = attribute_text(values).splitlines()
    lines[2 + second] = f"{first + 1:06d}.jpg" + lines[2 + second][len("000000.jpg"):]
    path = tmp_path_factory.mktemp("attrs") / "list_attr_celeba.txt"
    path.write_text("\n".join(lines))
    with pytest.raises(ValueError, match=rf"{first + 1:06d}.jpg is listed twice \(lines {first + 3} and {second + 3}\)"):
        celeba_files.read_attribute_table(path)


@settings(max_examples=25, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 6), st.just(40)), elements=st.integers(0, 1)))
def test_a_missing_header_line_is_always_named_as_such(tmp_path_factory, values):
    lines = attribute_text(values).splitlines()
    path = tmp_path_factory.mktemp("attrs") / "list_attr_celeba.txt"
    path.write_text("\n".join(lines[:1] + lines[2:]))
    with pytest.raises(ValueError, match="the line naming the 40 attributes is missing"):
        celeba_files.read_attribute_table(path)


@settings(max_examples=40, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 6), st.just(40)), elements=st.integers(0, 1)), st.data(),
       st.one_of(st.integers(-128, 127).filter(lambda v: v not in (-1, 1)).map(str),
                 st.text("abcxyz.+", min_size=1, max_size=4)))
def test_any_bad_value_is_named_by_line_image_and_attribute(tmp_path_factory, values, data, bad):
    row = data.draw(st.integers(0, len(values) - 1))
    column = data.draw(st.integers(0, 39))
    lines = attribute_text(values).splitlines()
    fields = lines[2 + row].split()
    fields[1 + column] = bad
    lines[2 + row] = " ".join(fields)
    path = tmp_path_factory.mktemp("attrs") / "list_attr_celeba.txt"
    path.write_text("\n".join(lines))
    expected = rf"line {row + 3} \({row + 1:06d}.jpg\): {CELEBA_ATTRIBUTES[column]} is {bad!r}"
    with pytest.raises(ValueError, match=expected.replace("+", r"\+").replace(".", r"\.").replace("'", "'")):
        celeba_files.read_attribute_table(path)
