"""The preview's web server: the page, its state, the page images and PDFs, and a stream of
Server-Sent Events that tells open pages a new state is there. Starlette, served by uvicorn in
a thread of its own, so that the rebuilds keep the main thread (and Ctrl-C stops them as it
stops a build).

Safe by default: it binds the loopback address unless told otherwise, refuses a request whose
Host header names another host (DNS rebinding), and answers only from its own tables — no path
in a request reaches the file system."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from contextlib import asynccontextmanager
from importlib import resources

from klastroviny.errors import KlastrovinyError
from klastroviny.preview.state import PreviewState
from klastroviny.resources import FONTS_DIR

KEEP_ALIVE = 15  # seconds between comments on an idle event stream (proxies, dead peers)
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript"}
FONT_TYPES = {".otf": "font/otf", ".ttf": "font/ttf"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class Versions:
    """The state's version as the server's event loop sees it: waited for by the event
    streams, published from the rebuilding thread without blocking it."""

    def __init__(self):
        self.version = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop, self._event = loop, asyncio.Event()

    def publish(self, version: int) -> None:  # any thread
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._set, version)

    def _set(self, version: int) -> None:
        self.version = max(self.version, version)
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seen: int) -> None:
        """Until the version is past `seen`, or KEEP_ALIVE seconds."""
        if self.version != seen:
            return
        try:
            await asyncio.wait_for(self._event.wait(), KEEP_ALIVE)
        except TimeoutError:
            pass


def make_app(state: PreviewState, allowed_hosts: set[str], port: int, shown: str):
    """The app; `shown`: the edition a request without ?lang= gets."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, Response, StreamingResponse
    from starlette.routing import Route

    versions = Versions()
    state.listen(versions.publish)
    static = _static_files()
    fonts = {
        path.name: path.read_bytes()
        for path in sorted(FONTS_DIR.iterdir())
        if path.suffix in FONT_TYPES
    }

    @asynccontextmanager
    async def lifespan(app):
        versions.bind(asyncio.get_running_loop())
        versions.version = state.version
        yield

    def not_found() -> Response:
        return Response("not found\n", 404, media_type="text/plain")

    async def page(request):
        return Response(static["index.html"], media_type=STATIC_TYPES[".html"])

    async def static_file(request):
        name = request.path_params["name"]
        if name not in static:
            return not_found()
        suffix = "." + name.rsplit(".", 1)[-1]
        return Response(static[name], media_type=STATIC_TYPES.get(suffix, "text/plain"))

    async def font(request):
        name = request.path_params["name"]
        if name not in fonts:
            return not_found()
        return Response(fonts[name], media_type=FONT_TYPES["." + name.rsplit(".", 1)[-1]])

    async def state_json(request):
        lang = request.query_params.get("lang", shown)
        if lang not in state.languages:
            return JSONResponse({"error": f"no edition '{lang}'"}, 404)
        return JSONResponse(state.as_dict(lang), headers={"Cache-Control": "no-store"})

    async def image(request):
        from starlette.concurrency import run_in_threadpool

        lang, name = request.path_params["lang"], request.path_params["name"]
        digest = name.removesuffix(".png").rpartition("-")[2]
        if not name.endswith(".png"):
            return not_found()
        png = await run_in_threadpool(state.image, lang, digest)  # rendered on first request
        if png is None:
            return not_found()
        return Response(
            png, media_type="image/png", headers={"Cache-Control": "max-age=31536000, immutable"}
        )

    async def pdf(request):
        data = state.pdf(request.path_params["lang"])
        if data is None:
            return not_found()
        return Response(data, media_type="application/pdf", headers={"Cache-Control": "no-store"})

    async def events(request):
        async def stream():
            seen = -1
            while True:
                if versions.version != seen:
                    seen = versions.version
                    yield f"data: {seen}\n\n"
                else:
                    yield ": still here\n\n"
                await versions.wait(seen)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    routes = [
        Route("/", page),
        Route("/static/{name}", static_file),
        Route("/fonts/{name}", font),
        Route("/state.json", state_json),
        Route("/pages/{lang}/{name}", image),
        Route("/pdf/{lang}", pdf),
        Route("/events", events),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    return HostCheck(app, allowed_hosts, port)


def _static_files() -> dict[str, bytes]:
    folder = resources.files("klastroviny.preview") / "static"
    return {item.name: item.read_bytes() for item in folder.iterdir() if item.is_file()}


class HostCheck:
    """Answers only requests for the address it serves: a page of another site that a DNS
    rebinding points at this port names its own host, and is refused. Adds the security
    headers to every answer."""

    def __init__(self, app, allowed_hosts: set[str], port: int):
        self.app, self.allowed, self.port = app, allowed_hosts, port

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        if not self._allowed(headers.get(b"host", b"").decode("latin-1")):
            await _plain(send, 421, b"this server answers only for its own address\n")
            return

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    *((k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)

    def _allowed(self, host: str) -> bool:
        if host.startswith("["):  # [::1]:8000
            name, _, port = host[1:].partition("]")
            port = port.removeprefix(":")
        else:
            name, _, port = host.partition(":")
        if port and port != str(self.port):
            return False
        if name in self.allowed:
            return True
        # Bound to every address (--host 0.0.0.0): any address literal, never a name.
        return "*" in self.allowed and _is_address(name)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


async def _plain(send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))],
        }
    )
    await send({"type": "http.response.body", "body": body})


def allowed_hosts(host: str) -> set[str]:
    """The names a request may give for `host`."""
    if host in ("0.0.0.0", "::", ""):
        return {"*", "localhost", socket.gethostname()}
    if is_loopback(host):
        return {host, "localhost"}
    return {host}


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on `port`, or on a free one if it is taken (or 0)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as error:
        raise KlastrovinyError("usage", f"--host {host}: {error.strerror or error}") from None
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        try:
            sock.bind((host, port))
        except OSError:
            if port == 0:
                raise
            sock.bind((host, 0))
        sock.listen(64)
    except OSError as error:
        sock.close()
        raise KlastrovinyError(
            "usage", f"cannot listen on {host}: {error.strerror or error}; give an address of "
            "this machine with --host (127.0.0.1 by default)"
        ) from None  # fmt: skip
    return sock


class Server:
    """uvicorn serving the app on a socket, in a daemon thread."""

    def __init__(self, app, sock: socket.socket):
        import uvicorn

        config = uvicorn.Config(
            app, log_level="warning", access_log=False, timeout_graceful_shutdown=1, lifespan="on"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True, name="preview"
        )

    def start(self) -> None:
        self._thread.start()
        while not self._server.started and self._thread.is_alive():
            self._thread.join(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(3)


def url(sock: socket.socket, host: str) -> str:
    """The address to open: a loopback one for a server bound to every address."""
    port = sock.getsockname()[1]
    shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://{f'[{shown}]' if ':' in shown else shown}:{port}/"


def is_loopback(host: str) -> bool:
    return host == "localhost" or (_is_address(host) and ipaddress.ip_address(host).is_loopback)
