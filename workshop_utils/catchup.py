"""Trained generators for learners whose training fell behind (notebooks 03 and 04).

Three kinds of source, one loader (:func:`restore_trained`):

- the course's own, in ``workshop_utils/catchup/NAME/`` (``tools/make_catchup_checkpoints.py``
  trains them with the notebooks' ``fast`` settings; ``catchup/README.md`` says what they score);
- a file or checkpoint folder on this machine or a mounted Drive (the instructor's, say);
- a shared link to a generator file (a Google Drive "anyone with the link" share, or any
  https address), downloaded once into the cache, through the course's bounded downloads.

Checkpoint folders are read by :meth:`checkpoints.EpochCheckpoint.restore`, the loader of a
learner's own checkpoints.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from . import runtime
from .checkpoints import EpochCheckpoint
from .downloads import CONNECT_TIMEOUT, READ_TIMEOUT, Abandoned, bounded, reachable
from .files import atomic_path, via_local_disk, write_or_warn

FOLDER = Path(__file__).resolve().parent / "catchup"
TRAINED = {  # name: what it was trained on, for the messages
    "03_generator": "notebook 03's generator (latent_dim 64), fast settings, real MNIST",
    "04_generator_procedural": "notebook 04's generator in fast mode (its widths), trained on procedural faces",
}
GENERATOR_FILE = "generator.weights.h5"  # what notebook 04 saves after training, to share


def _drive_download_url(url: str) -> str | None:
    """The direct-download address of a Google Drive share link, or None for other links."""
    if "drive.google.com" not in url and "drive.usercontent.google.com" not in url:
        return None
    match = re.search(r"/file/d/([\w-]{10,})", url) or re.search(r"[?&]id=([\w-]{10,})", url)
    if not match:
        raise ValueError(f"{url} is a Google Drive address but names no file (expected .../file/d/ID/...). "
                         "In Drive: right-click the file > Share > Copy link.")
    return f"https://drive.usercontent.google.com/download?id={match.group(1)}&export=download&confirm=t"


def download_shared(url: str, name: str = "shared generator") -> Path:
    """Download a shared generator file once into the cache (atomically; once per link: a file
    changed behind the same link is not fetched again); return its path.

    Raises a ValueError whose message says what went wrong and what to do: an unreachable
    host, a missing file, a page instead of a file (a Drive file not shared with "anyone
    with the link"), or a download that stalled."""
    import hashlib

    import requests

    source = _drive_download_url(url) or url
    target = runtime.cache_dir() / "shared" / (hashlib.sha1(url.encode()).hexdigest()[:12] + ".weights.h5")
    if target.is_file():
        return target
    advice = ("Check the link with whoever shared it, or load the course's own generator "
              "(leave the link empty).")
    try:
        reachable(name, source)
        with bounded(name), requests.get(source, stream=True, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)) as response:
            if response.status_code in (401, 403, 404):
                raise ValueError(f"{url} answered HTTP {response.status_code}: the file does not exist or is not "
                                 f"shared with you. {advice}")
            response.raise_for_status()
            with atomic_path(target) as temporary, open(temporary, "wb") as handle:
                head = b""
                for chunk in response.iter_content(1 << 20):
                    if not head:
                        head = chunk[:512]
                        if head.lstrip().lower().startswith((b"<!doctype", b"<html")):
                            raise ValueError(
                                f"{url} gave a web page, not a weights file: a Drive file must be shared as "
                                f"'Anyone with the link' (Share > General access), and Drive refuses a file that "
                                f"was downloaded too often today. {advice}")
                    handle.write(chunk)
                if not head.startswith(b"\x89HDF"):
                    raise ValueError(f"{url} gave a file that is not a Keras weights file (.weights.h5). {advice}")
    except Abandoned as error:
        raise ValueError(f"{error}. {advice}") from None
    except requests.RequestException as error:
        raise ValueError(f"Could not download {url} ({type(error).__name__}). {advice}") from None
    return target


def save_generator(generator, folder) -> Path | None:
    """Save ``generator``'s weights alone as ``folder/generator.weights.h5`` (atomically), the
    file an instructor shares so that learners who fell behind can load it; returns the path,
    or None (after one warning) when the folder cannot be written."""
    path = Path(folder) / GENERATOR_FILE
    written = write_or_warn(path, via_local_disk(generator.save_weights), "the generator's weights",
                            needed=4 * generator.count_params(), consequence="The trained generator stays in memory.")
    return path if written else None


def restore_trained(model, source: str) -> int:
    """Load a trained generator into ``model`` (a generator built as the notebook builds it).

    ``source`` is the name of one of the course's (``TRAINED``), a path to a
    ``.weights.h5`` file or a checkpoint folder, or a shared link to a file. Returns the
    epoch it was saved after (1 for a single file). A model of other shapes gets a
    ValueError saying which settings the file needs, when known."""
    if not isinstance(source, (str, Path)) or not str(source).strip():
        raise ValueError(f"source must be a name ({', '.join(sorted(TRAINED))}), a path or a link, got {source!r}.")
    text = str(source).strip()
    if text in TRAINED:
        path, what = FOLDER / text, TRAINED[text]
    elif text.startswith(("http://", "https://")):
        path, what = download_shared(text), f"the generator shared at {text}"
    else:
        path, what = Path(text).expanduser(), f"the generator in {text}"
        if not path.exists() and "/" not in text and not text.endswith(".h5"):
            raise ValueError(f"name must be one of {sorted(TRAINED)}, a path to a {GENERATOR_FILE} file or a "
                             f"checkpoint folder, or a shared link; got {text!r}.")
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist. Give the path of a {GENERATOR_FILE} file or of a "
                                    "checkpoint folder (on Colab, mount Drive first), or a shared link.")
    if path.is_dir() and (path / GENERATOR_FILE).is_file():  # a training run's folder: its generator file
        path = path / GENERATOR_FILE
    if path.is_dir():
        checkpoint = EpochCheckpoint(path, verbose=False)
        if not checkpoint.checkpoints():
            raise FileNotFoundError(f"No checkpoint (epoch-*.weights.h5) in {path}.")
        if text not in TRAINED and list(path.glob("epoch-*.state.npz")):  # a training run's own checkpoints
            raise ValueError(f"{path} holds the training checkpoints of a whole GAN, not a generator file: its "
                             f"training cell did not reach its end, which saves {GENERATOR_FILE}. Run it to the "
                             "end (it resumes), or give the path of a generator file.")
        epoch = checkpoint.restore(model)
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.load_weights(path)
            epoch = 1
        except Exception:  # another model's file
            epoch = 0
    if epoch == 0:
        raise ValueError(f"The trained checkpoint is {what}; this generator has other shapes. Build the generator "
                         "with the settings it was trained with (WORKSHOP_MODE=fast for the course's own notebook 04 "
                         "generator, the instructor's settings for theirs). A generator saved by an earlier version "
                         "of the course, whose generator had other layers, loads into no setting of this one: train "
                         "it again with this version (instructors: `python tools/rehearse.py` makes one to share).")
    print(f"Loaded the course's trained generator: {what}." if text in TRAINED else f"Loaded {what}.")
    return epoch
