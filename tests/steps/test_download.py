"""Download of the official file from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time

import pytest

from helpers.cartography.sources import DownloadUnavailable, download, official, resolve_cartography
from helpers.core.errors import CartoError, SourceError
from helpers.core.storage import sha256_file


class _Handler(http.server.BaseHTTPRequestHandler):
    payload = b""
    mode = "ok"

    def do_GET(self):  # noqa: N802 - http.server API
        if self.mode == "slow":
            time.sleep(3)
        if self.mode == "missing":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.oasis.opendocument.spreadsheet")
        self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        body = self.payload[: len(self.payload) // 2] if self.mode == "truncated" else self.payload
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(real_ods):
    handler = type("Handler", (_Handler,), {"payload": real_ods.read_bytes(), "mode": "ok"})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.handler = handler
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/{official()['fichier']}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_download_checks_the_official_sha256(server, tmp_path):
    raw = tmp_path / "raw"
    source = resolve_cartography(None, raw, tmp_path / "processed", url=server.url, timeout=5)
    assert source.path == raw / official()["fichier"]
    assert source.official and not source.synthetic
    assert sha256_file(source.path) == official()["sha256"]
    assert sorted(p.name for p in raw.iterdir()) == [official()["fichier"]]  # no temporary left
    # Second resolution: the copy in data/raw/ is used, no download.
    server.handler.mode = "missing"
    again = resolve_cartography(None, raw, tmp_path / "processed", url=server.url, timeout=5)
    assert again.origin == "copie dans data/raw/"


@pytest.mark.parametrize("mode", ["altered", "truncated"])
def test_altered_or_truncated_download_leaves_nothing(server, tmp_path, mode):
    if mode == "altered":
        server.handler.payload = server.handler.payload[:-1] + b"!"
    server.handler.mode = "truncated" if mode == "truncated" else "ok"
    raw = tmp_path / "raw"
    with pytest.raises(SourceError) as error:
        resolve_cartography(None, raw, tmp_path / "processed", url=server.url, timeout=5)
    assert isinstance(error.value, CartoError) and not isinstance(error.value, DownloadUnavailable)
    assert server.url in str(error.value)
    assert not raw.exists() or list(raw.iterdir()) == []
    assert not (tmp_path / "processed").exists()  # no synthetic fallback on a bad download


def test_http_error_is_clear(server, tmp_path):
    server.handler.mode = "missing"
    with pytest.raises(SourceError, match="404"):
        download(server.url, tmp_path / "f.ods", official()["sha256"], timeout=5)
    assert list(tmp_path.iterdir()) == []


def test_timeout_is_clear_and_leaves_nothing(server, tmp_path):
    server.handler.mode = "slow"
    # The server would send the right file after 3 s: only the timeout can make this fail.
    with pytest.raises(DownloadUnavailable, match="délai de 0.5 s dépassé"):
        download(server.url, tmp_path / "f.ods", official()["sha256"], timeout=0.5)
    assert list(tmp_path.iterdir()) == []


def test_offline_falls_back_to_the_synthetic_sample(tmp_path):
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    source = resolve_cartography(None, tmp_path / "raw", tmp_path / "processed",
                                 url="http://127.0.0.1:9/carto.ods", timeout=2)
    assert source.synthetic and not source.official
    assert source.note == "Téléchargement du fichier officiel impossible (pas de réseau, ou serveur injoignable)."
    assert source.path.parent == tmp_path / "processed"
    assert not (tmp_path / "raw").exists() or list((tmp_path / "raw").iterdir()) == []


def test_explicit_path_must_exist(tmp_path):
    with pytest.raises(SourceError, match="introuvable"):
        resolve_cartography(tmp_path / "absent.ods", tmp_path / "raw", tmp_path / "processed")
