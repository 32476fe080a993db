"""Sample quality, measured: a Frechet distance on a digit classifier's features, class
coverage and classifier confidence.

A real FID uses ImageNet Inception features, which an offline machine cannot fetch. Our
Frechet distance (FD) uses the features of a small digit classifier trained once on the
same data and cached. It is honest for comparisons *inside this course* (model A vs model
B, early vs late); do not compare it with FID numbers from papers.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

CACHE_ENV_VAR = "WORKSHOP_CACHE_DIR"
FEATURE_LAYER = "features"


def cache_dir() -> Path:
    """Where trained helpers are cached: ``WORKSHOP_CACHE_DIR``, else ``~/.cache/making_faces``."""
    value = os.environ.get(CACHE_ENV_VAR, "").strip()
    return Path(value).expanduser() if value else Path.home() / ".cache" / "making_faces"


def frechet_distance(features_a, features_b) -> float:
    """FD = |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a^1/2 S_b S_a^1/2)^1/2).

    The distance between two Gaussians fitted to the feature rows of ``a`` and ``b``
    (each N x d). 0 for identical sets; it grows as means or spreads differ.
    """
    a = np.asarray(features_a, dtype=np.float64)
    b = np.asarray(features_b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(
            f"Expected two feature matrices (N, d) with the same d, got {a.shape} and {b.shape}."
        )
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"Need at least 2 rows in each set to fit a covariance, got {len(a)} and {len(b)}.")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("Features contain NaN or Inf; check the images fed to the classifier.")
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # Tr((S_a^1/2 S_b S_a^1/2)^1/2) via symmetric eigen-decompositions: stable, no complex parts.
    values, vectors = np.linalg.eigh(cov_a)
    sqrt_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = np.linalg.eigvalsh(sqrt_a @ cov_b @ sqrt_a)
    trace_sqrt = np.sqrt(np.clip(middle, 0, None)).sum()
    distance = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_sqrt
    return float(max(distance, 0.0))


def inception_score(probabilities) -> float:
    """IS = exp(E_x KL(p(y|x) || p(y))), from class probabilities p(y|x) of generated samples (N, classes).

    High when each sample is confidently one class *and* the classes are used evenly: at most
    the number of classes. Named after the Inception network it was first computed with;
    any classifier gives an "Inception-style" score.
    """
    probabilities = _check_probabilities(probabilities)
    marginal = probabilities.mean(0, keepdims=True)  # p(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(probabilities > 0, probabilities * (np.log(probabilities) - np.log(marginal)), 0.0)
    return float(np.exp(kl.sum(1).mean()))


def class_coverage(probabilities) -> float:
    """Effective number of classes drawn: exp(entropy of the predicted-class histogram).

    10.0 when the 10 digits appear equally often, 1.0 when every sample is the same digit.
    """
    probabilities = _check_probabilities(probabilities)
    counts = np.bincount(probabilities.argmax(1), minlength=probabilities.shape[1])
    share = counts[counts > 0] / counts.sum()
    return float(np.exp(-(share * np.log(share)).sum()))


def mean_confidence(probabilities) -> float:
    """Mean over samples of the classifier's top class probability: near 1 for clear digits."""
    return float(_check_probabilities(probabilities).max(1).mean())


def _check_probabilities(probabilities) -> np.ndarray:
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or len(probabilities) == 0:
        raise ValueError(f"Expected class probabilities of shape (N, classes), got {probabilities.shape}.")
    if (probabilities < -1e-6).any() or (np.abs(probabilities.sum(1) - 1) > 1e-3).any():
        raise ValueError("Expected rows of class probabilities (non-negative, summing to 1).")
    return probabilities


