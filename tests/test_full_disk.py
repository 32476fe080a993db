"""A full or read-only folder never stops the lesson (a free Google Drive holds 15 GB; the CelebA
cache alone is 2.5 GB): the CelebA cache, a trained scorer, a GIF, a generator file, a
checkpoint and the output folder each fail with one warning that names the folder, the space
needed and free, and what to do; the cell goes on with what is in memory, nothing is left
half-written, and a later run with space writes as before.

The first test runs the real thing on a 1 MB tmpfs (mounted in a private mount namespace with
``unshare``, or directly as root); the others simulate the failure, so they run everywhere."""

import errno
import io
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from workshop_utils import celeba, celeba_sources, files, plotting, runtime

ROOT = Path(__file__).resolve().parents[1]

ON_A_FULL_DISK = textwrap.dedent('''
    import os, sys
    from pathlib import Path
    small, work = Path(sys.argv[1]), Path(sys.argv[2])
    os.environ["WORKSHOP_CACHE_DIR"] = str(small / "cache")
    os.environ["WORKSHOP_OUTPUT_DIR"] = str(small / "outputs")
    import keras, numpy as np
    from PIL import Image
    from workshop_utils import callbacks, cartoon_faces, catchup, celeba, celeba_sources, datasets, face_models
    from workshop_utils import plotting, runtime, scorers

    folder = work / "celeba"  # a small offline CelebA, on a disk with space
    (folder / "img_align_celeba").mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(12):
        Image.fromarray(rng.integers(0, 256, (218, 178, 3), dtype=np.uint8)).save(
            folder / "img_align_celeba" / f"{i + 1:06d}.jpg", quality=90)
    values = rng.choice([-1, 1], (12, 40))
    lines = ["12", " ".join(celeba.CELEBA_ATTRIBUTES)] + [
        f"{i + 1:06d}.jpg " + " ".join(map(str, row)) for i, row in enumerate(values)]
    (folder / "list_attr_celeba.txt").write_text("\\n".join(lines) + "\\n")
    source = [celeba_sources.OfflineFolder(folder)]

    free = os.statvfs(small).f_bavail * os.statvfs(small).f_frsize
    (small / "filler").write_bytes(bytes(free - 8192))  # the Drive is full but for 8 KB
    print("=== cache")
    faces = celeba.load_celeba(sources=source)
    assert len(faces) == 12 and "not cached" not in faces.source
    print("=== scorer")
    tiny = lambda: keras.Sequential([keras.Input((4,)), keras.layers.Dense(300)])
    scorers._cached_model(small / "cache" / "scorer.keras", tiny, "tiny scorer")
    print("=== gif")
    frames = rng.integers(0, 256, (6, 128, 128, 3), dtype=np.uint8)
    assert plotting.save_gif(frames, runtime.output_dir("gifs") / "run.gif") is None
    assert len(plotting.gif_bytes(frames)) > 8192  # what the notebook shows instead
    print("=== generator")
    generator = face_models.build_face_generator(8, 5, widths=(16, 8, 8, 8))
    assert catchup.save_generator(generator, small / "outputs" / "04") is None
    print("=== checkpoints")
    keras.utils.set_random_seed(0)
    gan = face_models.VACGAN(generator, face_models.build_face_discriminator(5, widths=(8, 8, 8, 8)))
    gan.compile(keras.optimizers.Adam(2e-4), keras.optimizers.Adam(2e-4))
    images, attributes = cartoon_faces.procedural_faces(32, seed=0)
    data = datasets.attribute_dataset(images, attributes[:, :5], batch_size=16).repeat()
    checkpoint = callbacks.EpochCheckpoint(runtime.output_dir("04"), settings={"width": 16})
    gan.fit(data, epochs=3, steps_per_epoch=2, verbose=0, callbacks=[checkpoint])
    assert int(gan.d_optimizer.iterations.numpy()) == 6  # training went on past every failed write
    print("=== left behind:", sorted(str(p.relative_to(small)) for p in small.rglob("*") if p.is_file()))
    (small / "filler").unlink()  # space again: the next run writes as before
    print("=== with space")
    faces = celeba.load_celeba(sources=source)
    gan.fit(data, epochs=4, initial_epoch=3, steps_per_epoch=2, verbose=0, callbacks=[checkpoint])
    print("=== checkpoints now:", [path.name for _, path in checkpoint.checkpoints()])
''')


def run_on_a_small_file_system(tmp_path, size="1m"):
    """Run ``ON_A_FULL_DISK`` with a tmpfs of ``size`` mounted at ``tmp_path/small``; its output."""
    small, work = tmp_path / "small", tmp_path / "work"
    small.mkdir()
    work.mkdir()
    script = tmp_path / "full_disk.py"
    script.write_text(ON_A_FULL_DISK)
    inner = f'mount -t tmpfs -o size={size} tmpfs "{small}" && exec "{sys.executable}" "{script}" "{small}" "{work}"'
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    tries = []
    if shutil.which("unshare"):
        tries.append(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", inner])
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("unshare"):
        tries.append(["unshare", "--mount", "sh", "-c", inner])  # root without user namespaces
    for command in tries:
        result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)
        if "===" in result.stdout or result.returncode == 0:
            return result
    pytest.skip("cannot mount a tmpfs here (no unshare, no user namespaces, not root); "
                "the simulated tests below cover the same code")


