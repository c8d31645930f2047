"""The HTTP pipeline every export request goes through, with hard bounds on time and bytes.

Built from azure-core's public pieces (`PipelineClient` with an explicit `policies` list), so
no private attribute of azure-core is read or edited. What is deliberately left out of the
list, and why:

- `ARMAutoResourceProviderRegistrationPolicy`: on a 409 it POSTs a provider registration,
  a write; export is read-only.
- `RedirectPolicy`: a redirect is answered to the caller and refused there; following it
  would accept another host's body as live state.
- `ContentDecodePolicy` / model deserialisation: bodies are read here, bounded, and parsed by
  `iac_gen.strict_json` (no NaN, duplicate keys, deep nesting, huge integers, lone
  surrogates).
- HTTP logging and tracing: nothing about a request (headers hold the bearer token) is logged.

Time: requests' `timeout` bounds each socket read, not a whole answer, so a body dripped a
few bytes at a time never times out. A watchdog thread therefore shuts the socket of any
exchange that passes its time (`--timeout` per answer, and the export deadline); the blocked
read ends at once and the attempt fails (and is retried while the deadline allows).

Bytes: every answer is read raw and decompressed here (gzip/deflate only), counting the bytes
on the wire and after decompression against `MAX_RESPONSE_BYTES`, and all answers of a run
against the bundle limit `drift` accepts (`iac_gen.live.load.MAX_BYTES`).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from azure.core.exceptions import ServiceResponseError, ServiceResponseTimeoutError
from azure.core.pipeline.policies import HTTPPolicy

MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""One answer, on the wire and decompressed. A Resource Graph page holds at most 1,000 rows
and an ARM page of online deployments a few hundred KB; 32 MiB leaves a wide margin while a
gzip bomb or an endless body stops after at most this much memory per parallel request."""

ERROR_BODY_BYTES = 64 * 1024  # an ARM error body is a few hundred bytes; the code is all we use
_BLOCK = 64 * 1024

WORKERS_PER_SLOT = 2
"""Worker threads per slot of the concurrency gate: while one thread's answer is parsed and
filed, another's request is ready to take the freed slot (see `ConcurrencyGate`)."""