def check_images(images, name: str = "images") -> np.ndarray:
    """Images as float32 (N, 28, 28, 1) in [-1, 1]; anything else raises a ValueError saying so."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[1:] != (28, 28, 1):
        raise ValueError(f"Expected {name} of shape (N, 28, 28, 1) or (N, 28, 28), got {images.shape}.")
    return _check_unit_range(images, name)


def _check_unit_range(images: np.ndarray, name: str) -> np.ndarray:
    if images.size and (images.min() < -1.001 or images.max() > 1.001):
        raise ValueError(
            f"Expected {name} in [-1, 1], got values in [{images.min():.3g}, {images.max():.3g}]. "
            "Scale uint8 pixels with data.to_unit_range."
        )
    return images


def build_digit_classifier(num_classes: int = 10):
    """A small CNN for 28 x 28 digits in [-1, 1]; its 'features' layer feeds the FD."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
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
        import keras

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
    import keras

    from . import data

    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"Expected uint8 digits of shape (N, 28, 28), got {images.dtype} {images.shape}.")
    if labels.shape != (len(images),):
        raise ValueError(f"Expected one label per image, shape ({len(images)},), got {labels.shape}.")
    path = cache_dir() / f"digit_classifier_{_fingerprint(images, labels)}_e{epochs}.keras"

    def train():
        if verbose:
            print(f"Training the digit classifier used for the quality numbers ({len(images)} images)...")
        keras.utils.set_random_seed(seed)
        classifier = build_digit_classifier()
        classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        classifier.fit(
            data.to_unit_range(images), labels, batch_size=128, epochs=epochs, verbose=2 if verbose else 0
        )
        return classifier

    return DigitScorer(_cached_model(path, train, "digit classifier", verbose))


def _cached_model(path: Path, train, description: str, verbose: bool = True):
    """Load the Keras model cached at ``path``, or ``train()`` one and cache it.

    A corrupt cache file is retrained, never trusted. The file is written under a
    temporary name and renamed, so a crash never leaves half a model behind.
    """
    import keras

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
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp.keras")
    try:
        model.save(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return model


# --- Attributes (notebook 04) ------------------------------------------------------------


def check_face_images(images, name: str = "images") -> np.ndarray:
    """Images as float32 (N, 64, 64, 3) in [-1, 1]; anything else raises a ValueError saying so."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 4 or images.shape[1:] != (64, 64, 3):
        raise ValueError(f"Expected {name} of shape (N, 64, 64, 3), got {images.shape}.")
    return _check_unit_range(images, name)


def check_attributes(attributes, count: int | None = None, num_attributes: int | None = None) -> np.ndarray:
    """0/1 attribute vectors as float32 (N, K); anything else raises a ValueError saying so."""
    attributes = np.asarray(attributes)
    if attributes.ndim != 2 or (num_attributes is not None and attributes.shape[1] != num_attributes):
        wanted = f"(N, {num_attributes})" if num_attributes is not None else "(N, attributes)"
        raise ValueError(f"Expected attribute vectors of shape {wanted}, got {attributes.shape}.")
    if count is not None and len(attributes) != count:
        raise ValueError(f"Expected {count} attribute vectors (one per image), got {len(attributes)}.")
    if attributes.size and not np.isin(attributes, (0, 1)).all():
        raise ValueError("Expected attribute values 0 or 1 (CelebA's -1 means 0).")
    return attributes.astype(np.float32)


def majority_baseline(attributes) -> np.ndarray:
    """Per attribute, the accuracy of always guessing its most common value."""
    share = check_attributes(attributes).mean(axis=0)
    return np.maximum(share, 1.0 - share)


def build_attribute_classifier(num_attributes: int):
    """A small CNN that reads K binary attributes from a 64 x 64 x 3 face in [-1, 1] (logits out)."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input((64, 64, 3)),
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

    def predict(self, images, batch_size: int = 256) -> np.ndarray:
        """0/1 attribute readings (N, K) of faces in [-1, 1]."""
        logits = self.classifier.predict(check_face_images(images), batch_size=batch_size, verbose=0)
        return (logits > 0).astype(np.float32)

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
    import keras

    from . import data

    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[1:] != (64, 64, 3):
        raise ValueError(f"Expected uint8 faces of shape (N, 64, 64, 3), got {images.dtype} {images.shape}.")
    attributes = check_attributes(attributes, count=len(images), num_attributes=len(names))
    # The version names the architecture: change it with build_attribute_classifier.
    path = cache_dir() / f"attribute_classifier_v2_{_fingerprint(images, attributes)}_e{epochs}.keras"

    def train():
        if verbose:
            print(f"Training the independent attribute classifier ({len(images)} faces)...")
        keras.utils.set_random_seed(seed)
        classifier = build_attribute_classifier(len(names))
        classifier.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True),
                           metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
        classifier.fit(data.to_unit_range(images), attributes, batch_size=64, epochs=epochs,
                       verbose=2 if verbose else 0)
        return classifier

    return AttributeScorer(_cached_model(path, train, "attribute classifier", verbose), names)