def test_a_full_file_system_stops_nothing_and_leaves_nothing_half_written(tmp_path):
    result = run_on_a_small_file_system(tmp_path)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    sections = dict(part.split("\n", 1) for part in out.split("=== ")[1:])
    for section, what in [("cache", "the CelebA cache"), ("scorer", "the trained tiny scorer"),
                          ("gif", "the training GIF"), ("generator", "the generator's weights"),
                          ("checkpoints", "checkpoint epoch-00001.weights.h5")]:
        warnings = [line for line in sections[section].splitlines() if line.startswith("Warning: could not write")]
        assert len(warnings) == 1, (section, sections[section])  # one warning, not one per epoch
        warning = warnings[0]
        assert f"could not write {what} to {tmp_path / 'small'}" in warning, warning
        assert "No space left on device" in warning or "not enough space" in warning, warning
        assert " needed, " in warning and " free there" in warning, warning
        setting = "WORKSHOP_CACHE_DIR" if section in ("cache", "scorer") else "WORKSHOP_OUTPUT_DIR"
        assert f"free space there, or point {setting} at" in warning, warning
    assert "Loaded Faces(12 images" in sections["cache"] and "(not cached)" in sections["cache"]
    assert "Traceback" not in out + result.stderr
    left = out.split("=== left behind: ", 1)[1].splitlines()[0]
    assert all(name == "filler" or name.endswith("settings.json") for name in eval(left)), left  # no half file
    assert "cached in" in sections["with space"]
    assert "saved again, after 3 that could not be written" in sections["with space"]
    assert "checkpoints now: ['epoch-00004.weights.h5']" in out


def celeba_folder(root, count=6):
    from PIL import Image

    (root / "img_align_celeba").mkdir(parents=True)
    for index in range(count):
        buffer = io.BytesIO()
        Image.fromarray(np.full((218, 178, 3), 20 * index, np.uint8)).save(buffer, "JPEG")
        (root / "img_align_celeba" / f"{index + 1:06d}.jpg").write_bytes(buffer.getvalue())
    lines = [str(count), " ".join(celeba.CELEBA_ATTRIBUTES)]
    lines += [f"{i + 1:06d}.jpg " + " ".join(["1"] * 40) for i in range(count)]
    (root / "list_attr_celeba.txt").write_text("\n".join(lines) + "\n")
    return [celeba_sources.OfflineFolder(root)]


def test_numpys_short_write_becomes_one_warning_and_the_faces_stay_in_memory(tmp_path, monkeypatch, capsys):
    """What a full Drive gave before: ``OSError: 3686400 requested and 2097024 written``."""
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(tmp_path / "cache"))
    sources = celeba_folder(tmp_path / "celeba")
    real_save = np.save

    def short_write(path, array, **kwargs):
        Path(path).write_bytes(b"\x93NUMPY half")  # what a full disk leaves: part of the file
        raise OSError(f"{array.nbytes} requested and 11 written")

    monkeypatch.setattr(np, "save", short_write)
    monkeypatch.setattr(files, "free_bytes", lambda path: 2_097_024)
    faces = celeba.load_celeba(sources=sources)
    out = capsys.readouterr().out
    assert faces.images.shape == (6, 64, 64, 3) and "(not cached)" in out
    warning = next(line for line in out.splitlines() if line.startswith("Warning"))
    assert "the CelebA cache" in warning and str(tmp_path / "cache") in warning
    assert "(74 requested and 11 written: about 74 KB needed, 2.1 MB free there)" in warning.replace("73728", "74")
    assert list((tmp_path / "cache").iterdir()) == []  # nothing half-written
    monkeypatch.setattr(np, "save", real_save)
    celeba.load_celeba(sources=sources)  # with a disk that works again: cached as before
    assert "cached in" in capsys.readouterr().out


def test_the_warning_names_space_and_the_setting_for_colab_and_drive(tmp_path, monkeypatch):
    monkeypatch.setenv("COLAB_RELEASE_TAG", "test")
    monkeypatch.setattr(files, "free_bytes", lambda path: 300_000_000)
    full = OSError(errno.ENOSPC, "No space left on device")
    message = files.unwritable_message(Path(runtime.DRIVE_FOLDER) / "cache" / "celeba64-v2-all", "the CelebA cache",
                                       full, needed=2_490_000_000, setting=files.CACHE_SETTING,
                                       consequence="Training goes on.")
    assert message == (
        "Warning: could not write the CelebA cache to /content/drive/MyDrive/cache (No space left on device: "
        "about 2.5 GB needed, 0.3 GB free there). Training goes on. To keep it next time: free space in your "
        "Google Drive (drive.google.com; empty its bin too), or point WORKSHOP_CACHE_DIR at /content/cache "
        '(os.environ["WORKSHOP_CACHE_DIR"] = "...", then run this cell again).')
    read_only = files.unwritable_message(tmp_path / "x.gif", "the GIF", OSError(errno.EROFS, "Read-only file system"))
    assert "(Read-only file system" in read_only and "point WORKSHOP_OUTPUT_DIR at a folder you can write" in read_only


def test_an_output_folder_that_cannot_be_made_gives_a_temporary_one(tmp_path, monkeypatch, capsys):
    blocked = tmp_path / "a_file"
    blocked.write_text("in the way")  # mkdir under a file fails for root too (unlike chmod)
    monkeypatch.setenv("WORKSHOP_OUTPUT_DIR", str(blocked))
    folder = runtime.output_dir("gifs")
    assert folder.is_dir() and blocked.is_file()
    out = capsys.readouterr().out
    assert out.startswith(f"Warning: could not write the folder gifs to {blocked}") and str(folder) in out
    assert plotting.save_gif(np.zeros((2, 8, 8), np.uint8), folder / "run.gif") == folder / "run.gif"
