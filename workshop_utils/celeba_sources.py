"""Where CelebA comes from, tried in order: the offline folder, a Hugging Face mirror, the
Kaggle copy, then the official Google Drive files. Each source fetches files and hands them
to ``celeba_files`` to read; a source that fails raises :class:`SourceFailed` with one line.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path

from . import runtime
from .downloads import CONNECT_TIMEOUT, READ_TIMEOUT, Abandoned, bounded, quiet_clients, reachable
from .celeba_files import file_identity, looks_like_html, read_celeba_files, read_celeba_parquet
from .celeba_layout import find_celeba_files

HF_REPOSITORY = "flwrlabs/celeba"  # parquet: image + celeb_id + the 40 attributes as booleans
KAGGLE_HANDLE = "jessicali9530/celeba-dataset"  # img_align_celeba/ + list_attr_celeba.csv
DRIVE_FILES = {  # the official release's Google Drive ids and MD5 sums (as torchvision lists them)
    "img_align_celeba.zip": ("1cNIac61PSA_LqDFYFUeyaQYekYPc75NH", "00d2c5bc6d35e252742224ab0c1e8fcb"),
    "list_attr_celeba.txt": ("0B7EVK8r0v71pblRyaVFSWGxPY0U", "75e246fa4810816ffd6ee81facbd244c"),
}


class SourceFailed(Exception):
    """One source could not provide CelebA; the message is one line saying why."""


class Source:
    """Where CelebA can come from. A source has a ``name`` (for messages) and ``load(limit,
    workdir, verbose)``, which returns (uint8 images (N, 64, 64, 3), uint8 attributes (N, 40))
    or raises :class:`SourceFailed` with one line. After a load, ``identity`` names the data
    read (the cache records it); ``local_identity()`` names it without a download, or None
    (a network source: every mirror serves the same CelebA)."""

    name = "a CelebA source"
    identity = None

    def local_identity(self):
        return None

    def load(self, limit, workdir, verbose):
        raise NotImplementedError(f"{type(self).__name__} must define load(limit, workdir, verbose).")


class NetworkSource(Source):
    """What the network sources share: each download runs inside :func:`downloads.bounded`,
    abandoned when the last ``window`` seconds brought under ``min_rate`` bytes a second, and
    with ``verbose=False`` the clients' own retry lines and progress bars are silenced."""

    window = min_rate = None  # downloads' defaults; a test or a classroom server may set them

    def downloading(self, verbose):
        stack = contextlib.ExitStack()
        stack.enter_context(quiet_clients(verbose))
        stack.enter_context(bounded(self.name, self.window, self.min_rate))
        return stack


def _find_files(root):
    try:
        return find_celeba_files(root)
    except FileNotFoundError as error:
        raise SourceFailed(str(error)) from None
    except OSError as error:  # a folder that cannot be read: one line, and the next source
        raise SourceFailed(f"{root} cannot be read ({error.strerror or type(error).__name__})") from None


class OfflineFolder(Source):
    """The offline folder (``WORKSHOP_DATA_DIR`` unless a path is given): a cache folder this
    module wrote, or the official files (or the Kaggle copy) placed by hand."""

    name = "offline folder"

    def __init__(self, path=None):
        self.path = path

    def folder(self):
        folder = Path(self.path) if self.path is not None else runtime.data_dir()
        if folder is None:
            raise SourceFailed(f"{runtime.DATA_DIR_ENV_VAR} is not set")
        if not folder.is_dir():
            raise SourceFailed(f"{folder} is not a folder")
        return folder

    def local_identity(self):
        """What a cache of this folder's files must record, found without reading the images;
        None when the folder holds no CelebA files."""
        try:
            _, attributes, _ = _find_files(self.folder())
        except SourceFailed:
            return None
        return f"offline folder, {file_identity(attributes)}"

    def load(self, limit, workdir, verbose):
        images, attributes, spare_zip = _find_files(self.folder())
        self.identity = f"offline folder, {file_identity(attributes)}"
        return read_celeba_files(images, attributes, limit, verbose, spare_zip=spare_zip)


