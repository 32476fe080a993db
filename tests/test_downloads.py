"""Download faults, injected for real: a local HTTP server on 127.0.0.1 (started and
stopped by these tests) serves CelebA's files, or fails to, and the course's download code
(``celeba_sources.GoogleDrive``, through gdown) is pointed at it.

In every case: one line per source tried, the next source is tried, the end is data or one
clear message, and no partial file is left in the cache.
"""

import hashlib
import http.server
import socket
import threading
import time

import numpy as np
import pytest

from workshop_utils import celeba, celeba_sources, datasets, downloads, runtime
from test_celeba import COUNT, attribute_text, attribute_values, make_zip, official  # noqa: F401 (fixture)


class Routes(http.server.BaseHTTPRequestHandler):
    """Answers each path with the next response in ``self.server.plans[path]`` (the last repeats)."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        plan = self.server.plans.get(self.path.split("?")[0], [{"status": 404, "body": b"not found"}])
        self.server.hits.append(self.path)
        response = plan.pop(0) if len(plan) > 1 else plan[0]
        if response.get("stall"):
            time.sleep(response["stall"])
        body = response.get("body", b"")
        self.send_response(response.get("status", 200))
        self.send_header("Content-Type", response.get("type", "application/octet-stream"))
        self.send_header("Content-Length", str(response.get("length", len(body))))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Routes)
    httpd.daemon_threads = True
    httpd.plans, httpd.hits = {}, []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def files(official):  # noqa: F811 (the fixture from test_celeba)
    """The real bytes of a small CelebA in the official format, and their MD5 sums."""
    blobs = {"img_align_celeba.zip": make_zip(official).read_bytes(),
             "list_attr_celeba.txt": (official / "list_attr_celeba.txt").read_bytes()}
    return blobs, {name: hashlib.md5(blob).hexdigest() for name, blob in blobs.items()}


def drive(server, files, timeout=(2, 2), retries=0, backoff=0.05):
    _, md5 = files
    urls = {name: f"{server.url}/{name}" for name in celeba_sources.DRIVE_FILES}
    return celeba_sources.GoogleDrive(urls=urls, md5=md5, timeout=timeout, retries=retries, backoff=backoff)


def serve(server, files, **overrides):
    blobs, _ = files
    for name, blob in blobs.items():
        server.plans[f"/{name}"] = overrides.get(name, [{"body": blob}])


def no_partial_files(cache):
    leftovers = [p for p in cache.rglob("*") if p.name.startswith(".") or "part" in p.name]
    assert not leftovers, f"partial files left in the cache: {leftovers}"
    assert not list((cache / "downloads" / "drive").glob("*")) if (cache / "downloads" / "drive").exists() else True


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("WORKSHOP_CACHE_DIR", str(folder))
    return folder


def test_the_files_arrive_and_are_used(server, files, cache, capsys):
    serve(server, files)
    faces = celeba.load_celeba(limit=5, sources=[drive(server, files)])
    assert len(faces) == 5 and "Google Drive" in faces.source
    np.testing.assert_array_equal(faces.attributes, attribute_values()[:5])
    assert not [p for p in cache.rglob("*") if p.name.startswith(".")]


QUOTA_PAGE = (b"<!DOCTYPE html><html><head><title>Google Drive - Quota exceeded</title></head>"
              b"<body>Too many users have viewed or downloaded this file recently.</body></html>")


@pytest.mark.parametrize("fault, plan, says", [
    ("quota page", [{"body": QUOTA_PAGE, "type": "text/html"}], "HTML page"),
    ("404", [{"status": 404, "body": b"no such file"}], "404"),
    ("cut off mid-way", None, ""),  # filled in below: half the bytes, the full Content-Length
    ("wrong checksum", None, "MD5"),
])
def test_a_failing_source_gets_one_line_and_the_next_is_tried(server, files, cache, official, capsys,  # noqa: F811
                                                              fault, plan, says):
    blobs, _ = files
    zip_bytes = blobs["img_align_celeba.zip"]
    if fault == "cut off mid-way":
        plan = [{"body": zip_bytes[: len(zip_bytes) // 2], "length": len(zip_bytes)}]
    elif fault == "wrong checksum":
        plan = [{"body": zip_bytes[: len(zip_bytes) // 2]}]  # complete response, wrong file
    serve(server, files, **{"img_align_celeba.zip": plan})
    faces = celeba.load_celeba(limit=4, sources=[drive(server, files), celeba_sources.OfflineFolder(official)])
    assert len(faces) == 4 and "offline folder" in faces.source  # the next source delivered
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  - ")]
    assert len(lines) == 1 and lines[0].startswith("  - Google Drive (official files): img_align_celeba.zip")
    assert says in lines[0]
    no_partial_files(cache)


def test_500_then_success_is_retried(server, files, cache):
    blobs, _ = files
    serve(server, files, **{"list_attr_celeba.txt": [{"status": 500, "body": b"oops"},
                                                     {"body": blobs["list_attr_celeba.txt"]}]})
    faces = celeba.load_celeba(limit=4, sources=[drive(server, files, retries=2)], verbose=False)
    assert len(faces) == 4
    assert server.hits.count("/list_attr_celeba.txt") == 2


def test_a_stalled_server_times_out_and_the_next_source_is_tried(server, files, cache, official, capsys):  # noqa: F811
    serve(server, files, **{"img_align_celeba.zip": [{"stall": 5, "body": b"late"}]})
    began = time.perf_counter()
    faces = celeba.load_celeba(limit=4, sources=[drive(server, files, timeout=(1, 1)), celeba_sources.OfflineFolder(official)])
    assert time.perf_counter() - began < 4.5 and len(faces) == 4
    assert "timed out" in capsys.readouterr().out.lower()
    no_partial_files(cache)


def test_no_network_at_all_ends_in_one_clear_message(files, cache, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _, md5 = files
    urls = {name: f"http://127.0.0.1:{port}/{name}" for name in celeba_sources.DRIVE_FILES}
    monkeypatch.delenv(runtime.DATA_DIR_ENV_VAR, raising=False)
    sources = [celeba_sources.OfflineFolder(), celeba_sources.GoogleDrive(urls=urls, md5=md5, timeout=(1, 1), retries=0)]
    with pytest.raises(datasets.DataUnavailableError) as caught:
        celeba.load_celeba(limit=4, sources=sources, verbose=False)
    message = str(caught.value)
    assert message.count("\n  - ") == 2 and f"Google Drive (official files): cannot reach 127.0.0.1:{port}" in message
    assert "What to do" in message
    no_partial_files(cache)


@pytest.mark.parametrize("answer, says", [
    ({"status": 404, "body": b'{"error": "Repository not found"}', "type": "application/json"}, "404 Not Found"),
    ({"body": QUOTA_PAGE, "type": "text/html"}, "not the Hugging Face API's (an HTML page?)"),
])
def test_the_hugging_face_source_failing_on_the_local_server(server, files, cache, official, capsys,  # noqa: F811
                                                             monkeypatch, answer, says):
    """The mirror's client (huggingface_hub) pointed at the local server, which answers its
    first API call with a 404 or an HTML page: one line, then the next source."""
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    server.plans["/api/datasets/flwrlabs/celeba/tree/main"] = [answer]
    server.plans["/api/datasets/flwrlabs/celeba/revision/main"] = [answer]
    mirror = celeba_sources.HuggingFaceMirror(endpoint=server.url)
    faces = celeba.load_celeba(limit=4, sources=[mirror, celeba_sources.OfflineFolder(official)])
    assert len(faces) == 4 and "offline folder" in faces.source
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  - ")]
    assert len(lines) == 1 and lines[0].startswith("  - Hugging Face mirror flwrlabs/celeba: ") and says in lines[0]
    assert server.hits, "the client never reached the local server"
    no_partial_files(cache)


def test_a_connection_dropped_mid_file_says_how_much_arrived(server, files, cache):
    blobs, _ = files
    serve(server, files)
    server.plans["/img_align_celeba.zip"] = [{"body": blobs["img_align_celeba.zip"][:5000], "length": 100_000}]
    source = drive(server, files, retries=0)  # the zip's answer promises more, then the server closes
    with pytest.raises(datasets.DataUnavailableError, match="the connection ended after 5,000 bytes arrived"):
        celeba.load_celeba(limit=4, sources=[source], verbose=False)


def test_leftovers_of_a_killed_download_are_removed_at_the_next_start(server, files, cache):
    serve(server, files)
    leftover = cache / "downloads" / "drive" / ".part-killed"  # what a killed run leaves behind
    leftover.mkdir(parents=True)
    (leftover / "img_align_celeba.zip").write_bytes(b"half a zip")
    celeba.load_celeba(limit=4, sources=[drive(server, files)], verbose=False)
    assert not leftover.exists()


class Trickle(http.server.BaseHTTPRequestHandler):
    """Promises a large file, then sends one byte every 0.2 s: no read ever times out."""

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        try:
            while True:
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers (a stalled server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    held = []
    threading.Thread(target=lambda: [held.append(listener.accept()) for _ in iter(int, 1)], daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def test_a_trickling_server_is_abandoned_with_a_message_naming_the_source(files, cache):
    """Each read gets a byte before its time-out, so only the minimum rate can end it."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        _, md5 = files
        urls = {name: f"http://127.0.0.1:{httpd.server_address[1]}/{name}" for name in celeba_sources.DRIVE_FILES}
        source = celeba_sources.GoogleDrive(urls=urls, md5=md5, timeout=(1, 1), retries=2, backoff=0.05)
        source.window, source.min_rate = 2.0, 1000
        began = time.perf_counter()
        with pytest.raises(datasets.DataUnavailableError) as caught:
            celeba.load_celeba(limit=4, sources=[source], verbose=False)
        assert time.perf_counter() - began < 4
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert "Google Drive (official files): abandoned" in str(caught.value)
    assert "in the last 2 s (under 1,000 bytes/s)" in str(caught.value)
    no_partial_files(cache)


