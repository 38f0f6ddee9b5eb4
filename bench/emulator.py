"""The benchmark's AWS: moto's server on 127.0.0.1 behind a counting, slowing, throttling layer.

``Emulator`` serves the process's moto backends (build the estate in-process first, inside
``emulated_aws``; moto backends are shared by everything in the process) through a WSGI
middleware that, for every HTTP request:

- names the AWS operation from the request alone, with botocore's own service models (the
  signing service in the Authorization header, then ``X-Amz-Target`` for JSON, the path for
  CBOR, the ``Action`` for query, the route for rest-json), and counts it:
  the server-side count includes every retry, whatever the client believes it did;
- optionally sleeps a fixed latency first (each request has its own server thread, so the
  delay overlaps between concurrent requests as it does on AWS);
- optionally answers an exact fraction of requests with a throttling error in the shape
  botocore classifies as throttling for that protocol (see ``throttled_response``);
- optionally replays moto's answer to a request it has answered before (``AnswerReplay``).
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import botocore.session
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

# The services the audit calls (its IAM policy); other requests are counted as "unknown".
AUDITED_SERVICES = (
    "apigateway",
    "apigatewayv2",
    "lambda",
    "sts",
    "cloudwatch",
    "cloudfront",
    "logs",
    "wafv2",
)
# Services only the optional Prowler row calls (its start-up: Organizations DescribeAccount,
# EC2 DescribeRegions), named so that its requests are counted by operation too.
PROWLER_START_UP_SERVICES = ("organizations", "ec2")
HOST = "127.0.0.1"

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request")
_URI_PARAMETER = re.compile(r"\{([^}]+?)(\+?)\}")

Operation = tuple[str, str]  # (service, operation), e.g. ("apigateway", "GetResources")
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    literal_length: int  # the most specific route wins: /restapis/{id}/stages over /{path+}
    operation: Operation


class OperationNames:
    """Which AWS operation an HTTP request is, and in which wire protocol it came.

    The protocol is read from the request, not the service model: botocore may speak another
    of a service's protocols than the first it lists (CloudWatch's model lists
    smithy-rpc-v2-cbor first, yet botocore sends query-compatible JSON to a custom endpoint).
    """

    def __init__(self, services: Iterable[str] = AUDITED_SERVICES) -> None:
        session = botocore.session.get_session()
        self._services_by_signing_name: dict[str, list[str]] = {}
        self._routes: dict[str, list[_Route]] = {}
        for service in services:
            model = session.get_service_model(service)
            self._services_by_signing_name.setdefault(model.signing_name, []).append(service)
            if model.protocol in ("rest-json", "rest-xml"):
                self._routes[service] = [
                    self._route(service, model.operation_model(name))
                    for name in model.operation_names
                ]

    @staticmethod
    def _route(service: str, operation: Any) -> _Route:
        uri = operation.http["requestUri"].split("?")[0]
        regex = ""
        position = 0
        for match in _URI_PARAMETER.finditer(uri):
            regex += re.escape(uri[position : match.start()])
            regex += ".+" if match.group(2) else "[^/]+"
            position = match.end()
        regex += re.escape(uri[position:])
        literal_length = len(_URI_PARAMETER.sub("", uri))
        return _Route(
            operation.http["method"],
            re.compile(regex.rstrip("/") or "/"),
            literal_length,
            (service, operation.name),
        )

    def identify(self, environ: dict[str, Any]) -> tuple[Operation, str]:
        """``((service, operation), protocol)``; unknown requests are ``("unknown", ...)``."""
        scope = _CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        services = self._services_by_signing_name.get(scope.group(1) if scope else "", [])
        path = environ.get("PATH_INFO", "")
        if services:
            target = environ.get("HTTP_X_AMZ_TARGET")
            if target:
                return (services[0], target.rpartition(".")[2]), "json"
            if "/operation/" in path:
                return (services[0], path.rpartition("/operation/")[2]), "smithy-rpc-v2-cbor"
            if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
                return (services[0], _query_action(environ)), "query"
            for service in services:
                found = self._match_route(service, environ["REQUEST_METHOD"], path)
                if found:
                    return found, "rest-xml" if service == "cloudfront" else "rest-json"
        return ("unknown", f"{environ.get('REQUEST_METHOD')} {path}"), "rest-json"

    def _match_route(self, service: str, method: str, path: str) -> Operation | None:
        path = path.rstrip("/") or "/"
        matches = [
            route
            for route in self._routes.get(service, ())
            if route.method == method and route.pattern.fullmatch(path)
        ]
        if not matches:
            return None
        return max(matches, key=lambda route: route.literal_length).operation


def _query_action(environ: dict[str, Any]) -> str:
    """The ``Action`` of a query-protocol request; the body is read and put back for moto."""
    body: bytes = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.input"] = io.BytesIO(body)
    query = str(environ.get("QUERY_STRING", ""))
    form = parse_qs(body.decode("utf-8", "replace")) | parse_qs(query)
    return form.get("Action", ["?"])[0]


def _cbor_text_map(items: dict[str, str]) -> bytes:
    """The few bytes of CBOR a throttling answer needs: a map of short text strings."""

    def head(major: int, length: int) -> bytes:
        if length < 24:
            return bytes([major << 5 | length])
        return bytes([major << 5 | 24, length])  # every string here is under 256 bytes

    out = bytearray(head(5, len(items)))
    for key, value in items.items():
        for text in (key.encode(), value.encode()):
            out += head(3, len(text)) + text
    return bytes(out)


def throttled_response(protocol: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """The throttling answer AWS gives in ``protocol`` (status, headers, body).

    API Gateway and Lambda (rest-json) answer HTTP 429 ``TooManyRequestsException``; STS
    (query) answers 400 ``Throttling``; CloudWatch (JSON or CBOR, query-compatible) answers
    400 ``ThrottlingException`` with its query code ``Throttling``. botocore retries all of
    them as throttling, which is also what makes its adaptive mode slow down.
    """
    message = "Rate exceeded (injected by the benchmark)"
    if protocol == "rest-json":
        headers = [
            ("Content-Type", "application/json"),
            ("x-amzn-ErrorType", "TooManyRequestsException"),
        ]
        return "429 Too Many Requests", headers, json.dumps({"message": message}).encode()
    if protocol in ("query", "rest-xml"):  # STS, CloudFront: 400 Throttling in XML
        body = (
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
            f"<Message>{message}</Message></Error><RequestId>bench</RequestId></ErrorResponse>"
        )
        return "400 Bad Request", [("Content-Type", "text/xml")], body.encode()
    if protocol == "smithy-rpc-v2-cbor":
        headers = [
            ("Content-Type", "application/cbor"),
            ("smithy-protocol", "rpc-v2-cbor"),
            ("x-amzn-query-error", "Throttling;Sender"),
        ]
        body_map = {"__type": "ThrottlingException", "message": message}
        return "400 Bad Request", headers, _cbor_text_map(body_map)
    headers = [
        ("Content-Type", "application/x-amz-json-1.0"),
        ("x-amzn-query-error", "Throttling;Sender"),
    ]
    body_json = {"__type": "ThrottlingException", "message": message}
    return "400 Bad Request", headers, json.dumps(body_json).encode()


_SIGNATURE = re.compile(r",\s*Signature=[0-9a-f]+")
# What, besides the method, path, query and body, says which operation a request calls and
# for whom: the JSON protocols' target, the body's encoding, the signing identity and scope.
_KEY_HEADERS = ("HTTP_X_AMZ_TARGET", "CONTENT_TYPE", "HTTP_ACCEPT", "HTTP_X_AMZ_SECURITY_TOKEN")

Answer = tuple[str, list[tuple[str, str]], bytes]  # status, headers, body


class AnswerReplay:
    """moto's answers, kept by request, to give again to the same request.

    The organisation benchmark's pool comparison (``bench.org``) measures how the audit
    overlaps its waits, on a machine whose two cores it shares with the emulator; moto spends
    ~7 ms of CPU routing and serialising each answer, which AWS spends on its own servers.
    With replay on, a request made before, byte for byte apart from its signature and
    timestamp (same method, path, query, body, signing identity and scope, target and
    encoding), gets the answer moto gave then, from memory; a new request goes to moto and
    its answer is kept. The estate does not change during those runs, so the answers are the
    ones moto would give again. STS AssumeRole is replayed too, so the role's credentials, and
    with them every later request of the account, are the same in each run.
    """

    def __init__(self) -> None:
        self._answers: dict[tuple[object, ...], Answer] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(environ: dict[str, Any], body: bytes) -> tuple[object, ...]:
        authorization = _SIGNATURE.sub("", environ.get("HTTP_AUTHORIZATION", ""))
        # The credential scope carries the day: a request signed on another day is new.
        headers = tuple(environ.get(name, "") for name in _KEY_HEADERS)
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        return (method, path, environ.get("QUERY_STRING", ""), body, authorization, headers)

    def answer(
        self, app: WsgiApp, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        key = self._key(environ, body)
        with self._lock:
            kept = self._answers.get(key)
        if kept is None:
            answered: list[tuple[str, list[tuple[str, str]]]] = []

            def keep(status: str, headers: list[tuple[str, str]], *_: Any) -> Any:
                answered.append((status, list(headers)))
                return start_response(status, headers)

            content = b"".join(app(environ, keep))
            status, headers = answered[0]
            with self._lock:
                self._answers[key] = (status, headers, content)
            return [content]
        status, headers, content = kept
        start_response(status, headers)
        return [content]


class CountingMiddleware:
    """Counts requests by operation; adds latency and throttling when asked."""

    def __init__(self, app: WsgiApp, names: OperationNames) -> None:
        self._app = app
        self._names = names
        self._lock = threading.Lock()
        self.requests: Counter[Operation] = Counter()
        self.throttled: Counter[Operation] = Counter()
        self.latency_seconds = 0.0
        self.throttle_fraction = 0.0
        self._seen = 0
        self._replay: AnswerReplay | None = None

    def configure(
        self, *, latency_ms: float = 0, throttle_fraction: float = 0, replay: bool = False
    ) -> None:
        """Reset the counts and set the injection for the next measurement; ``replay``: answer
        from ``AnswerReplay`` (kept from one replaying measurement to the next)."""
        with self._lock:
            self.requests.clear()
            self.throttled.clear()
            self.latency_seconds = latency_ms / 1000
            self.throttle_fraction = throttle_fraction
            self._seen = 0
            if not replay:
                self._replay = None
            elif self._replay is None:
                self._replay = AnswerReplay()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        operation, protocol = self._names.identify(environ)
        with self._lock:
            self.requests[operation] += 1
            # Exactly the fraction asked for: request n is throttled when n * fraction
            # crosses a whole number (every 5th request at 0.2).
            self._seen += 1
            fraction = self.throttle_fraction
            throttle = int(self._seen * fraction) > int((self._seen - 1) * fraction)
            if throttle:
                self.throttled[operation] += 1
        if self.latency_seconds:
            time.sleep(self.latency_seconds)
        if throttle:
            status, headers, body = throttled_response(protocol)
            start_response(status, [*headers, ("Content-Length", str(len(body)))])
            return [body]
        replay = self._replay
        if replay is not None:
            return replay.answer(self._app, environ, start_response)
        return self._app(environ, start_response)


class _CountingMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer with the middleware in front of moto's app.

    ThreadedMotoServer builds its WSGI app inside ``_server_entry`` and offers no hook to wrap
    it, so this entry point repeats its three steps with the app wrapped.
    """

    def __init__(self, middleware: Callable[[WsgiApp], WsgiApp]) -> None:
        super().__init__(ip_address=HOST, port=0, verbose=False)
        self._middleware = middleware

    def _server_entry(self) -> None:
        app = self._middleware(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


@dataclass
class Emulator:
    endpoint: str
    middleware: CountingMiddleware


@contextmanager
def serve(*, keep_alive: bool = False) -> Iterator[Emulator]:
    """Serve this process's moto backends on 127.0.0.1 (a free port) until the block ends.

    ``keep_alive``: with waitress instead of moto's werkzeug server. Werkzeug's development
    server closes the connection after every answer and starts a thread per connection, so
    each request costs a TCP connection and a thread on both sides; AWS keeps connections
    open, and so does waitress (HTTP/1.1, a fixed pool of threads). The organisation
    benchmark, where the emulator's CPU shares two cores with the audit, serves this way."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    names = OperationNames((*AUDITED_SERVICES, *PROWLER_START_UP_SERVICES))
    if keep_alive:
        with _serve_keeping_alive(names) as emulator:
            yield emulator
        return
    middlewares: list[CountingMiddleware] = []

    def wrap(app: WsgiApp) -> WsgiApp:
        middlewares.append(CountingMiddleware(app, names))
        return middlewares[0]

    server = _CountingMotoServer(wrap)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield Emulator(f"http://{host}:{port}", middlewares[0])
    finally:
        server.stop()


# Enough threads that every call the audit keeps in flight (--max-workers 16, each thread
# sleeping out the injected latency) is served at once.
_KEEP_ALIVE_THREADS = 64
# waitress stops accepting at its limit (100 by default) until a connection closes; each
# account's ~14 clients keep a connection pool of their own until the account is done.
_KEEP_ALIVE_CONNECTIONS = 20_000


@contextmanager
def _serve_keeping_alive(names: OperationNames) -> Iterator[Emulator]:
    from waitress.server import TcpWSGIServer, create_server  # the benchmark's dependency

    logging.getLogger("waitress").setLevel(logging.ERROR)  # no "task queue depth" lines
    middleware = CountingMiddleware(DomainDispatcherApplication(create_backend_app), names)
    server = create_server(  # every account's clients keep their own connections open
        middleware,
        host=HOST,
        port=0,
        threads=_KEEP_ALIVE_THREADS,
        connection_limit=_KEEP_ALIVE_CONNECTIONS,
    )
    assert isinstance(server, TcpWSGIServer)  # one host and port: one TCP server
    _, port = server.getsockname()
    thread = threading.Thread(target=server.run, name="emulator", daemon=True)
    thread.start()
    try:
        yield Emulator(f"http://{HOST}:{port}", middleware)
    finally:
        server.close()
        thread.join(timeout=5)
