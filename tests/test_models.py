import keras
import numpy as np
import pytest
from keras import layers

from workshop_utils import callbacks, datasets, mnist, models, runtime, sampling


def compiled(gan, learning_rate=2e-4):
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5))
    return gan


@pytest.fixture(scope="module")
def digits():
    return mnist.procedural_digits(256, seed=2)


def test_builders_give_the_shapes_the_notebook_promises():
    generator, discriminator = models.build_generator(16), models.build_discriminator()
    images = generator(np.random.default_rng(0).normal(size=(5, 16)).astype("float32"))
    assert tuple(images.shape) == (5, 28, 28, 1)
    assert -1.0 <= float(np.min(images)) and float(np.max(images)) <= 1.0
    assert tuple(discriminator(images).shape) == (5, 1)


def test_conditional_builders_take_labels():
    generator = models.build_conditional_generator(16)
    discriminator = models.build_conditional_discriminator()
    z = np.zeros((4, 16), "float32")
    labels = np.array([0, 3, 7, 9], "int32")
    images = generator([z, labels])
    assert tuple(images.shape) == (4, 28, 28, 1)
    assert tuple(discriminator([np.asarray(images), labels]).shape) == (4, 1)
    # The label changes the picture: same z, different digit asked for.
    assert float(np.abs(np.asarray(images[0]) - np.asarray(images[1])).mean()) > 0


def test_fit_trains_both_players_and_logs_the_game(digits):
    keras.utils.set_random_seed(0)
    gan = compiled(models.GAN(models.build_generator(16), models.build_discriminator()))
    before_g = [w.copy() for w in gan.generator.get_weights()]
    before_d = [w.copy() for w in gan.discriminator.get_weights()]
    history = gan.fit(datasets.image_dataset(digits[0], batch_size=32), epochs=1, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "D(x)", "D(G(z))"}
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert 0 < history.history["D(x)"][-1] < 1
    assert any(not np.allclose(a, b) for a, b in zip(before_g, gan.generator.get_weights()))
    assert any(not np.allclose(a, b) for a, b in zip(before_d, gan.discriminator.get_weights()))


def test_discriminator_learns_to_tell_real_from_fake(digits):
    keras.utils.set_random_seed(1)
    gan = compiled(models.GAN(models.build_generator(16), models.build_discriminator()), 1e-3)
    gan.fit(datasets.image_dataset(digits[0], batch_size=32), epochs=3, verbose=0)
    real = datasets.to_unit_range(digits[0][:64])
    fake = sampling.generate_images(gan, 64)
    real_score = float(np.mean(keras.ops.sigmoid(gan.discriminator(real))))
    fake_score = float(np.mean(keras.ops.sigmoid(gan.discriminator(fake))))
    assert real_score > fake_score


def test_conditional_gan_trains_on_labelled_batches(digits):
    gan = compiled(models.ConditionalGAN(models.build_conditional_generator(16),
                                         models.build_conditional_discriminator(), r1_gamma=0.0))
    history = gan.fit(datasets.image_dataset(*digits, batch_size=64), epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])
    images = sampling.generate_images(gan, 12, labels=np.arange(12) % 10)
    assert images.shape == (12, 28, 28, 1)


def test_generate_images_checks_the_labels():
    gan = models.GAN(models.build_generator(8), models.build_discriminator())
    assert sampling.generate_images(gan, 7, batch_size=3).shape == (7, 28, 28, 1)
    with pytest.raises(ValueError, match="Expected 5 labels"):
        sampling.generate_images(gan, 5, labels=[1, 2])


def test_unknown_loss_is_rejected_with_a_suggestion():
    with pytest.raises(ValueError, match="Did you mean 'minimax'"):
        models.GAN(models.build_generator(8), models.build_discriminator(), loss="minmax")


def test_a_nan_loss_stops_training_with_advice(digits):
    poisoned = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(1),
                                 layers.Lambda(lambda x: x * float("nan"))])
    gan = compiled(models.GAN(models.build_generator(8), poisoned))
    with pytest.raises(callbacks.NonFiniteLossError, match=r"non-finite value at training step 1 \(.*d_loss=nan") as error:
        gan.fit(datasets.image_dataset(digits[0], batch_size=32), epochs=5, verbose=0,
                callbacks=[callbacks.StopOnNaN()])
    assert "lower learning rate" in str(error.value) and "g_loss=nan" in str(error.value)


def test_minibatch_stddev_appends_the_batch_spread_as_one_constant_map():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 7, 7, 4)).astype("float32")
    out = np.asarray(models.MinibatchStdDev()(x))
    assert out.shape == (6, 7, 7, 5)
    np.testing.assert_allclose(out[..., :4], x)  # the features pass through untouched
    expected = np.sqrt(x.var(axis=0) + 1e-8).mean()
    np.testing.assert_allclose(out[..., 4], expected, rtol=1e-5)  # one number, everywhere
    # A batch of copies (a collapsed generator) gets a far smaller value than a varied batch.
    copies = np.asarray(models.MinibatchStdDev()(np.repeat(x[:1], 6, axis=0)))[..., 4]
    assert copies.max() < 1e-3 < expected


