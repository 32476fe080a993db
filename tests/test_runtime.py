import keras
import numpy as np
import pytest

from workshop_utils import runtime


def test_mode_defaults_to_fast_without_gpu_and_full_with_one(monkeypatch):
    monkeypatch.delenv(runtime.MODE_ENV_VAR, raising=False)
    monkeypatch.setattr(runtime, "has_gpu", lambda: False)
    assert runtime.get_mode() == "fast"
    monkeypatch.setattr(runtime, "has_gpu", lambda: True)
    assert runtime.get_mode() == "full"


@pytest.mark.parametrize("value", ["smoke", "FAST", " full "])
def test_mode_is_read_from_the_environment(monkeypatch, value):
    monkeypatch.setenv(runtime.MODE_ENV_VAR, value)
    assert runtime.get_mode() == value.strip().lower()


def test_unknown_mode_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(runtime.MODE_ENV_VAR, "turbo")
    with pytest.raises(ValueError, match="full, fast, smoke"):
        runtime.get_mode()


def test_scaled_picks_the_value_for_the_mode_and_prints_what_runs(capsys):
    params = runtime.scaled(epochs={"full": 10, "fast": 3, "smoke": 1}, batch_size=64, mode="fast")
    assert (params.epochs, params.batch_size, params.mode) == (3, 64, "fast")
    printed = capsys.readouterr().out
    assert "epochs" in printed and "= 3" in printed and "[full: 10]" in printed
    assert "batch_size = 64" in printed and "[full: 64]" not in printed


def test_scaled_requires_a_value_for_every_mode():
    with pytest.raises(ValueError, match="each mode"):
        runtime.scaled(epochs={"full": 10, "fast": 3}, mode="smoke")
    with pytest.raises(ValueError, match="mode must be one of"):
        runtime.scaled(epochs=1, mode="quick")


def test_seed_everything_makes_draws_repeatable():
    runtime.seed_everything(3)
    first = (np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,))))
    runtime.seed_everything(3)
    second = (np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,))))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    with pytest.raises(ValueError, match="non-negative int"):
        runtime.seed_everything(-1)


def test_setup_prints_place_device_and_mode(capsys, monkeypatch):
    monkeypatch.setenv(runtime.MODE_ENV_VAR, "smoke")
    assert runtime.setup(seed=1) == "smoke"
    printed = capsys.readouterr().out
    assert "CPU" in printed or "GPU" in printed
    assert "mode='smoke'" in printed and "seed=1" in printed
    assert not runtime.in_colab()


def test_on_colab_with_drive_mounted_the_cache_and_outputs_go_to_drive(monkeypatch, tmp_path):
    drive = tmp_path / "MyDrive"
    drive.mkdir()
    monkeypatch.setattr(runtime, "DRIVE_FOLDER", str(drive))
    monkeypatch.setattr(runtime, "in_colab", lambda: True)
    monkeypatch.delenv(runtime.CACHE_ENV_VAR, raising=False)
    assert runtime.cache_dir() == drive / "making-faces" / "cache"  # survives a disconnect
    assert runtime.output_dir("checkpoints") == drive / "making-faces" / "checkpoints"
    monkeypatch.setenv(runtime.CACHE_ENV_VAR, str(tmp_path / "elsewhere"))
    assert runtime.cache_dir() == tmp_path / "elsewhere"  # the variable still wins
    monkeypatch.setattr(runtime, "in_colab", lambda: False)
    monkeypatch.delenv(runtime.CACHE_ENV_VAR)
    assert "making-faces" not in str(runtime.cache_dir())


def test_one_device_gets_the_default_strategy_and_float32(capsys):
    """On this CPU: no strategy to speak of (learners on one device see no difference), and
    mixed precision stays off even when the mode asks for it (float16 is slow on CPUs)."""
    import keras
    import tensorflow as tf

    strategy = runtime.distribution_strategy()
    assert strategy is tf.distribute.get_strategy() and strategy.num_replicas_in_sync == 1
    assert runtime.distribution_strategy() is strategy  # chosen once per process
    assert "devices" not in runtime.describe()
    assert runtime.use_mixed_precision(True) == "float32" == keras.config.dtype_policy().name
    assert runtime.devices(64, mixed_precision=True) == (strategy, 64)
    assert "1 device(s), float32: global batch 64 (64 per device)" in capsys.readouterr().out