class ResponseRefused(Exception):
    """An answer that is not read to the end (too large, unknown encoding); not retried.

    Deliberately not an AzureError: azure-core's RetryPolicy retries AzureErrors, and a
    refused answer would only be refused again."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class DeadlineExceeded(Exception):
    """The export deadline passed (before a request, or while an answer was arriving)."""


# -- the watchdog ------------------------------------------------------------------------------


@dataclass(eq=False)
class _Attempt:
    ends_at: float
    why: str  # "timeout" | "deadline"
    deadline: float | None = None  # the export deadline, which a wait for a slot never moves
    conn: Any = None
    done: bool = False
    fired: bool = False
    waiting: bool = False  # for a slot of the gate: its answer timeout is not running


class Watchdog:
    """One thread that ends exchanges whose time is up by shutting their socket down.

    The thread doing a request registers an `_Attempt`; the connection class below attaches
    itself to the attempt of its thread when it sends a request. `shutdown(SHUT_RDWR)` (not
    `close`) wakes a read blocked in another thread without freeing the descriptor under it.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Attempt]] = []
        self._seq = itertools.count()
        self._local = threading.local()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def arm(self, ends_at: float, why: str, deadline: float | None = None) -> _Attempt:
        attempt = _Attempt(ends_at, why, deadline)
        with self._cond:
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(
                    target=self._run, name="iac-gen-export-watchdog", daemon=True
                )
                self._thread.start()
            self._push(attempt)
        self._local.attempt = attempt
        return attempt

    def _push(self, attempt: _Attempt) -> None:
        """Queue `attempt` at its `ends_at` (lock held). The thread is woken only when this
        is now the earliest end: it sleeps until the earliest one, and nearly every attempt
        ends after the others (a timeout armed later ends later); waking it for every
        request cost a thread switch under the interpreter lock per request."""
        entry = (attempt.ends_at, next(self._seq), attempt)
        heapq.heappush(self._heap, entry)
        if self._heap[0] is entry:
            self._cond.notify()

    def pause(self) -> None:
        """This thread's attempt waits for a slot of the gate: no answer timeout ends it
        meanwhile (the export deadline still does)."""
        attempt = getattr(self._local, "attempt", None)
        if attempt is not None:
            with self._cond:
                attempt.waiting = True

    def resume(self, waited: float) -> None:
        """The wait for a slot is over after `waited` seconds: that was not the server's
        time, so the answer timeout moves by as much, never past the export deadline."""
        attempt = getattr(self._local, "attempt", None)
        if attempt is None:
            return
        with self._cond:
            attempt.waiting = False
            if attempt.done or attempt.fired or attempt.why != "timeout":
                return
            ends_at, why = attempt.ends_at + max(0.0, waited), "timeout"
            if attempt.deadline is not None and attempt.deadline <= ends_at:
                ends_at, why = attempt.deadline, "deadline"
            attempt.ends_at, attempt.why = ends_at, why
            self._push(attempt)  # the earlier entry is stale now: skipped when it comes up

    def disarm(self, attempt: _Attempt) -> None:
        with self._cond:
            attempt.done = True
            attempt.conn = None
        if getattr(self._local, "attempt", None) is attempt:
            self._local.attempt = None

    def attach(self, conn: Any) -> None:
        """Called by a connection of this thread as it sends a request."""
        attempt = getattr(self._local, "attempt", None)
        if attempt is None:
            return
        with self._cond:
            if attempt.done:
                return
            attempt.conn = conn
            conn.iac_gen_attempt = attempt
            late = attempt.fired
        if late:
            _shutdown(conn)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        with self._cond:
            while not self._stopped:
                if not self._heap:
                    self._cond.wait()
                    continue
                ends_at, _, attempt = self._heap[0]
                wait = ends_at - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
                if attempt.done or ends_at != attempt.ends_at:  # over, or moved (resume)
                    continue
                if attempt.waiting and attempt.why == "timeout":
                    continue  # queued again when its wait for a slot ends (resume)
                attempt.fired = True
                conn = attempt.conn
                if conn is not None and getattr(conn, "iac_gen_attempt", None) is attempt:
                    _shutdown(conn)