def test_discriminator_gradients_stay_finite_on_a_batch_of_identical_images():
    import tensorflow as tf

    discriminator = models.build_discriminator()
    same = np.repeat(np.random.default_rng(1).uniform(-1, 1, (1, 28, 28, 1)).astype("float32"), 8, axis=0)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(discriminator(same, training=True))
    grads = tape.gradient(loss, discriminator.trainable_weights)
    assert all(np.isfinite(np.asarray(g)).all() for g in grads)  # sqrt(var + eps), not sqrt(0)


def test_r1_penalty_adds_gamma_times_the_slope_to_a_linear_discriminators_gradient(digits):
    gamma, learning_rate = 2.0, 0.1
    keras.utils.set_random_seed(3)
    generator = models.build_generator(8)
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(1)])
    g_start, d_start = generator.get_weights(), discriminator.get_weights()
    batch = datasets.to_unit_range(digits[0][:16])
    kernels = {}
    for r1_gamma in (0.0, gamma):  # the same start, the same z: only the penalty differs
        generator.set_weights(g_start)
        discriminator.set_weights(d_start)
        gan = models.R1GAN(generator, discriminator, r1_gamma=r1_gamma, seed=0)
        gan.compile(d_optimizer=keras.optimizers.SGD(learning_rate),
                    g_optimizer=keras.optimizers.SGD(learning_rate))
        gan.train_step(batch)
        kernels[r1_gamma] = discriminator.get_weights()[0]
    # l(x) = w.x + b has slope w at every image, so R1 = |w|^2, whose gradient (gamma / 2 x) is gamma w.
    np.testing.assert_allclose(kernels[gamma] - kernels[0.0], -learning_rate * gamma * d_start[0], atol=1e-6)


def test_the_same_seed_gives_the_same_first_training_steps(digits):
    """Notebook 03's model and settings, seeded the way the notebook seeds: equal losses twice."""
    from workshop_utils import runtime

    def first_steps():
        runtime.seed_everything(42)
        gan = models.R1GAN(models.build_generator(64), models.build_discriminator(), r1_gamma=1.0,
                           average_decay=0.995)
        compiled(gan, 1e-3)
        history = gan.fit(datasets.image_dataset(digits[0], batch_size=64), epochs=1, steps_per_epoch=3,
                          verbose=0)
        return history.history, keras.ops.convert_to_numpy(keras.random.normal((4,)))

    (first, draw_a), (second, draw_b) = first_steps(), first_steps()
    assert first == second
    np.testing.assert_array_equal(draw_a, draw_b)  # unseeded draws repeat too (Keras 3.10 did not)


def test_the_average_follows_g_by_the_moving_average_rule_and_is_what_generate_draws(digits):
    """a <- d a + (1 - d) w after each G step, d = min(decay, (1 + t) / (10 + t)); batch-norm statistics too."""
    keras.utils.set_random_seed(0)
    gan = compiled(models.GAN(models.build_generator(16), models.build_discriminator(), average_decay=0.5), 1e-2)
    assert gan.generator_average is not gan.generator and not gan.generator_average.trainable_weights
    average = [w.copy() for w in gan.generator_average.get_weights()]
    batches = iter(datasets.image_dataset(digits[0], batch_size=32))
    for step in (1, 2, 3):
        gan.train_on_batch(next(batches))
        decay = min(0.5, (1 + step) / (10 + step))
        average = [decay * a + (1 - decay) * w for a, w in zip(average, gan.generator.get_weights())]
        np.testing.assert_allclose(np.concatenate([a.ravel() for a in gan.generator_average.get_weights()]),
                                   np.concatenate([a.ravel() for a in average]), rtol=1e-5, atol=1e-6)
    moving_mean = [i for i, w in enumerate(gan.generator.weights) if "moving_mean" in w.path][0]
    assert not np.allclose(gan.generator_average.get_weights()[moving_mean], 0.0)  # statistics are averaged as well
    z = np.random.default_rng(0).normal(size=(8, 16)).astype("float32")
    np.testing.assert_allclose(gan.generate(z), gan.generator_average(z, training=False), atol=1e-6)
    assert not np.allclose(gan.generate(z), gan.generator(z, training=False), atol=1e-4)


def test_without_an_average_generate_draws_from_g_and_a_bad_decay_is_refused():
    gan = models.GAN(models.build_generator(16), models.build_discriminator())
    assert gan.generator_average is gan.generator
    with pytest.raises(ValueError, match="average_decay"):
        models.GAN(models.build_generator(16), models.build_discriminator(), average_decay=1.0)
