import keras
import numpy as np
import pytest
from keras import layers

from workshop_utils import callbacks, data, models


def compiled(gan, learning_rate=2e-4):
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5))
    return gan


@pytest.fixture(scope="module")
def digits():
    return data.procedural_digits(256, seed=2)


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
    gan = compiled(models.GAN(models.build_generator(16), models.build_discriminator(), 16))
    before_g = [w.copy() for w in gan.generator.get_weights()]
    before_d = [w.copy() for w in gan.discriminator.get_weights()]
    history = gan.fit(data.image_dataset(digits[0], batch_size=32), epochs=1, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "D(x)", "D(G(z))"}
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert 0 < history.history["D(x)"][-1] < 1
    assert any(not np.allclose(a, b) for a, b in zip(before_g, gan.generator.get_weights()))
    assert any(not np.allclose(a, b) for a, b in zip(before_d, gan.discriminator.get_weights()))


def test_discriminator_learns_to_tell_real_from_fake(digits):
    keras.utils.set_random_seed(1)
    gan = compiled(models.GAN(models.build_generator(16), models.build_discriminator(), 16), 1e-3)
    gan.fit(data.image_dataset(digits[0], batch_size=32), epochs=3, verbose=0)
    real = data.to_unit_range(digits[0][:64])
    fake = models.generate_images(gan, 64)
    real_score = float(np.mean(keras.ops.sigmoid(gan.discriminator(real))))
    fake_score = float(np.mean(keras.ops.sigmoid(gan.discriminator(fake))))
    assert real_score > fake_score


def test_conditional_gan_trains_on_labelled_batches(digits):
    gan = compiled(models.ConditionalGAN(models.build_conditional_generator(16),
                                         models.build_conditional_discriminator(), 16))
    history = gan.fit(data.image_dataset(*digits, batch_size=64), epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])
    images = models.generate_images(gan, 12, labels=np.arange(12) % 10)
    assert images.shape == (12, 28, 28, 1)


def test_generate_images_checks_the_labels():
    gan = models.GAN(models.build_generator(8), models.build_discriminator(), 8)
    assert models.generate_images(gan, 7, batch_size=3).shape == (7, 28, 28, 1)
    with pytest.raises(ValueError, match="Expected 5 labels"):
        models.generate_images(gan, 5, labels=[1, 2])


def test_unknown_loss_is_rejected_with_a_suggestion():
    with pytest.raises(ValueError, match="Did you mean 'minimax'"):
        models.GAN(models.build_generator(8), models.build_discriminator(), 8, loss="minmax")


def test_a_nan_loss_stops_training_with_advice(digits):
    poisoned = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(1),
                                 layers.Lambda(lambda x: x * float("nan"))])
    gan = compiled(models.GAN(models.build_generator(8), poisoned, 8))
    with pytest.raises(callbacks.NonFiniteLossError, match=r"non-finite value at training step 1 \(.*d_loss=nan") as error:
        gan.fit(data.image_dataset(digits[0], batch_size=32), epochs=5, verbose=0,
                callbacks=[callbacks.StopOnNaN()])
    assert "lower learning rate" in str(error.value) and "g_loss=nan" in str(error.value)
