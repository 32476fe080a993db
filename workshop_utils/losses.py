"""GAN objectives as small pure functions of the discriminator's logits.

Notation (as in the notebooks): ``D(x) = sigmoid(l(x))`` is the probability the
discriminator gives that ``x`` is real, ``l`` its logit; ``real_logits = l(x)`` for data
``x``, ``fake_logits = l(G(z))`` for generated images. Every loss is a mean over the batch,
to be *minimised*. We use ``log sigmoid(l) = -softplus(-l)`` and
``log(1 - sigmoid(l)) = -softplus(l)``, which never take the log of 0.
"""

from __future__ import annotations

from keras import ops

from .checks import did_you_mean


def _check_logits(*logits):
    ranks = {len(t.shape) for t in logits}
    if len(ranks) > 1:
        raise ValueError(
            "real and fake logits must have the same rank, got shapes "
            + ", ".join(str(tuple(t.shape)) for t in logits)
            + ". Both should be (batch, 1) or (batch,)."
        )
    for t in logits:
        if len(t.shape) > 1 and t.shape[-1] not in (1, None):
            raise ValueError(
                f"Expected one logit per image, shape (batch, 1) or (batch,), got {tuple(t.shape)}."
            )


def minimax_discriminator_loss(real_logits, fake_logits):
    """L_D = -E[log D(x)] - E[log(1 - D(G(z)))]: D's side of V(D, G), as binary cross-entropy.

    Also the discriminator loss of the non-saturating game.
    """
    _check_logits(real_logits, fake_logits)
    return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))


def minimax_generator_loss(fake_logits):
    """L_G = E[log(1 - D(G(z)))]: G minimises the same V(D, G) that D maximises.

    Its gradient vanishes when D confidently rejects the fakes (D(G(z)) ~ 0), early in training.
    """
    _check_logits(fake_logits)
    return -ops.mean(ops.softplus(fake_logits))


def nonsaturating_generator_loss(fake_logits):
    """L_G = -E[log D(G(z))]: the 'non-saturating' generator loss of Goodfellow et al. (2014).

    Same fixed point as the minimax loss, but a strong gradient exactly when G is losing.
    """
    _check_logits(fake_logits)
    return ops.mean(ops.softplus(-fake_logits))


def hinge_discriminator_loss(real_logits, fake_logits):
    """L_D = E[max(0, 1 - l(x))] + E[max(0, 1 + l(G(z)))]: D is satisfied once l(x) >= 1 and l(G(z)) <= -1."""
    _check_logits(real_logits, fake_logits)
    return ops.mean(ops.relu(1.0 - real_logits)) + ops.mean(ops.relu(1.0 + fake_logits))


def hinge_generator_loss(fake_logits):
    """L_G = -E[l(G(z))]: G raises the discriminator's score of its images."""
    _check_logits(fake_logits)
    return -ops.mean(fake_logits)


def wasserstein_critic_loss(real_logits, fake_logits):
    """L_D = E[l(G(z))] - E[l(x)]: the critic estimates the Wasserstein-1 distance (needs a Lipschitz l)."""
    _check_logits(real_logits, fake_logits)
    return ops.mean(fake_logits) - ops.mean(real_logits)


def wasserstein_generator_loss(fake_logits):
    """L_G = -E[l(G(z))]: G moves its samples to where the critic scores high."""
    _check_logits(fake_logits)
    return -ops.mean(fake_logits)


def multilabel_bce(labels, logits):
    """L = -mean over batch and attributes of [y log sigmoid(l) + (1 - y) log(1 - sigmoid(l))].

    ``labels`` are 0/1 attribute vectors (batch, K), ``logits`` the classifier's (batch, K).
    """
    if tuple(labels.shape) != tuple(logits.shape):
        raise ValueError(
            f"labels and logits must have the same shape (batch, attributes), got "
            f"{tuple(labels.shape)} and {tuple(logits.shape)}."
        )
    labels = ops.cast(labels, logits.dtype)
    return ops.mean(labels * ops.softplus(-logits) + (1.0 - labels) * ops.softplus(logits))


# name -> (discriminator loss, generator loss)
GAN_LOSSES = {
    "minimax": (minimax_discriminator_loss, minimax_generator_loss),
    "non_saturating": (minimax_discriminator_loss, nonsaturating_generator_loss),
    "hinge": (hinge_discriminator_loss, hinge_generator_loss),
    "wasserstein": (wasserstein_critic_loss, wasserstein_generator_loss),
}


def get_gan_loss(name: str):
    """``(discriminator_loss, generator_loss)`` for a GAN objective by name."""
    if name not in GAN_LOSSES:
        raise ValueError(f"Unknown GAN loss {name!r}; expected one of {sorted(GAN_LOSSES)}.{did_you_mean(name, GAN_LOSSES)}")
    return GAN_LOSSES[name]
