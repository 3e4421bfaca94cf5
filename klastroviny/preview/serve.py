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
    shown = lang or languages[0]
    sock = server.bind(host, port)
    state = PreviewState(Path(issue_dir), languages)
    session = PreviewSession(issue_dir, options, shown, state)
    app = server.make_app(state, server.allowed_hosts(host), sock.getsockname()[1], shown)
    web = server.Server(app, sock)
    web.start()
    try:
        address = server.url(sock, host)
        say(f"serving {address} (Ctrl-C ends)")
        if not server.is_loopback(host):
            say(f"warning: anyone who can reach {host} can read this issue, contacts included")
        if open_browser:
            webbrowser.open(f"{address}?lang={shown}")
        session.rebuild()
        _watch(issue_dir, session, say)
    finally:
        web.stop()
        session.close()


def _watch(issue_dir: Path, session: PreviewSession, say: Callable[[str], None]) -> None:
    from watchfiles import watch as changes_of

    watching = False
    # An empty set comes each second without changes: "watching" is said once the watcher is
    # really there, so that a save right after it is never missed.
    for changes in changes_of(
        issue_dir,
        LAYOUTS_DIR,
        ASSETS_DIR,
        raise_interrupt=True,  # Ctrl-C while waiting: 130, as during a build
        yield_on_timeout=True,
        rust_timeout=1000,
        watch_filter=lambda change, path: not _ignored(Path(path), session.options),
    ):
        if not watching:
            say(
                f"built version {session.state.version}; watching {issue_dir}, layouts/ and assets/"
            )
            watching = True
        if changes:
            session.rebuild(sorted({Path(path) for _, path in changes}))


def _ignored(path: Path, options: BuildOptions) -> bool:
    """Editors' swap and backup files, and the preview's own outputs."""
    name = path.name
    if name.startswith(".#") or name.endswith(("~", ".swp", ".swx", ".tmp")):
        return True
    for folder in (options.out_dir, options.cache_dir):
        if folder is not None and path.resolve().is_relative_to(Path(folder).resolve()):
            return True
    return False
