import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop_utils import callbacks, conv_arithmetic, models, plotting, sampling, solutions


@settings(max_examples=40, deadline=None)
@given(st.integers(4, 40), st.integers(1, 5), st.integers(1, 3), st.sampled_from(["valid", "same"]))
def test_size_formulas_match_keras_layers(size, kernel, stride, padding):
    if padding == "valid" and kernel > size:
        return
    x = np.zeros((1, size, size, 1), "float32")
    assert conv_arithmetic.conv_output_size(size, kernel, stride, padding) == keras.layers.Conv2D(
        1, kernel, strides=stride, padding=padding)(x).shape[1]
    if kernel >= stride:  # Keras pads the transposed output up to the stride otherwise
        assert conv_arithmetic.conv_transpose_output_size(size, kernel, stride, padding) == keras.layers.Conv2DTranspose(
            1, kernel, strides=stride, padding=padding)(x).shape[1]


def test_size_formulas_reject_unknown_padding():
    with pytest.raises(ValueError, match="'valid' or 'same'"):
        conv_arithmetic.conv_output_size(28, 3, 1, "full")
    with pytest.raises(ValueError, match="'valid' or 'same'"):
        conv_arithmetic.conv_transpose_output_size(7, 4, 2, "causal")


def test_the_generator_grows_7_to_28_as_the_formulas_say():
    assert conv_arithmetic.conv_transpose_output_size(conv_arithmetic.conv_transpose_output_size(7, 4, 2, "same"), 4, 2, "same") == 28


def test_reference_classifier_solution_classifies_ten_digits():
    model = solutions.improved_digit_classifier()
    probabilities = model(np.zeros((3, 28, 28, 1), "float32"))
    assert tuple(probabilities.shape) == (3, 10)
    np.testing.assert_allclose(np.asarray(probabilities).sum(1), 1.0, rtol=1e-5)


def test_feature_map_grid_stretches_each_channel():
    maps = np.stack([np.linspace(0, 1, 16).reshape(4, 4), np.linspace(5, 50, 16).reshape(4, 4)], axis=-1)
    grid = plotting.feature_map_grid(maps, columns=2)
    assert grid.shape == (4 + 2, 2 * 5 + 1)
    assert grid[1:5, 1:5].min() == 0 and grid[1:5, 1:5].max() == 255  # each channel at full contrast
    assert grid[1:5, 6:10].min() == 0 and grid[1:5, 6:10].max() == 255
    with pytest.raises(ValueError, match=r"\(H, W, C\)"):
        plotting.feature_map_grid(np.zeros((1, 4, 4, 2)))


def test_counts_must_be_positive():
    gan = models.GAN(models.build_generator(8), models.build_discriminator())
    with pytest.raises(ValueError, match="positive int"):
        sampling.generate_images(gan, 0)
    with pytest.raises(ValueError, match="positive number of steps"):
        callbacks.LiveLossPlot(every=0)
    with pytest.raises(ValueError, match="positive number of steps or None"):
        callbacks.SampleGrid(np.zeros((2, 8)), every=-1)