class HuggingFaceMirror(NetworkSource):
    """A public Hugging Face mirror of CelebA with attributes, as parquet files, fetched one
    file at a time (``huggingface_hub``) until ``limit`` images are in."""

    def __init__(self, repo_id=HF_REPOSITORY, endpoint=None):
        self.repo_id = repo_id
        self.endpoint = endpoint
        self.name = self.identity = f"Hugging Face mirror {repo_id}"

    def load(self, limit, workdir, verbose):
        import pyarrow.parquet as pq
        from huggingface_hub import HfApi, constants, hf_hub_download

        reachable(self.name, self.endpoint or constants.ENDPOINT)
        api = HfApi(endpoint=self.endpoint)
        paths, rows = [], 0
        with self.downloading(verbose), _hub_time_outs():
            try:
                files = [f for f in api.list_repo_files(self.repo_id, repo_type="dataset") if f.endswith(".parquet")]
            except ValueError as error:  # JSON that does not parse: a portal, proxy or quota page
                raise SourceFailed(f"the answer was not the Hugging Face API's (an HTML page?): {error}") from None
            if not files:
                raise SourceFailed(f"{self.repo_id} holds no parquet files")
            order = {"train": 0, "valid": 1, "validation": 1, "test": 2}
            files.sort(key=lambda f: (min((v for k, v in order.items() if k in f), default=3), f))
            for file in files:
                paths.append(hf_hub_download(self.repo_id, file, repo_type="dataset", endpoint=self.endpoint,
                                             cache_dir=workdir / "huggingface", etag_timeout=CONNECT_TIMEOUT))
                rows += pq.ParquetFile(paths[-1]).metadata.num_rows
                if limit is not None and rows >= limit:
                    break
        return read_celeba_parquet(paths, limit, verbose)


@contextlib.contextmanager
def _hub_time_outs():
    """The Hugging Face client's API calls get a connect and a read time-out (its shared
    session has none), and its downloads go through Python's sockets, which
    :func:`downloads.bounded` can watch, rather than the hf_xet extension's own."""
    from huggingface_hub import constants, get_session

    session = get_session()
    timeout, xet = session.timeout, constants.HF_HUB_DISABLE_XET
    session.timeout = type(timeout)(READ_TIMEOUT, connect=CONNECT_TIMEOUT)  # httpx's Timeout
    constants.HF_HUB_DISABLE_XET = True
    try:
        yield
    finally:
        session.timeout, constants.HF_HUB_DISABLE_XET = timeout, xet


class KaggleCopy(NetworkSource):
    """The widely used Kaggle copy (``kagglehub``): ``img_align_celeba/`` and a CSV of attributes."""

    def __init__(self, handle=KAGGLE_HANDLE):
        self.handle = handle
        self.name = self.identity = f"Kaggle copy {handle}"

    def load(self, limit, workdir, verbose):
        import kagglehub

        reachable(self.name, "https://www.kaggle.com")  # kagglehub's own requests time out after 5 s / 15 s
        with self.downloading(verbose):
            folder = kagglehub.dataset_download(self.handle)
        images, attributes, spare_zip = _find_files(folder)
        return read_celeba_files(images, attributes, limit, verbose, spare_zip=spare_zip)