def _shutdown(conn: Any) -> None:
    sock = getattr(conn, "sock", None)
    if sock is None:
        return
    with contextlib.suppress(OSError):
        # the plain socket's shutdown: wakes the blocked TLS read with end-of-file
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def watched_transport(
    watchdog: Watchdog,
    gate: ConcurrencyGate,
    *,
    timeout: float,
    verify: bool | str,
    concurrency: int,
    origin: str | None = None,
) -> Any:
    """azure-core's RequestsTransport over a requests session (`_lean_session`) whose
    connections report to the watchdog and take their slot of the gate as they connect or
    send (urllib3's documented `ConnectionCls` / `pool_classes_by_scheme` hooks). The pool
    keeps a connection for every worker thread, so none is closed and opened again.

    The session does not consult the environment per request (`trust_env` off): requests
    would otherwise, for every GET, stat `~/.netrc` (and let a netrc entry for the ARM host
    replace the bearer token with basic auth) and walk every environment variable twice for
    proxy settings - about a fifth of an export's time per request, under the GIL. Every
    request goes to one origin (nextLinks elsewhere are refused), so the proxy settings for
    that origin (HTTPS_PROXY / NO_PROXY) are looked up once here instead.

    Long because the connection, pool and adapter classes are defined here, closing over this
    transport's watchdog and gate: urllib3 and requests make their instances themselves, so
    the classes are the only place per-transport state can travel.
    """
    import requests
    from azure.core.pipeline.transport import RequestsTransport
    from urllib3.connection import HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class _Connection(HTTPSConnection):
        iac_gen_attempt: Any = None

        def connect(self) -> None:
            gate.enter(watchdog)  # a new or renewed connection: its handshake too
            super().connect()

        def request(self, *args: Any, **kwargs: Any) -> Any:
            watchdog.attach(self)
            return super().request(*args, **kwargs)

        def send(self, data: Any) -> None:
            # the request's bytes are built: the slot is taken just before they go out
            gate.enter(watchdog)
            super().send(data)

    class _Pool(HTTPSConnectionPool):
        ConnectionCls = _Connection

    classes = {"http": HTTPConnectionPool, "https": _Pool}

    class _Adapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = classes

        def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            manager.pool_classes_by_scheme = classes
            return manager

        # requests checks the CA bundle path (two or three `stat` calls) on every request;
        # the answers cannot change within one export, so each is worked out once. Both are
        # the hooks requests documents for subclasses of HTTPAdapter.
        def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
            key = (verify, cert)
            if getattr(conn, "iac_gen_verified", None) == key:
                return
            super().cert_verify(conn, url, verify, cert)
            conn.iac_gen_verified = key

        def build_connection_pool_key_attributes(
            self, request: Any, verify: Any, cert: Any = None
        ) -> Any:
            parts = urlsplit(str(request.url))
            key = (parts.scheme, parts.netloc, verify, cert)
            found = known_pools.get(key)
            if found is None:
                found = super().build_connection_pool_key_attributes(request, verify, cert)
                known_pools[key] = found
            return dict(found[0]), dict(found[1])

    known_pools: dict[Any, Any] = {}

    session = _lean_session()
    session.trust_env = False
    if origin:
        session.proxies.update(requests.utils.get_environ_proxies(origin))
    # Every worker thread may hold a connection while it waits for a slot of the gate.
    connections = max(10, concurrency * WORKERS_PER_SLOT + 2)
    session.mount("https://", _Adapter(pool_connections=4, pool_maxsize=connections))
    return RequestsTransport(
        session=session,
        session_owner=True,
        connection_verify=verify,
        connection_timeout=timeout,
        read_timeout=timeout,
        connection_data_block_size=_BLOCK,
    )


def _lean_session() -> Any:
    """A requests session whose `request` builds and sends just what RequestsTransport asks
    for, through the session's adapter, without the per-request work of `Session.request`
    that an export does not use: seven setting merges, an empty cookie jar built and read
    for every request, response hooks, redirect resolution (redirects are never followed)
    and the cookie jar that keeps what servers set (an export sends the bearer token and
    nothing a server asked it to keep). The request's headers go on top of the session's
    (`Connection: keep-alive` and the rest), as requests merges them; the session's proxies
    (looked up once for the origin) apply as before. Anything else falls back to requests'
    own path. About a sixth of the CPU an export spends per request, all of it under the
    interpreter lock."""
    import requests

    class _LeanSession(requests.Session):
        def request(  # type: ignore[override]
            self,
            method: str,
            url: Any,
            *,
            headers: Any = None,
            data: Any = None,
            files: Any = None,
            verify: Any = None,
            timeout: Any = None,
            cert: Any = None,
            allow_redirects: bool = True,
            proxies: Any = None,
            stream: Any = None,
            **kwargs: Any,
        ) -> Any:
            if kwargs or allow_redirects:
                return super().request(
                    method,
                    url,
                    headers=headers,
                    data=data,
                    files=files,
                    verify=verify,
                    timeout=timeout,
                    cert=cert,
                    allow_redirects=allow_redirects,
                    proxies=proxies,
                    stream=stream,
                    **kwargs,
                )
            prepared = _prepared(self, method, url, headers, data, files)
            response = self.get_adapter(url=str(prepared.url)).send(
                prepared,
                stream=bool(stream),
                timeout=timeout,
                verify=self.verify if verify is None else verify,
                cert=self.cert if cert is None else cert,
                proxies={**self.proxies, **(proxies or {})},
            )
            if not stream:
                response.content  # noqa: B018 - reads the body, as Session.send does
            return response

    return _LeanSession()


