import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop_utils import metrics, models, plotting, sampling, toys


def test_ring_centres_lie_on_the_circle_evenly():
    centres = toys.ring_centres(8, radius=2.0)
    assert centres.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 2.0, rtol=1e-6)
    gaps = np.linalg.norm(np.diff(np.vstack([centres, centres[:1]]), axis=0), axis=1)
    np.testing.assert_allclose(gaps, gaps[0], rtol=1e-5)
    with pytest.raises(ValueError, match="positive int"):
        toys.ring_centres(0)


def test_ring_samples_cluster_around_their_modes():
    points, ids = toys.ring_of_gaussians(4000, std=0.05, seed=1)
    offsets = points - toys.ring_centres()[ids]
    assert abs(offsets.std() - 0.05) < 0.005
    assert np.bincount(ids, minlength=8).min() > 400
    with pytest.raises(ValueError, match="std must be positive"):
        toys.ring_of_gaussians(10, std=0)


def test_mode_coverage_counts_modes_and_quality():
    centres = toys.ring_centres()
    points, ids = toys.ring_of_gaussians(4000, std=0.05, seed=2)
    full = toys.mode_coverage(points, centres, std=0.05)
    assert full["modes_covered"] == 8 and full["high_quality_share"] > 0.98
    three = toys.mode_coverage(points[ids < 3], centres, std=0.05)
    assert three["modes_covered"] == 3
    noise = np.random.default_rng(0).uniform(-3, 3, (4000, 2))
    assert toys.mode_coverage(noise, centres, std=0.05)["high_quality_share"] < 0.05
    collapsed = np.repeat(centres[:1], 1000, axis=0)
    assert toys.mode_coverage(collapsed, centres, std=0.05)["modes_covered"] == 1
    with pytest.raises(ValueError, match="same d"):
        toys.mode_coverage(np.zeros((5, 3)), centres, std=0.05)


def test_mixture_posterior_is_a_distribution_that_picks_the_nearest_mode():
    centres = toys.ring_centres()
    posterior = toys.mixture_posterior(centres * 1.01, centres, std=0.05)
    np.testing.assert_allclose(posterior.sum(1), 1.0)
    assert (posterior.argmax(1) == np.arange(8)).all() and posterior.max(1).min() > 0.99


def test_inception_score_on_known_cases():
    assert metrics.inception_score(np.eye(8)[np.arange(800) % 8]) == pytest.approx(8.0)
    assert metrics.inception_score(np.eye(8)[np.zeros(100, int)]) == pytest.approx(1.0)
    assert metrics.inception_score(np.full((50, 8), 1 / 8)) == pytest.approx(1.0)
    centres = toys.ring_centres()
    points, ids = toys.ring_of_gaussians(2000, std=0.05, seed=3)
    full = metrics.inception_score(toys.mixture_posterior(points, centres, 0.05))
    half = metrics.inception_score(toys.mixture_posterior(points[ids < 4], centres, 0.05))
    assert full > 7.5 and 3.5 < half < 4.5


def test_power_iteration_matches_the_exact_top_singular_value():
    matrix = np.random.default_rng(0).normal(size=(40, 20))
    exact = np.linalg.svd(matrix, compute_uv=False)[0]
    assert toys.power_iteration(matrix, 50) == pytest.approx(exact, rel=1e-4)
    assert toys.power_iteration(matrix, 1) <= exact + 1e-9  # an estimate from below
    with pytest.raises(ValueError, match="2-D matrix"):
        toys.power_iteration(np.zeros((3, 3, 3)))


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 12), st.integers(2, 12), st.integers(0, 1000))
def test_power_iteration_never_exceeds_the_top_singular_value(rows, cols, seed):
    matrix = np.random.default_rng(seed).normal(size=(rows, cols))
    assert toys.power_iteration(matrix, 3, seed=seed) <= np.linalg.svd(matrix, compute_uv=False)[0] + 1e-6


def test_toy_discriminator_with_spectral_norm_is_normalised_in_training():
    discriminator = toys.build_toy_discriminator(spectral_norm=True)
    wrapped = [layer for layer in discriminator.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert len(wrapped) == 4  # every Dense, the output included
    x = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    for _ in range(30):
        discriminator(x, training=True)
    for layer in wrapped:
        kernel = keras.ops.convert_to_numpy(layer.layer.kernel)
        assert np.linalg.svd(kernel, compute_uv=False)[0] == pytest.approx(1.0, abs=0.05)


def test_the_gan_class_trains_toy_models_too():
    gan = models.GAN(toys.build_toy_generator(), toys.build_toy_discriminator(), loss="hinge")
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    points, _ = toys.ring_of_gaussians(512)
    history = gan.fit(points, batch_size=128, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    assert sampling.generate_images(gan, 10).shape == (10, 2)


def test_2d_plots_reject_wrong_shapes():
    import matplotlib

    matplotlib.use("Agg")
    ax = plotting.plot_points(np.zeros((5, 2)), np.ones((5, 2)))
    assert len(ax.collections) == 2
    plotting.plot_decision_surface(toys.build_toy_discriminator(), ax, resolution=10)
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plotting.plot_points(np.zeros((5, 3)))
