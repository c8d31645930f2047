"""A deliberately hostile ARM server for export tests (HTTPS on 127.0.0.1, `trustme` CA).

The emulator answers like Azure; this one answers like an attacker or a broken proxy would:
bodies dripped a few bytes at a time, gzip bombs, bodies larger than any resource, ids that
walk the path or carry a query, another resource's body, redirects to another host,
connections cut mid-body. It serves a small fleet by id (single-page listings, Resource Graph
rows) and lets a test replace the answer to any path with a `Reply`.
"""

from __future__ import annotations

import json
import re
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

GRAPH = "/providers/microsoft.resourcegraph/resources"
_COLLECTIONS = ("onlineendpoints", "deployments", "autoscalesettings", "diagnosticsettings")


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # None: the default answer's body
    chunks: Iterable[bytes] | None = None  # streamed body (Transfer-Encoding: chunked)
    length: int | None = None  # Content-Length to announce for `chunks` (then not chunked)
    drip: tuple[int, float] | None = None  # (bytes per write, seconds between writes)
    cut_after: int | None = None  # send this many body bytes, then close the connection
    header_drip: tuple[int, float] | None = None  # status line and headers dripped too


@dataclass(frozen=True)
class Seen:
    method: str
    path: str  # as sent on the request line, before any decoding
    query: str
    authorization: bool


Rule = Callable[["HostileArm", str, str, bytes], Reply | None]


def _json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True).encode("utf-8")


class HostileArm:
    """`with HostileArm(bodies) as arm:` then `arm.url`, `arm.ca_file`, `arm.seen`."""

    def __init__(self, resources: Iterable[dict[str, Any]], ca: Any = None):
        self.index = {str(b["id"]).lower(): b for b in resources}
        self.rules: list[tuple[re.Pattern[str], Rule]] = []
        self.seen: list[Seen] = []
        self._ca = ca
        self._server: ThreadingHTTPServer | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.ca_file: Path | None = None
        self.graph_doc: Callable[[list[dict[str, Any]]], dict[str, Any]] | None = None

    def on(self, pattern: str, rule: Rule | Reply) -> None:
        """Answer requests whose raw path matches `pattern` (searched, case-insensitive)."""
        fixed = rule

        def as_rule(arm: HostileArm, method: str, path: str, body: bytes) -> Reply | None:
            return fixed if isinstance(fixed, Reply) else fixed(arm, method, path, body)

        self.rules.append((re.compile(pattern, re.I), as_rule))

    # -- lifecycle --------------------------------------------------------------------------

    def __enter__(self) -> HostileArm:
        import trustme

        self._ca = self._ca or trustme.CA()
        cert = self._ca.issue_cert("127.0.0.1", "localhost")
        self._tmp = tempfile.TemporaryDirectory(prefix="iac-gen-hostile-")
        self.ca_file = Path(self._tmp.name) / "ca.pem"
        self._ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(context)
        owner = self

        class Handler(_Handler):
            arm = owner

        server = _Quiet(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._tmp is not None:
            self._tmp.cleanup()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    @property
    def ca(self) -> Any:
        return self._ca

    # -- default answers --------------------------------------------------------------------

    def default(self, method: str, path: str, body: bytes) -> Reply:
        key = path.lower().rstrip("/")
        if method == "POST" and key == GRAPH:
            rows = [self._row(b) for _, b in sorted(self.index.items())]
            doc = (
                self.graph_doc(rows)
                if self.graph_doc
                else {"count": len(rows), "data": rows, "resultTruncated": "false"}
            )
            doc.setdefault("totalRecords", len(rows))
            return Reply(body=_json(doc))
        if method != "GET":
            return Reply(405, body=_json({"error": {"code": "MethodNotAllowed"}}))
        if key in self.index:
            return Reply(body=_json(self.index[key]))
        children = [b for rid, b in sorted(self.index.items()) if rid.rsplit("/", 1)[0] == key]
        if children or key.rsplit("/", 1)[-1] in _COLLECTIONS:
            return Reply(body=_json({"value": children}))
        return Reply(404, body=_json({"error": {"code": "ResourceNotFound", "message": path}}))

    @staticmethod
    def _row(body: dict[str, Any]) -> dict[str, Any]:
        parts = str(body["id"]).split("/")
        row = dict(body)
        row["type"] = str(body.get("type", "")).lower()
        row.update(subscriptionId=parts[2], resourceGroup=parts[4].lower(), tenantId="t")
        return row

    def body_of(self, suffix: str) -> dict[str, Any]:
        hits = [b for rid, b in self.index.items() if rid.endswith(suffix.lower())]
        assert len(hits) == 1, suffix
        return hits[0]

    def requested(self, text: str) -> list[Seen]:
        return [s for s in self.seen if text.lower() in (s.path + "?" + s.query).lower()]


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        return


class _Handler(BaseHTTPRequestHandler):
    arm: HostileArm
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        auth = self.headers.get("Authorization", "").startswith("Bearer ")
        self.arm.seen.append(Seen(method, parts.path, parts.query, auth))
        reply = None
        for pattern, rule in self.arm.rules:
            if pattern.search(parts.path):
                reply = rule(self.arm, method, parts.path, body)
                if reply is not None:
                    break
        default = self.arm.default(method, parts.path, body)
        reply = reply or default
        payload = reply.body if reply.body is not None else default.body or b""
        try:
            self._send(reply, payload)
        except OSError:  # the client gave up (timeouts, refusals): expected here
            self.close_connection = True

    def _send(self, reply: Reply, payload: bytes) -> None:
        if reply.header_drip is not None:
            head = (
                f"HTTP/1.1 {reply.status} OK\r\nContent-Type: application/json\r\n"
                f"X-Padding: {'p' * 400}\r\nContent-Length: {len(payload)}\r\n\r\n"
            ).encode()
            size, pause = reply.header_drip
            for start in range(0, len(head), size):
                self.wfile.write(head[start : start + size])
                self.wfile.flush()
                time.sleep(pause)
            self.wfile.write(payload)
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        names = {k.lower() for k in reply.headers}
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.chunks is not None:
            if reply.length is None:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(reply.length))
            self.end_headers()
            for chunk in reply.chunks:
                if reply.length is None:
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                else:
                    self.wfile.write(chunk)
            if reply.length is None:
                self.wfile.write(b"0\r\n\r\n")
            return
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if reply.cut_after is not None:
            self.wfile.write(payload[: reply.cut_after])
            self.wfile.flush()
            self.close_connection = True
            self.connection.close()
            return
        if reply.drip is None:
            self.wfile.write(payload)
            return
        size, pause = reply.drip
        for start in range(0, len(payload), size):
            self.wfile.write(payload[start : start + size])
            self.wfile.flush()
            time.sleep(pause)


def spaces_gzip(total: int, block: int = 1 << 20) -> bytes:
    """`total` bytes of spaces, gzip-compressed (about 1 KiB of gzip per MiB of spaces)."""
    import zlib

    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [comp.compress(b" " * block) for _ in range(total // block)]
    out.append(comp.flush())
    return b"".join(out)


def padded_body(body: dict[str, Any], size: int, block: int = 1 << 20) -> Iterator[bytes]:
    """A valid JSON resource body of about `size` bytes (a long description), streamed."""
    head = json.dumps(dict(body, description=""), sort_keys=True)
    cut = head.index('"description": ""') + len('"description": "')
    yield head[:cut].encode()
    for _ in range(size // block):
        yield b"x" * block
    yield head[cut:].encode()