def _prepared(session: Any, method: str, url: Any, headers: Any, data: Any, files: Any) -> Any:
    """The request `Session.prepare_request` would build for these arguments, from the same
    documented steps of `PreparedRequest`, less the cookie jar (none is sent)."""
    import requests
    from requests.structures import CaseInsensitiveDict

    merged = CaseInsensitiveDict(session.headers)
    merged.update(headers or {})
    for name in [k for k, v in merged.items() if v is None]:
        del merged[name]
    prepared = requests.PreparedRequest()
    prepared.prepare_method(method.upper())
    prepared.prepare_url(url, None)
    prepared.prepare_headers(merged)
    prepared.prepare_body(data or {}, files)
    prepared.prepare_auth(None, url)
    return prepared


# -- bounded bodies ----------------------------------------------------------------------------


class ByteBudget:
    """Bytes all answers of one export may bring (decompressed), shared by the threads."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def take(self, n: int) -> None:
        with self._lock:
            self.used += n
            over = self.used > self.limit
        if over:
            raise ResponseRefused(
                f"answers of this export passed {self.limit} bytes, the most a bundle may "
                "hold for drift; export a smaller scope"
            )


@dataclass
class Body:
    """Where the body policy leaves the bytes of the final answer."""

    data: bytes = b""
    history: list[int] = field(default_factory=list)  # status of every attempt


class _Decoder:
    """gzip / deflate with a bound on the output of every step (zlib `max_length`)."""

    def __init__(self, encoding: str):
        self._wbits = 31 if encoding in ("gzip", "x-gzip") else 15
        self._raw_fallback = encoding == "deflate"
        self._obj = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, chunk: bytes, room: int) -> bytes:
        """Decompress `chunk`; never more than `room` + 1 bytes (one more shows the overflow)."""
        out = bytearray()
        data = chunk
        while data and len(out) <= room:
            try:
                part = self._obj.decompress(data, room + 1 - len(out))
            except zlib.error:
                if self._raw_fallback and not self._started:  # deflate sent without zlib header
                    self._raw_fallback = False
                    self._obj = zlib.decompressobj(-15)
                    continue
                raise ResponseRefused("malformed response body (bad compressed data)") from None
            self._started = True
            out += part
            if self._obj.unconsumed_tail:
                data = self._obj.unconsumed_tail
            elif self._obj.eof and self._obj.unused_data:  # another gzip member follows
                data = self._obj.unused_data
                self._obj = zlib.decompressobj(self._wbits)
            else:
                data = b""
        return bytes(out)

    def finish(self) -> None:
        if not self._obj.eof:
            raise ResponseRefused("malformed response body (compressed data ends early)")


def read_bounded(response: Any, limit: int, budget: ByteBudget | None) -> bytes:
    """The whole body of `response` (an azure.core.rest HttpResponse opened with stream=True),
    or ResponseRefused once the wire or decompressed size passes `limit`."""
    encoding = str(response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise ResponseRefused(f"unsupported Content-Encoding {encoding[:40]!r}")
    declared = str(response.headers.get("Content-Length") or "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise ResponseRefused(f"answer of {int(declared)} bytes: more than {limit} bytes refused")
    decoder = None if encoding == "identity" else _Decoder(encoding)
    out = bytearray()
    wire = 0
    for chunk in response.iter_raw():
        wire += len(chunk)
        if wire > limit:
            raise ResponseRefused(f"answer of more than {limit} bytes refused")
        data = chunk if decoder is None else decoder.feed(chunk, limit - len(out))
        out += data
        if len(out) > limit:
            raise ResponseRefused(f"answer decompresses to more than {limit} bytes; refused")
        if budget is not None:
            budget.take(len(data))
    if decoder is not None:
        decoder.finish()
    return bytes(out)


class ConcurrencyGate:
    """At most `limit` exchanges on the wire at once: `--concurrency` counts requests in
    flight, not threads.

    A slot is taken by the connection itself, as it connects or sends a request (see
    `watched_transport`), and given back by `BoundedBodyPolicy` once the answer is read to its
    end or has failed. Everything else a request costs - the policies, building the request,
    picking a connection from the pool, and after the answer parsing, scrubbing and filing
    the body - happens outside the slot. The exporter runs more worker threads than slots
    (`WORKERS_PER_SLOT`), so a request is ready to go out the moment a slot is free: taken
    higher up the pipeline, a slot stayed idle while the thread that got it built its request
    under the interpreter lock behind the other threads. A retry's backoff sleep holds no
    slot, and the wait for one does not count against the answer timeout (the watchdog moves
    it; the export deadline stays)."""

    def __init__(self, limit: int):
        self._slots = threading.BoundedSemaphore(max(1, limit))
        self._local = threading.local()

    def enter(self, watchdog: Watchdog | None = None) -> float:
        """Take a slot for this thread's exchange (once; again is a no-op); the seconds
        waited for it, during which `watchdog` holds the attempt's answer timeout."""
        if getattr(self._local, "held", False):
            return 0.0
        if self._slots.acquire(blocking=False):
            self._local.held = True
            return 0.0
        if watchdog is not None:
            watchdog.pause()
        started = time.monotonic()
        try:
            self._slots.acquire()
            self._local.held = True
        finally:
            waited = time.monotonic() - started
            if watchdog is not None:
                watchdog.resume(waited)
        return waited

    def leave(self) -> None:
        """Give back the slot of this thread's exchange, if it holds one, and let the thread
        woken for it run first: that one sends a request, while this one goes on to parse
        and file its answer. Without the yield the woken thread waited for the interpreter
        lock until this one blocked or was switched out (up to 5 ms), and the slot stayed
        empty meanwhile: about a point of the concurrency bound in the export benchmark."""
        if getattr(self._local, "held", False):
            self._local.held = False
            self._slots.release()
            time.sleep(0)  # gives up the interpreter lock for a moment


