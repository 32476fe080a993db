"""Trained scorers: small classifiers, trained once on real images and cached, whose features
and readings feed the formulas in ``metrics``. A digit scorer (FD, confidence, coverage of
generated digits) and an attribute scorer (does a generated face have what was asked?).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import keras
import numpy as np
from keras import layers

from . import runtime
from .checks import DIGIT_SHAPE, FACE_SHAPE
from .datasets import to_unit_range
from .files import CACHE_SETTING, write_or_warn
from .metrics import check_attributes, check_face_images, check_images, class_coverage, frechet_distance, mean_confidence

FEATURE_LAYER = "features"


def build_digit_classifier(num_classes: int = 10):
    """A small CNN for 28 x 28 digits in [-1, 1]; its 'features' layer feeds the FD."""
    return keras.Sequential(
        [
            keras.Input(DIGIT_SHAPE),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dropout(0.3),
            layers.Dense(64, activation="relu", name=FEATURE_LAYER),
            layers.Dense(num_classes, activation="softmax", name="probabilities"),
        ],
        name="digit_classifier",
    )


class DigitScorer:
    """A trained digit classifier, used to score generated digits against real ones."""

    def __init__(self, classifier):
        self.classifier = classifier
        self.feature_model = keras.Model(
            classifier.inputs, [classifier.get_layer(FEATURE_LAYER).output, classifier.outputs[0]]
        )

    def features_and_probabilities(self, images, batch_size: int = 500):
        images = check_images(images)
        features, probabilities = self.feature_model.predict(images, batch_size=batch_size, verbose=0)
        return features, probabilities

    def accuracy(self, images, labels) -> float:
        _, probabilities = self.features_and_probabilities(images)
        return float((probabilities.argmax(1) == np.asarray(labels)).mean())

    def score(self, generated, real=None, real_features=None) -> dict:
        """FD (generated vs real), mean confidence and class coverage of the generated digits.

        Give the real images, or their ``real_features`` when scoring against them repeatedly.
        """
        if (real is None) == (real_features is None):
            raise ValueError("Give exactly one of real (images) or real_features.")
        fake_features, fake_probabilities = self.features_and_probabilities(generated)
        if real_features is None:
            real_features, _ = self.features_and_probabilities(real)
        return {
            "fd": frechet_distance(fake_features, real_features),
            "confidence": mean_confidence(fake_probabilities),
            "coverage": class_coverage(fake_probabilities),
        }


def _fingerprint(images, labels) -> str:
    digest = hashlib.sha1()
    digest.update(np.ascontiguousarray(images).tobytes())
    digest.update(np.ascontiguousarray(labels).tobytes())
    return digest.hexdigest()[:12]


def digit_scorer(images, labels, epochs: int = 5, seed: int = 0, verbose: bool = True) -> DigitScorer:
    """A :class:`DigitScorer` whose classifier was trained on these uint8 digits.

    Trained once per distinct training set and cached (``cache_dir()``); the file is
    written under a temporary name and renamed, so a crash never leaves half a model.
    """
    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != DIGIT_SHAPE[:2]:
        raise ValueError(f"Expected uint8 digits of shape (N, 28, 28), got {images.dtype} {images.shape}.")
    if labels.shape != (len(images),):
        raise ValueError(f"Expected one label per image, shape ({len(images)},), got {labels.shape}.")
    path = runtime.cache_dir() / f"digit_classifier_{_fingerprint(images, labels)}_e{epochs}.keras"

    def train():
        if verbose:
            print(f"Training the digit classifier used for the quality numbers ({len(images)} images)...")
        keras.utils.set_random_seed(seed)
        classifier = build_digit_classifier()
        classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        classifier.fit(
            to_unit_range(images), labels, batch_size=128, epochs=epochs, verbose=2 if verbose else 0
        )
        return classifier

    return DigitScorer(_cached_model(path, train, "digit classifier", verbose))


def _cached_model(path: Path, train, description: str, verbose: bool = True):
    """Load the Keras model cached at ``path``, or ``train()`` one and cache it.

    A corrupt cache file is retrained, never trusted. The file is written under a
    temporary name and renamed, so a crash never leaves half a model behind; a folder that
    cannot be written (full, read-only) is reported in one warning and the model is used unsaved.
    """
    if path.is_file():
        try:
            model = keras.saving.load_model(path)
        except Exception as error:
            if verbose:
                print(f"Cached {description} {path} is unreadable ({type(error).__name__}); retraining.")
        else:
            if verbose:
                print(f"Loaded the cached {description} from {path}")
            return model
    model = train()
    write_or_warn(path, model.save, f"the trained {description}", needed=4 * model.count_params(),
                  setting=CACHE_SETTING, consequence="The lesson goes on with it in memory; the next run trains it again.")
    return model


def build_attribute_classifier(num_attributes: int):
    """A small CNN that reads K binary attributes from a 64 x 64 x 3 face in [-1, 1] (logits out)."""
    return keras.Sequential(
        [
            keras.Input(FACE_SHAPE),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),  # 32 x 32
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),  # 16 x 16
            layers.Conv2D(128, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),  # 8 x 8
            layers.Conv2D(128, 3, padding="same", activation="relu"),
            layers.GlobalMaxPooling2D(),  # "is it anywhere?": glasses, a hat
            layers.Dense(128, activation="relu", name=FEATURE_LAYER),
            layers.Dense(num_attributes, name="attribute_logits"),
        ],
        name="attribute_classifier",
    )


class AttributeScorer:
    """An attribute classifier trained on real faces, independent of any GAN: it reads the
    attributes in generated faces to measure how well a generator obeys its inputs."""

    def __init__(self, classifier, names):
        self.classifier = classifier
        self.names = tuple(names)
        if classifier.outputs[0].shape[-1] != len(self.names):
            raise ValueError(f"The classifier has {classifier.outputs[0].shape[-1]} outputs for {len(self.names)} names.")
        self.feature_model = keras.Model(
            classifier.inputs, [classifier.get_layer(FEATURE_LAYER).output, classifier.outputs[0]]
        )

    def features_and_logits(self, images, batch_size: int = 256):
        """The classifier's feature vectors (N, 128) and attribute logits (N, K) of faces in [-1, 1]."""
        features, logits = self.feature_model.predict(check_face_images(images), batch_size=batch_size, verbose=0)
        return features, logits

    def predict(self, images, batch_size: int = 256) -> np.ndarray:
        """0/1 attribute readings (N, K) of faces in [-1, 1]."""
        _, logits = self.features_and_logits(images, batch_size)
        return (logits > 0).astype(np.float32)

    def realism(self, generated, real_features) -> float:
        """Frechet distance between the features of ``generated`` faces and ``real_features``
        (from :meth:`features_and_logits` of held-out real faces): how unlike real faces they look.

        The features are the ones this classifier reads attributes from, so smeared outlines,
        mottled backgrounds and missing parts all move them. Compare it with the floor, the
        distance between two real sets of the same size, and never with a paper's FID.
        """
        features, _ = self.features_and_logits(generated)
        return frechet_distance(features, real_features)

    def accuracy(self, images, attributes) -> dict:
        """Per attribute name, how often the reading matches ``attributes``; plus ``"mean"``."""
        readings = self.predict(images)
        attributes = check_attributes(attributes, count=len(readings), num_attributes=len(self.names))
        per_attribute = (readings == attributes).mean(axis=0)
        return {**dict(zip(self.names, per_attribute.tolist())), "mean": float(per_attribute.mean())}


def attribute_scorer(images, attributes, names, epochs: int = 4, seed: int = 0,
                     verbose: bool = True) -> AttributeScorer:
    """An :class:`AttributeScorer` trained on these real uint8 faces (N, 64, 64, 3) and their
    0/1 attributes; trained once per distinct training set and cached like the digit classifier."""
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[1:] != FACE_SHAPE:
        raise ValueError(f"Expected uint8 faces of shape (N, 64, 64, 3), got {images.dtype} {images.shape}.")
    attributes = check_attributes(attributes, count=len(images), num_attributes=len(names))
    # The version names the architecture: change it with build_attribute_classifier.
    path = runtime.cache_dir() / f"attribute_classifier_v2_{_fingerprint(images, attributes)}_e{epochs}.keras"

    def train():
        if verbose:
            print(f"Training the independent attribute classifier ({len(images)} faces)...")
        keras.utils.set_random_seed(seed)
        classifier = build_attribute_classifier(len(names))
        classifier.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True),
                           metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
        classifier.fit(to_unit_range(images), attributes, batch_size=64, epochs=epochs,
                       verbose=2 if verbose else 0)
        return classifier

    return AttributeScorer(_cached_model(path, train, "attribute classifier", verbose), names)
