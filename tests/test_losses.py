import math

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop_utils import losses


def sigmoid(l):
    return 1.0 / (1.0 + math.exp(-l))


REAL = [0.0, 2.0]
FAKE = [-1.0, 1.0]


def column(values):
    return tf.constant(values, dtype="float32")[:, None]  # (B, 1)


def mean(values):
    return sum(values) / len(values)


def test_minimax_discriminator_loss_matches_the_formula_by_hand():
    expected = -mean([math.log(sigmoid(l)) for l in REAL]) - mean([math.log(1 - sigmoid(l)) for l in FAKE])
    got = float(losses.minimax_discriminator_loss(column(REAL), column(FAKE)))
    assert got == pytest.approx(expected, rel=1e-5)


def test_an_undecided_discriminator_pays_two_log_two():
    zeros = column([0.0, 0.0, 0.0])
    assert float(losses.minimax_discriminator_loss(zeros, zeros)) == pytest.approx(2 * math.log(2), rel=1e-6)


def test_generator_losses_match_the_formulas_by_hand():
    assert float(losses.minimax_generator_loss(column(FAKE))) == pytest.approx(
        mean([math.log(1 - sigmoid(l)) for l in FAKE]), rel=1e-5)
    assert float(losses.nonsaturating_generator_loss(column(FAKE))) == pytest.approx(
        -mean([math.log(sigmoid(l)) for l in FAKE]), rel=1e-5)


def test_hinge_losses_by_hand():
    # relu(1 - 0.5) = 0.5, relu(1 - 2) = 0 -> 0.25; relu(1 - 2) = 0, relu(1 + 0) = 1 -> 0.5
    assert float(losses.hinge_discriminator_loss(column([0.5, 2.0]), column([-2.0, 0.0]))) == pytest.approx(0.75)
    assert float(losses.hinge_generator_loss(column([-2.0, 0.0]))) == pytest.approx(1.0)


def test_wasserstein_losses_by_hand():
    assert float(losses.wasserstein_critic_loss(column([1.0, 3.0]), column([0.0, -2.0]))) == pytest.approx(-3.0)
    assert float(losses.wasserstein_generator_loss(column([0.0, -2.0]))) == pytest.approx(1.0)


def test_minimax_generator_gradient_vanishes_where_non_saturating_does_not():
    confident_rejection = tf.Variable([[-8.0]])  # D(G(z)) ~ 0.0003, early training
    grads = {}
    for name, fn in [("minimax", losses.minimax_generator_loss), ("ns", losses.nonsaturating_generator_loss)]:
        with tf.GradientTape() as tape:
            loss = fn(confident_rejection)
        grads[name] = abs(float(tape.gradient(loss, confident_rejection)[0, 0]))
    assert grads["minimax"] < 1e-3 < 0.9 < grads["ns"]


def test_multilabel_bce_by_hand_and_shape_check():
    labels = tf.constant([[1.0, 0.0]])
    logits = tf.constant([[2.0, -1.0]])
    expected = -mean([math.log(sigmoid(2.0)), math.log(1 - sigmoid(-1.0))])
    assert float(losses.multilabel_bce(labels, logits)) == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="same shape"):
        losses.multilabel_bce(tf.zeros((2, 40)), tf.zeros((2, 39)))


def test_logits_of_the_wrong_shape_are_rejected():
    with pytest.raises(ValueError, match="same rank"):
        losses.hinge_discriminator_loss(tf.zeros((4, 1)), tf.zeros((4,)))
    with pytest.raises(ValueError, match="one logit per image"):
        losses.nonsaturating_generator_loss(tf.zeros((4, 3)))


def test_unknown_loss_name_suggests_the_closest():
    with pytest.raises(ValueError, match="Did you mean 'hinge'"):
        losses.get_gan_loss("hindge")
    d_loss, g_loss = losses.get_gan_loss("non_saturating")
    assert g_loss is losses.nonsaturating_generator_loss


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-20, 20), min_size=1, max_size=8))
def test_losses_are_finite_and_ordered_for_any_logits(values):
    logits = column(values)
    for d_loss, g_loss in losses.GAN_LOSSES.values():
        assert np.isfinite(float(d_loss(logits, logits)))
        assert np.isfinite(float(g_loss(logits)))
    assert float(losses.minimax_discriminator_loss(logits, logits)) >= 0
    assert float(losses.hinge_discriminator_loss(logits, logits)) >= 0
