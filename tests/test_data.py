
import keras
import numpy as np
import pytest

from workshop_utils import datasets, mnist, runtime


def write_mnist(path, train=20, test=10, **overrides):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, train).astype(np.uint8),
        "x_test": rng.integers(0, 256, (test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, test).astype(np.uint8),
    }
    arrays.update(overrides)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    np.savez(path, **arrays)
    return path


@pytest.fixture
def no_download(monkeypatch):
    def refuse():
        raise Exception("URL fetch failure on https://example.invalid/mnist.npz: None -- [Errno -3] no network")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", refuse)


def test_procedural_digits_are_deterministic_balanced_and_distinct():
    images, labels = mnist.procedural_digits(200, seed=5)
    assert images.shape == (200, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels, minlength=10).tolist() == [20] * 10
    again, _ = mnist.procedural_digits(200, seed=5)
    np.testing.assert_array_equal(images, again)
    assert images.max() == 255 and images[:, 0, 0].max() < 50  # ink on a dark background
    means = np.stack([images[labels == d].mean(0) for d in range(10)])
    distances = np.abs(means[:, None] - means[None]).mean((2, 3))
    assert distances[~np.eye(10, dtype=bool)].min() > 5  # every digit looks different on average


@pytest.mark.parametrize("count, size", [(0, 28), (-3, 28), (10, 4)])
def test_procedural_digits_reject_bad_arguments(count, size):
    with pytest.raises(ValueError):
        mnist.procedural_digits(count, size=size)


def test_offline_folder_is_read_first(tmp_path, monkeypatch, no_download):
    write_mnist(tmp_path / "mnist.npz")
    monkeypatch.setenv(runtime.DATA_DIR_ENV_VAR, str(tmp_path))
    digits = mnist.load_mnist(verbose=False)
    assert digits.x_train.shape == (20, 28, 28) and "offline" in digits.source
    assert not digits.is_standin


def test_no_source_gives_one_message_that_says_what_to_do(tmp_path, monkeypatch, no_download):
    monkeypatch.setenv(runtime.DATA_DIR_ENV_VAR, str(tmp_path))  # empty folder
    with pytest.raises(datasets.DataUnavailableError) as error:
        mnist.load_mnist(verbose=False)
    message = str(error.value)
    assert "no mnist.npz in" in message and "URL fetch failure" in message
    assert runtime.DATA_DIR_ENV_VAR in message and "WORKSHOP_MODE=smoke" in message
    assert "Traceback" not in message


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"<html><body>Quota exceeded</body></html>", "not a readable .npz"),
        (b"PK\x03\x04 truncated zip", "not a readable .npz"),
    ],
)
def test_corrupt_offline_files_are_reported_not_loaded(tmp_path, content, reason):
    (tmp_path / "mnist.npz").write_bytes(content)
    with pytest.raises(ValueError, match=reason):
        mnist.read_mnist_npz(tmp_path / "mnist.npz")


def test_truncated_npz_is_reported(tmp_path):
    good = write_mnist(tmp_path / "good.npz")
    (tmp_path / "cut.npz").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ValueError, match="not a readable .npz"):
        mnist.read_mnist_npz(tmp_path / "cut.npz")


def test_npz_with_wrong_layout_is_reported(tmp_path):
    with pytest.raises(ValueError, match="lacks the arrays"):
        mnist.read_mnist_npz(write_mnist(tmp_path / "a.npz", y_test=None))
    wrong = np.zeros((5, 32, 32), np.uint8)
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        mnist.read_mnist_npz(write_mnist(tmp_path / "b.npz", x_train=wrong, y_train=np.zeros(5, np.uint8)))


def test_broken_offline_file_falls_through_and_is_named(tmp_path, monkeypatch, no_download):
    (tmp_path / "mnist.npz").write_bytes(b"<html>not data</html>")
    monkeypatch.setenv(runtime.DATA_DIR_ENV_VAR, str(tmp_path))
    with pytest.raises(datasets.DataUnavailableError, match="not a readable .npz"):
        mnist.load_mnist(verbose=False)


def test_procedural_source_is_announced(capsys):
    digits = mnist.load_mnist("procedural")
    assert digits.is_standin and digits.x_train.shape[1:] == (28, 28)
    assert "PROCEDURAL stand-in" in capsys.readouterr().out
    with pytest.raises(ValueError, match="source must be one of"):
        mnist.load_mnist("kaggle")


def test_to_unit_range_scales_and_adds_a_channel():
    scaled = datasets.to_unit_range(np.array([[[0, 255]]], dtype=np.uint8))
    assert scaled.shape == (1, 1, 2, 1) and scaled.dtype == np.float32
    np.testing.assert_allclose(scaled.ravel(), [-1.0, 1.0])
    with pytest.raises(ValueError, match="uint8"):
        datasets.to_unit_range(np.zeros((2, 28, 28), np.float32))
    with pytest.raises(ValueError, match="shape"):
        datasets.to_unit_range(np.zeros((28, 28), np.uint8))


def test_image_dataset_batches_images_and_labels():
    images, labels = mnist.procedural_digits(70)
    batches = list(datasets.image_dataset(images, labels, batch_size=32, seed=1))
    assert len(batches) == 2  # the remainder of 6 is dropped: every step sees a full batch
    batch_images, batch_labels = batches[0]
    assert batch_images.shape == (32, 28, 28, 1) and batch_labels.shape == (32,)
    assert -1.0 <= float(np.min(batch_images)) and float(np.max(batch_images)) <= 1.0
    only_images = next(iter(datasets.image_dataset(images, batch_size=8, shuffle=False)))
    np.testing.assert_allclose(only_images.numpy(), datasets.to_unit_range(images[:8]))


def test_the_pipelines_leave_tf_data_autotuning_off_unless_asked_and_still_batch_the_same():
    """Autotuning made some fit() calls wait at their end (datasets.finish); off by default."""
    images, labels = mnist.procedural_digits(70)
    faces = np.zeros((40, 8, 8, 3), np.uint8), np.ones((40, 3), np.float32)
    for build in (lambda **kw: datasets.image_dataset(images, labels, batch_size=32, seed=1, **kw),
                  lambda **kw: datasets.attribute_dataset(*faces, batch_size=16, seed=1, **kw)):
        quiet, tuned = build(), build(autotune=True)
        assert quiet.options().autotune.enabled is False and tuned.options().autotune.enabled is True
        assert quiet.repeat().options().autotune.enabled is False  # what fit() iterates keeps it
        for a, b in zip(quiet, tuned):  # the same batches either way
            np.testing.assert_array_equal(a[0].numpy(), b[0].numpy())


def test_image_dataset_rejects_bad_input():
    images, labels = mnist.procedural_digits(20)
    with pytest.raises(ValueError, match="one label per image"):
        datasets.image_dataset(images, labels[:5], batch_size=4)
    with pytest.raises(ValueError, match="larger than"):
        datasets.image_dataset(images, batch_size=64)
    with pytest.raises(ValueError, match="positive int"):
        datasets.image_dataset(images, batch_size=0)
