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
  botocore classifies as throttling for that protocol (see ``throttled_response``).
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

    def configure(self, *, latency_ms: float = 0, throttle_fraction: float = 0) -> None:
        """Reset the counts and set the injection for the next measurement."""
        with self._lock:
            self.requests.clear()
            self.throttled.clear()
            self.latency_seconds = latency_ms / 1000
            self.throttle_fraction = throttle_fraction
            self._seen = 0

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
def serve() -> Iterator[Emulator]:
    """Serve this process's moto backends on 127.0.0.1 (a free port) until the block ends."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    names = OperationNames((*AUDITED_SERVICES, *PROWLER_START_UP_SERVICES))
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
