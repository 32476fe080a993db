import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop_utils import datasets, metrics, mnist, runtime, scorers


def test_frechet_distance_of_a_set_with_itself_is_zero():
    features = np.random.default_rng(0).normal(size=(500, 8))
    assert metrics.frechet_distance(features, features) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_matches_the_closed_form_for_diagonal_gaussians():
    # For N(mu_a, diag(s_a^2)) and N(mu_b, diag(s_b^2)): FD = |mu_a - mu_b|^2 + sum (s_a - s_b)^2
    rng = np.random.default_rng(1)
    mu_a, mu_b = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    s_a, s_b = np.array([1.0, 2.0, 0.5]), np.array([1.0, 1.0, 1.5])
    a = mu_a + s_a * rng.standard_normal((200_000, 3))
    b = mu_b + s_b * rng.standard_normal((200_000, 3))
    expected = np.sum((mu_a - mu_b) ** 2) + np.sum((s_a - s_b) ** 2)  # 5 + 2 = 7
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=0.02)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.0, 3.0))
def test_frechet_distance_is_symmetric_non_negative_and_grows_with_a_shift(seed, shift):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(300, 4)), rng.normal(size=(300, 4))
    forward, backward = metrics.frechet_distance(a, b), metrics.frechet_distance(b, a)
    assert forward >= 0 and forward == pytest.approx(backward, rel=1e-6, abs=1e-9)
    assert metrics.frechet_distance(a, b + shift + 0.5) > forward


def test_frechet_distance_rejects_bad_features():
    with pytest.raises(ValueError, match="same d"):
        metrics.frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(ValueError, match="at least 2 rows"):
        metrics.frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="NaN"):
        metrics.frechet_distance(np.full((5, 3), np.nan), np.zeros((5, 3)))


def test_coverage_counts_effective_classes_and_confidence_the_top_probability():
    uniform = np.eye(10)[np.arange(100) % 10]
    assert metrics.class_coverage(uniform) == pytest.approx(10.0)
    assert metrics.class_coverage(np.eye(10)[np.zeros(50, int)]) == pytest.approx(1.0)
    assert metrics.class_coverage(np.eye(10)[np.arange(40) % 2]) == pytest.approx(2.0)
    probabilities = np.array([[0.9, 0.1], [0.6, 0.4]])
    assert metrics.mean_confidence(probabilities) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="summing to 1"):
        metrics.mean_confidence(np.array([[0.5, 0.2]]))
    with pytest.raises(ValueError, match=r"\(N, classes\)"):
        metrics.class_coverage(np.ones(10) / 10)


def test_check_images_rejects_wrong_shape_and_range():
    assert metrics.check_images(np.zeros((2, 28, 28))).shape == (2, 28, 28, 1)
    with pytest.raises(ValueError, match=r"\(N, 28, 28, 1\)"):
        metrics.check_images(np.zeros((2, 32, 32, 1)))
    with pytest.raises(ValueError, match=r"in \[-1, 1\]"):
        metrics.check_images(np.full((2, 28, 28), 255.0))


@pytest.fixture(scope="module")
def standin():
    return mnist.procedural_standin(train=1000, test=300, seed=3)


def test_digit_scorer_trains_once_caches_atomically_and_reloads(tmp_path, monkeypatch, standin):
    monkeypatch.setenv(runtime.CACHE_ENV_VAR, str(tmp_path))
    scorer = scorers.digit_scorer(standin.x_train, standin.y_train, epochs=4, verbose=False)
    cached = list(tmp_path.iterdir())
    assert len(cached) == 1 and cached[0].suffix == ".keras"  # no temporary file left behind
    test_images = datasets.to_unit_range(standin.x_test)
    assert scorer.accuracy(test_images, standin.y_test) > 0.85  # chance is 0.1

    monkeypatch.setattr(scorers, "build_digit_classifier", lambda: pytest.fail("retrained"))
    again = scorers.digit_scorer(standin.x_train, standin.y_train, epochs=4, verbose=False)
    np.testing.assert_allclose(
        again.features_and_probabilities(test_images[:20])[1],
        scorer.features_and_probabilities(test_images[:20])[1], atol=1e-5)


def test_a_corrupt_cached_classifier_is_rebuilt(tmp_path, monkeypatch, standin):
    monkeypatch.setenv(runtime.CACHE_ENV_VAR, str(tmp_path))
    scorers.digit_scorer(standin.x_train, standin.y_train, epochs=1, verbose=False)
    (cached,) = tmp_path.iterdir()
    cached.write_bytes(b"not a keras file")
    scorer = scorers.digit_scorer(standin.x_train, standin.y_train, epochs=1, verbose=False)
    assert scorer.accuracy(datasets.to_unit_range(standin.x_test), standin.y_test) > 0.5
    assert cached.stat().st_size > 1000


def test_scores_tell_real_digits_from_noise(tmp_path, monkeypatch, standin):
    monkeypatch.setenv(runtime.CACHE_ENV_VAR, str(tmp_path))
    scorer = scorers.digit_scorer(standin.x_train, standin.y_train, epochs=4, verbose=False)
    real = datasets.to_unit_range(standin.x_test)
    noise = np.random.default_rng(0).uniform(-1, 1, real.shape).astype("float32")
    real_score = scorer.score(datasets.to_unit_range(standin.x_train[:300]), real)
    noise_score = scorer.score(noise, real)
    assert real_score["fd"] * 10 < noise_score["fd"]
    assert real_score["coverage"] > 9.0 and real_score["confidence"] > 0.8
    with pytest.raises(ValueError, match="exactly one"):
        scorer.score(noise)


def test_digit_scorer_rejects_bad_training_data():
    with pytest.raises(ValueError, match="uint8 digits"):
        scorers.digit_scorer(np.zeros((10, 28, 28), np.float32), np.zeros(10))
    with pytest.raises(ValueError, match="one label per image"):
        scorers.digit_scorer(np.zeros((10, 28, 28), np.uint8), np.zeros(3))