class BoundedBodyPolicy(HTTPPolicy):
    """Arms the watchdog for each attempt and reads the body inside the retry loop, so a
    slow, cut or refused body is handled like any other failed attempt; gives the attempt's
    slot of the concurrency gate back once its body is read (or the attempt failed)."""

    OPTION = "iac_gen_body"

    def __init__(
        self,
        watchdog: Watchdog,
        gate: ConcurrencyGate,
        *,
        timeout: float,
        deadline: float | None,
        budget: ByteBudget | None,
    ):
        super().__init__()
        self._watchdog = watchdog
        self._gate = gate
        self._timeout = timeout
        self._deadline = deadline
        self._budget = budget

    def send(self, request: Any) -> Any:
        holder = request.context.options.pop(self.OPTION, None)
        if holder is not None:
            request.context[self.OPTION] = holder
        holder = request.context.get(self.OPTION)
        ends_at, why = time.monotonic() + self._timeout, "timeout"
        if self._deadline is not None and self._deadline <= ends_at:
            ends_at, why = self._deadline, "deadline"
        if ends_at <= time.monotonic():
            raise DeadlineExceeded()
        attempt = self._watchdog.arm(ends_at, why, self._deadline)
        response = None
        try:
            response = self.next.send(request)
            http = response.http_response
            ok = 200 <= http.status_code < 300
            limit = MAX_RESPONSE_BYTES if ok else ERROR_BODY_BYTES
            try:
                data = read_bounded(http, limit, self._budget if ok else None)
            except ResponseRefused:
                if ok:
                    raise
                data = b""  # an oversized error body: the status alone still says enough
            if attempt.fired:  # a socket shut mid-headers can look like a short, whole answer
                raise ServiceResponseTimeoutError("the watchdog ended this exchange")
            if holder is not None:
                holder.data = data
                holder.history.append(http.status_code)
            return response
        except Exception as exc:
            if response is not None:
                response.http_response.close()
            if attempt.fired:
                if attempt.why == "deadline":
                    raise DeadlineExceeded() from None
                raise ServiceResponseTimeoutError(
                    f"no complete answer within {self._timeout:g} s"
                ) from None
            if isinstance(exc, ServiceResponseError) and response is not None:
                raise _BodyCut("the connection closed before the whole answer arrived") from exc
            raise
        finally:
            self._watchdog.disarm(attempt)
            self._gate.leave()


class _BodyCut(ServiceResponseError):
    """The body ended early (connection closed mid-body); retried like any response error."""