class GoogleDrive(NetworkSource):
    """The official release's Google Drive files (``gdown``), checked against their MD5 sums.

    ``urls`` and ``md5`` (dicts by file name) override where the files come from and what
    they must hash to: a classroom server, or a test's local server. ``timeout`` is the
    (connect, read) time-out in seconds; a server error (5xx) or a dropped connection is
    retried ``retries`` times, waiting ``backoff`` seconds, then twice that, and so on. A
    time-out is not retried: a stalled server is left for the next source.
    """

    name = "Google Drive (official files)"

    def __init__(self, urls=None, md5=None, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), retries=2, backoff=1.0):
        self.urls = urls or {}
        self.backoff = backoff
        self.md5 = md5 or {name: checksum for name, (_, checksum) in DRIVE_FILES.items()}
        self.timeout = timeout
        self.retries = retries

    identity = "Google Drive's official files"

    def load(self, limit, workdir, verbose):
        target = workdir / "drive"
        target.mkdir(parents=True, exist_ok=True)
        for leftover in target.glob(".part-*"):  # a download killed last time (its scratch folder)
            shutil.rmtree(leftover, ignore_errors=True)
        for file_name, (file_id, _) in DRIVE_FILES.items():
            final = target / file_name
            if not final.is_file():
                reachable(self.name, self.urls.get(file_name) or "https://drive.google.com")
                with self.downloading(verbose):
                    self.fetch(file_name, file_id, final, verbose)
        try:
            return read_celeba_files(target / "img_align_celeba.zip", target / "list_attr_celeba.txt", limit, verbose)
        except ValueError:
            for file_name in DRIVE_FILES:  # a bad file is not kept for next time
                (target / file_name).unlink(missing_ok=True)
            raise

    def fetch(self, file_name, file_id, final, verbose):
        """Download one file into a scratch folder, verify it, then move it into place."""
        import hashlib
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory(dir=final.parent, prefix=".part-") as scratch:
            partial = Path(scratch) / file_name
            url = self.urls.get(file_name)
            for attempt in range(self.retries + 1):
                received = {"bytes": 0}
                try:
                    result = _gdown_download(self.timeout, received, url=url, id=None if url else file_id,
                                             output=str(partial), quiet=not verbose)
                    break
                except Abandoned:
                    raise
                except Exception as error:  # gdown raises its own and requests' errors
                    status = getattr(getattr(error, "response", None), "status_code", None)
                    if attempt < self.retries and (status is None or status >= 500) and not _is_timeout(error):
                        time.sleep(self.backoff * 2 ** attempt)  # a server error or a dropped connection
                        partial.unlink(missing_ok=True)
                        continue
                    got = f"the connection ended after {received['bytes']:,} bytes arrived; " if received["bytes"] else ""
                    raise SourceFailed(f"{file_name}: {got}{first_line(error)}") from None
            if result is None or not partial.is_file():
                raise SourceFailed(f"{file_name}: the download did not complete")
            digest = hashlib.md5()
            with open(partial, "rb") as handle:
                head = handle.read(1024)
                if looks_like_html(head):
                    raise SourceFailed(f"{file_name}: got an HTML page (a quota or sign-in page), not the file")
                digest.update(head)
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            expected = self.md5.get(file_name)
            if expected and digest.hexdigest() != expected:
                raise SourceFailed(f"{file_name}: MD5 {digest.hexdigest()} is not the expected {expected} "
                                   f"({partial.stat().st_size} bytes: cut off or a different file)")
            shutil.move(partial, final)


def _gdown_download(timeout, received, **arguments):
    """``gdown.download(**arguments)`` with a (connect, read) time-out on its every request, an
    HTTP error raised as an error, and the bytes that arrived counted in ``received["bytes"]``
    (so a dropped connection can say how much came; gdown's own count says 0), in every
    gdown version.

    gdown 6 takes ``timeout`` and raises on HTTP errors. gdown 5 (Colab's 5.2.2) does neither:
    it would wait forever on a stalled server and save a 404 or 500 page as the file. So for
    the call, its requests session gets the time-out and raises on 4xx/5xx as gdown 6 does."""
    import inspect

    import gdown
    import requests

    takes_timeout = "timeout" in inspect.signature(gdown.download).parameters
    original = requests.Session.request

    def request(session, method, url, **options):
        options.setdefault("timeout", timeout)
        response = original(session, method, url, **options)
        if not takes_timeout:  # gdown 5: raise on 4xx/5xx as gdown 6 itself does
            response.raise_for_status()
        chunks = response.iter_content

        def counted(*args, **kwargs):
            try:
                for chunk in chunks(*args, **kwargs):
                    received["bytes"] += len(chunk)
                    yield chunk
            except Exception as error:  # the bytes of the chunk that broke off are in urllib3's error
                received["bytes"] += _partial_bytes(error)
                raise

        response.iter_content = counted
        return response

    requests.Session.request = request
    try:
        return gdown.download(**arguments, **({"timeout": timeout} if takes_timeout else {}))
    finally:
        requests.Session.request = original


def _partial_bytes(error, depth=0) -> int:
    """How many bytes of a broken-off read an error chain reports (urllib3's IncompleteRead)."""
    if depth > 5 or error is None:
        return 0
    if isinstance(getattr(error, "partial", None), int):
        return error.partial
    inner = [arg for arg in getattr(error, "args", ()) if isinstance(arg, BaseException)]
    return max([_partial_bytes(e, depth + 1) for e in inner + [error.__cause__, error.__context__]] or [0])


def default_sources():
    """The sources :func:`load_celeba` tries, in order."""
    return [OfflineFolder(), HuggingFaceMirror(), KaggleCopy(), GoogleDrive()]


def _is_timeout(error) -> bool:
    import requests

    return isinstance(error, (requests.Timeout, TimeoutError)) or "timed out" in str(error).lower()


def first_line(error) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0][:200]}" if text else type(error).__name__
