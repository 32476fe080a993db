"""Bad input to the public helpers of notebook 04 and the fault-handling code: each raises a
ValueError that names what was expected (the older helpers have theirs beside their tests)."""

import keras
import numpy as np
import pytest

from workshop_utils import (callbacks, cartoon_faces, celeba, celeba_files, datasets, face_models, metrics, models,
    plotting, runtime, sampling, scorers)

CASES = [
    # (call, expected words in the message)
    (lambda: cartoon_faces.procedural_faces(0), "count must be a positive int"),
    (lambda: cartoon_faces.procedural_faces(3, size=8), "at least 16 pixels"),
    (lambda: cartoon_faces.render_faces(np.zeros((2, 3))), "shape (N, 8)"),
    (lambda: celeba_files.crop_and_resize(np.zeros((64, 64, 3))), "Expected a PIL image"),
    (lambda: celeba.load_celeba(limit=0), "limit must be a positive int"),
    (lambda: datasets.attribute_index(cartoon_faces.FACE_ATTRIBUTES, "Hat"), "Unknown attribute 'Hat'"),
    (lambda: datasets.attribute_vector(cartoon_faces.FACE_ATTRIBUTES, ["Blond"]), "Did you mean 'Blond_Hair'"),
    (lambda: datasets.Faces(np.zeros((4, 64, 64, 3), np.uint8), np.zeros((4, 8)), cartoon_faces.FACE_ATTRIBUTES, "x").split(4),
     "held_out must be an int between 1 and 3"),
    (lambda: datasets.attribute_dataset(np.zeros((4, 64, 64), np.uint8), np.zeros((4, 8)), 2), "(N, H, W, 3)"),
    (lambda: metrics.check_face_images(np.zeros((2, 64, 64, 1))), "(N, 64, 64, 3)"),
    (lambda: metrics.check_face_images(np.full((2, 64, 64, 3), 255.0)), "in [-1, 1]"),
    (lambda: metrics.check_attributes(np.zeros(8)), "(N, attributes)"),
    (lambda: metrics.check_attributes(np.zeros((2, 8)), num_attributes=40), "(N, 40)"),
    (lambda: metrics.check_attributes(np.zeros((2, 8)), count=3), "Expected 3 attribute vectors"),
    (lambda: metrics.majority_baseline([[0, 2]]), "0 or 1"),
    (lambda: scorers.attribute_scorer(np.zeros((4, 64, 64, 3)), np.zeros((4, 8)), cartoon_faces.FACE_ATTRIBUTES),
     "uint8 faces"),
    (lambda: scorers.attribute_scorer(np.zeros((4, 64, 64, 3), np.uint8), np.zeros((4, 7)), cartoon_faces.FACE_ATTRIBUTES),
     "(N, 8)"),
    (lambda: scorers.AttributeScorer(scorers.build_attribute_classifier(3), cartoon_faces.FACE_ATTRIBUTES), "3 outputs for 8"),
    (lambda: face_models.build_face_generator(8, 8, widths=(16, 8, 8)), "4 layer widths"),
    (lambda: face_models.build_face_discriminator(8, widths=(8, 8, 8, 8, 8)), "4 layer widths"),
    (lambda: face_models.VACGAN(face_models.build_face_generator(8, 8, widths=(8, 8, 8, 8)),
                           face_models.build_face_discriminator(40, widths=(8, 8, 8, 8))), "G takes 8 attributes"),
    (lambda: sampling.generate_images(object(), 3, np.zeros((2, 8))), "Expected 3 labels"),
    (lambda: callbacks.EpochCheckpoint("somewhere", keep=0), "keep must be a positive int"),
    (lambda: callbacks.TimedEvaluation(lambda model: {}, every_seconds=0), "positive numbers of seconds"),
    (lambda: callbacks.SampleGrid(np.zeros(8)), "(N, latent_dim)"),
    (lambda: plotting.show_images(np.zeros((4, 8, 8, 3)), columns=2, column_titles=["one"]), "2 column titles"),
    (lambda: plotting.plot_attribute_bars(["a"], {"x": [0.1, 0.2]}), "2 values for 1 names"),
    (lambda: runtime.output_dir(""), "plain folder name"),
    (lambda: runtime.scaled(mode="turbo", epochs=1), "mode must be one of"),
    # counts: booleans, zero and negative sizes are refused before any work starts
    (lambda: celeba.load_celeba(limit=True), "limit must be a positive int or None"),
    (lambda: cartoon_faces.load_faces(0), "count must be a positive int"),
    (lambda: datasets.image_dataset(np.zeros((4, 28, 28), np.uint8), batch_size=False), "batch_size must be a positive int"),
    (lambda: models.build_generator(latent_dim=0), "latent_dim is the size of z and must be at least 1"),
    (lambda: face_models.build_face_generator(latent_dim=8, num_attributes=0), "must be at least 1"),
    (lambda: face_models.build_face_discriminator(num_attributes=0), "num_attributes must be at least 1"),
    (lambda: datasets.attribute_vector(cartoon_faces.FACE_ATTRIBUTES, on="Smiled"), "Did you mean 'Smiling'"),
    (lambda: datasets.require_scaled(np.zeros((2, 64, 64, 3), np.uint8)), "Scale them with datasets.to_unit_range"),
]


@pytest.mark.parametrize("call, words", CASES, ids=[words for _, words in CASES])
def test_bad_input_raises_a_value_error_that_says_what_was_expected(call, words):
    with pytest.raises(ValueError) as caught:
        call()
    assert words in str(caught.value)


def test_the_types_a_learner_passes_are_taken():
    """One attribute name as a string, and NumPy integers as counts, work like lists and ints."""
    names = cartoon_faces.FACE_ATTRIBUTES
    np.testing.assert_array_equal(datasets.attribute_vector(names, on="Smiling"),
                                  datasets.attribute_vector(names, on=["Smiling"]))
    assert datasets.attribute_vector(names, on="Smiling").sum() == 1  # not S, m, i, ...
    faces = cartoon_faces.load_faces(np.int64(12), verbose=False)
    train, held = faces.split(np.int64(4))
    assert (len(train), len(held)) == (8, 4)
    batch = next(iter(datasets.attribute_dataset(train.images, train.attributes, batch_size=np.int64(4))))
    assert tuple(batch[0].shape) == (4, 64, 64, 3)


def test_the_face_gan_refuses_unscaled_uint8_faces():
    """A Keras model casts uint8 input to float without a word; the train step refuses it,
    and the float32 batches of datasets.attribute_dataset train."""
    faces = cartoon_faces.load_faces(8, verbose=False)
    gan = face_models.VACGAN(face_models.build_face_generator(8, 8, widths=(8, 8, 8, 8)),
                             face_models.build_face_discriminator(8, widths=(8, 8, 8, 8)))
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-4), g_optimizer=keras.optimizers.Adam(1e-4))
    with pytest.raises(ValueError, match=r"uint8 pixels \(0 to 255\?\); the model expects float32 in \[-1, 1\]"):
        gan.fit(faces.images, faces.attributes.astype("float32"), batch_size=4, epochs=1, verbose=0)
    history = gan.fit(datasets.attribute_dataset(faces.images, faces.attributes, batch_size=4), epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
