"""`klastroviny preview`: the server in a thread, the rebuilds in this one, after every saved
change to the issue, its layout or assets (the watch machinery)."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from pathlib import Path

from klastroviny.content.issue_file import read_head
from klastroviny.errors import KlastrovinyError
from klastroviny.options import BuildOptions
from klastroviny.preview import server
from klastroviny.preview.session import PreviewSession
from klastroviny.preview.state import PreviewState
from klastroviny.resources import ASSETS_DIR, LAYOUTS_DIR


def serve_preview(
    issue_dir: Path,
    options: BuildOptions,
    lang: str | None,
    host: str,
    port: int,
    open_browser: bool,
    say: Callable[[str], None],
) -> None:
    """Serve until interrupted (KeyboardInterrupt reaches the caller)."""
    from watchfiles import watch as changes_of

    head, report = read_head(issue_dir)
    if head is None:
        raise KlastrovinyError(
            "validation", "issue.yaml has errors; fix them and start again", report
        )
    languages = tuple(head["languages"])
    if lang is not None and lang not in languages:
        raise KlastrovinyError(
            "usage", f"this issue has no '{lang}' edition; its languages are {', '.join(languages)}"
        )
    state = PreviewState(Path(issue_dir), languages)
    session = PreviewSession(issue_dir, options, lang or languages[0], state)
    sock = server.bind(host, port)
    app = server.make_app(state, server.allowed_hosts(host), sock.getsockname()[1])
    web = server.Server(app, sock)
    web.start()
    try:
        address = server.url(sock, host)
        say(f"serving {address} (Ctrl-C ends)")
        if host != "127.0.0.1" and host != "localhost":
            say(f"warning: anyone who can reach {host} can read this issue, contacts included")
        if open_browser:
            webbrowser.open(address)
        session.rebuild()
        say(f"built version {state.version}; watching {issue_dir}, layouts/ and assets/")
        for changes in changes_of(
            issue_dir,
            LAYOUTS_DIR,
            ASSETS_DIR,
            raise_interrupt=False,
            rust_timeout=1000,
            watch_filter=lambda change, path: not _ignored(Path(path), session.options),
        ):
            session.rebuild(sorted({Path(path) for _, path in changes}))
    finally:
        web.stop()
        session.close()


def _ignored(path: Path, options: BuildOptions) -> bool:
    """Editors' swap and backup files, and the preview's own outputs."""
    name = path.name
    if name.startswith(".#") or name.endswith(("~", ".swp", ".swx", ".tmp")):
        return True
    for folder in (options.out_dir, options.cache_dir):
        if folder is not None and path.resolve().is_relative_to(Path(folder).resolve()):
            return True
    return False