def test_a_stalled_hugging_face_server_is_abandoned_quietly(silent_port, cache, official, capfd):  # noqa: F811
    """The mirror's client has no time-out of its own on API calls; the watch ends the wait,
    and with verbose=False nothing is printed: no retry lines, no progress bars."""
    mirror = celeba_sources.HuggingFaceMirror(endpoint=f"http://127.0.0.1:{silent_port}")
    mirror.window, mirror.min_rate = 2.0, 1000
    began = time.perf_counter()
    faces = celeba.load_celeba(limit=4, sources=[mirror, celeba_sources.OfflineFolder(official)], verbose=False)
    assert time.perf_counter() - began < 4 and len(faces) == 4
    out, err = capfd.readouterr()
    assert out == "" and err == "", (out, err)


def test_hugging_face_with_no_network_fails_over_at_once_and_quietly(cache, official, capfd):  # noqa: F811
    with socket.socket() as probe:  # a port nobody listens on: what no network looks like
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mirror = celeba_sources.HuggingFaceMirror(endpoint=f"http://127.0.0.1:{port}")
    began = time.perf_counter()
    faces = celeba.load_celeba(limit=4, sources=[mirror, celeba_sources.OfflineFolder(official)], verbose=False)
    assert time.perf_counter() - began < 2 and len(faces) == 4
    assert capfd.readouterr() == ("", "")


def test_the_watch_leaves_sockets_as_it_found_them():
    reads = {name: getattr(socket.socket, name) for name in ("recv", "recv_into")}
    with pytest.raises(ZeroDivisionError):
        with downloads.bounded("test", window=1):
            1 / 0
    assert {name: getattr(socket.socket, name) for name in reads} == reads
    assert "recv" not in socket.socket.__dict__


def test_a_stalled_mnist_download_is_abandoned(silent_port, cache, monkeypatch):
    """Keras downloads MNIST with urllib, which has no time-out: the watch ends the wait."""
    import urllib.request

    import keras

    from workshop_utils import mnist

    def stalled_download():  # what keras' get_file does, pointed at a server that never answers
        return urllib.request.urlopen(f"http://127.0.0.1:{silent_port}/mnist.npz").read()

    monkeypatch.setattr(keras.datasets.mnist, "load_data", stalled_download)
    monkeypatch.setattr(downloads, "WINDOW_SECONDS", 1.5)
    began = time.perf_counter()
    with pytest.raises(datasets.DataUnavailableError, match="keras.datasets.mnist download: abandoned, 0 bytes"):
        mnist.load_mnist(source="keras", verbose=False)
    assert time.perf_counter() - began < 4
