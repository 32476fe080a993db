"""The catch-up generators shipped in workshop_utils/catchup/: small, loadable through the same
code as a learner's own checkpoint, trained (they draw something other than an untrained
network's noise), and a model of another shape gets a clear error."""

import sys
from pathlib import Path

import numpy as np
import pytest

from workshop_utils import cartoon_faces, catchup, face_models, models

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_settings import teaching_parameters  # noqa: E402

FAST_FACE_WIDTHS = tuple(teaching_parameters("04", "fast")["g_widths"])  # what the catch-up generator was trained with


def test_every_catch_up_checkpoint_is_shipped_and_small():
    for name in catchup.TRAINED:
        files = sorted((catchup.FOLDER / name).glob("epoch-*.weights.h5"))
        assert len(files) == 1, f"{name}: expected one checkpoint, found {files}"
        assert files[0].stat().st_size < 4e6, f"{name} is {files[0].stat().st_size / 1e6:.1f} MB"


@pytest.mark.parametrize("name, build", [
    ("03_generator", lambda: models.build_generator(64)),
    ("04_generator_procedural", lambda: face_models.build_face_generator(64, len(cartoon_faces.FACE_ATTRIBUTES),
                                                                          widths=FAST_FACE_WIDTHS)),
])
def test_a_catch_up_generator_loads_and_differs_from_an_untrained_one(name, build, capsys):
    untrained = build()
    before = [w.copy() for w in untrained.get_weights()]
    trained = build()
    assert catchup.restore_trained(trained, name) >= 1
    assert "Loaded the course's trained generator" in capsys.readouterr().out
    changed = [not np.allclose(a, b) for a, b in zip(before, trained.get_weights())]
    assert np.mean(changed) > 0.9, "most weights should have moved from their initial values"
    inputs = [np.random.default_rng(0).standard_normal((16, 64)).astype("float32")]
    if name.startswith("04"):
        inputs.append(np.random.default_rng(1).integers(0, 2, (16, len(cartoon_faces.FACE_ATTRIBUTES))).astype("float32"))
    images = np.asarray(trained(inputs if len(inputs) > 1 else inputs[0], training=False))
    assert images.min() >= -1 and images.max() <= 1 and images.std(axis=0).mean() > 0.05  # varied, not one image


def test_a_generator_of_another_shape_is_told_which_settings_the_checkpoint_needs():
    other = face_models.build_face_generator(64, len(cartoon_faces.FACE_ATTRIBUTES), widths=(32, 16, 8, 8))
    with pytest.raises(ValueError, match="WORKSHOP_MODE=fast"):
        catchup.restore_trained(other, "04_generator_procedural")
    with pytest.raises(ValueError, match="name must be one of"):
        catchup.restore_trained(other, "05_generator")
