"""Bounded network waits for every download: a server that stalls or trickles is abandoned.

Every client the data sources use has a connect and a read time-out of its own, but a
time-out bounds one read, not a download: a server that sends a byte every 20 s never
trips a 60 s read time-out, and a client that retries a stalled server five times waits
five time-outs. :func:`bounded` watches the bytes that arrive on Python's sockets while
its block runs and abandons the block when, over the last ``window`` seconds, fewer than
``min_rate`` bytes a second arrived: it shuts the sockets being read (so a blocked read
returns at once) and makes every further read raise, so no client can retry its way past
it. The block then raises :class:`Abandoned`, whose one line says which source and why.
With the defaults a stalled or trickling server is left within about 31 s.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import threading
import time
from collections import deque

WINDOW_SECONDS = 30.0
MIN_BYTES_PER_SECOND = 20_000  # 20 kB/s: CelebA's 1.4 GB would take a day at this rate
CONNECT_TIMEOUT, READ_TIMEOUT = 10.0, 30.0  # what each source gives its own client


class Abandoned(Exception):
    """A download was given up: the server stalled or sent too slowly. One line says which."""


class _Watch:
    def __init__(self, name, window, min_rate):
        self.name, self.window, self.min_rate = name, window, min_rate
        self.started = time.monotonic()
        self.arrivals = deque()  # (time, bytes) of the reads in the last window
        self.sockets = set()
        self.reason = None
        self.lock = threading.Lock()

    def received(self, count):
        with self.lock:
            self.arrivals.append((time.monotonic(), count))

    def check(self):
        """Abandon when the last ``window`` seconds brought under ``min_rate`` bytes a second."""
        now = time.monotonic()
        if now - self.started < self.window:
            return
        with self.lock:
            while self.arrivals and self.arrivals[0][0] < now - self.window:
                self.arrivals.popleft()
            got = sum(count for _, count in self.arrivals)
            if got >= self.min_rate * self.window:
                return
            self.reason = (f"{self.name}: abandoned, {got:,} bytes arrived in the last {self.window:g} s "
                           f"(under {self.min_rate:,.0f} bytes/s): the server stalled or is too slow")
            sockets = list(self.sockets)
        for sock in sockets:  # a read blocked on them returns now
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


_active: _Watch | None = None
_READS = [(cls, name) for cls in (socket.socket, ssl.SSLSocket) for name in ("recv", "recv_into")]


def _counting(original):
    def read(sock, *args, **kwargs):
        watch = _active
        if watch is None:
            return original(sock, *args, **kwargs)
        if watch.reason:
            raise Abandoned(watch.reason)
        watch.sockets.add(sock)
        result = original(sock, *args, **kwargs)
        watch.received(result if isinstance(result, int) else len(result))
        return result

    return read


@contextlib.contextmanager
def bounded(name: str, window: float | None = None, min_rate: float | None = None):
    """Run a download block, abandoning it (:class:`Abandoned`) if it stalls or trickles:
    fewer than ``min_rate`` bytes a second over the last ``window`` seconds (default: this
    module's WINDOW_SECONDS and MIN_BYTES_PER_SECOND).

    >>> with bounded("Hugging Face mirror"):      # doctest: +SKIP
    ...     path = hf_hub_download(...)
    """
    global _active
    if _active is not None:
        raise RuntimeError("bounded() blocks do not nest")
    window = WINDOW_SECONDS if window is None else float(window)
    watch = _Watch(name, window, MIN_BYTES_PER_SECOND if min_rate is None else float(min_rate))
    originals = {(cls, attr): cls.__dict__.get(attr) for cls, attr in _READS}
    for cls, attr in _READS:
        setattr(cls, attr, _counting(getattr(cls, attr)))
    _active = watch
    stop = threading.Event()

    def watchdog():
        while not stop.wait(min(1.0, window / 10)) and watch.reason is None:
            watch.check()

    thread = threading.Thread(target=watchdog, name=f"bounded({name})", daemon=True)
    thread.start()
    try:
        yield watch
    except Exception:
        if watch.reason:  # whatever the client made of its shut socket, say why it was shut
            raise Abandoned(watch.reason) from None
        raise
    finally:
        stop.set()
        thread.join()
        _active = None
        for (cls, attr), original in originals.items():
            if original is None:
                delattr(cls, attr)  # socket.socket inherits its reads from _socket.socket
            else:
                setattr(cls, attr, original)
    if watch.reason:  # the client swallowed the error and returned
        raise Abandoned(watch.reason)


@contextlib.contextmanager
def quiet_clients(verbose: bool):
    """With ``verbose=False``, silence the download clients' own retry lines and progress bars."""
    if verbose:
        yield
        return
    loggers = [logging.getLogger(name) for name in ("huggingface_hub", "kagglehub", "gdown", "urllib3")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    bars = None
    try:
        from huggingface_hub.utils import are_progress_bars_disabled, disable_progress_bars, enable_progress_bars

        bars = are_progress_bars_disabled()
        disable_progress_bars()
    except ImportError:
        pass
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
        if bars is False:
            enable_progress_bars()


def reachable(name: str, url: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Raise :class:`Abandoned` (naming source ``name``) at once when ``url``'s host cannot be reached (no network, a
    name that does not resolve, a refused port), instead of letting a client retry it for half
    a minute."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout).close()
    except OSError as error:
        raise Abandoned(f"{name}: cannot reach {parts.hostname}:{port} ({error.strerror or error})") from None
