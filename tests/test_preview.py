"""The live preview (docs/cli.md, `klastroviny preview`): a real `klastroviny preview` process
on a free port, a small issue (four entries of the sample, both editions), and Debian's
Chromium. An edit changes exactly its entry's page images, without a reload; a YAML error
shows a banner and keeps the pages; the problems are those of `check`; nothing outside its own
tables is served, nor to another Host; Ctrl-C ends it with 130 and no process left."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browsers import axe_violations, chromium
from builders import PROJECT_ROOT

from klastroviny.errors import KlastrovinyError
from klastroviny.preview.server import HostCheck, allowed_hosts, bind

SAMPLE = PROJECT_ROOT / "issues" / "2022-09-prague"
KLASTROVINY = Path(sys.executable).with_name("klastroviny")
KEPT = ("clutex", "nabytkari", "plastr", "smart-city")
WAIT = 120  # seconds: a build on a loaded 2-core machine


class Preview:
    def __init__(self, issue: Path, *args: str):
        self.issue = issue
        self.process = subprocess.Popen(
            [str(KLASTROVINY), "preview", str(issue), "--no-open", *args],
            cwd=issue.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.lines = [self.process.stdout.readline()]
        found = re.search(r"serving (http://[^/]+/)", self.lines[0])
        assert found, self.lines[0] + self.process.stdout.read()
        self.url = found.group(1)
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def wait_built(self) -> None:
        self.lines.append(self.process.stdout.readline())
        assert "built version" in self.lines[-1], "".join(self.lines)

    def state(self, lang: str = "") -> dict:
        query = f"?lang={lang}" if lang else ""
        with urllib.request.urlopen(f"{self.url}state.json{query}") as response:
            return json.load(response)

    def settled(self, after: int) -> dict:
        """The state once a build that started after version `after` is over."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            state = self.state()
            if state["version"] > after + 1 and not state["building"]:
                return state
            time.sleep(0.1)
        raise AssertionError(f"no new build within {WAIT} s")

    def interrupt(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        output, _ = self.process.communicate(timeout=30)
        return self.process.returncode, "".join(self.lines) + output


@pytest.fixture(scope="module")
def issue(tmp_path_factory) -> Path:
    issue = tmp_path_factory.mktemp("preview") / "issue"
    shutil.copytree(SAMPLE, issue)
    for path in (issue / "entries").glob("*.yaml"):
        if path.stem not in KEPT:
            path.unlink()
    return issue


@pytest.fixture(scope="module")
def preview(issue):
    before = _files(issue)
    server = Preview(issue, "--port", "0")
    server.wait_built()
    yield server
    code, output = server.interrupt()  # Ctrl-C while it waits for changes
    assert code == 130 and "Traceback" not in output, output
    edited = {name for name in before if name.startswith("entries/")}  # by the tests
    after = {name: time for name, time in _files(issue).items() if name not in edited}
    assert after == {name: t for name, t in before.items() if name not in edited}, (
        "the preview wrote into the issue folder"
    )


@pytest.fixture(scope="module")
def browser(preview):
    driver = chromium()
    driver.set_window_size(1400, 1000)
    driver.get(preview.url)
    _until(lambda: driver.execute_script("return document.querySelectorAll('.page img').length"))
    yield driver
    driver.quit()


def _files(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def _until(condition, seconds: float = WAIT):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError("the page did not show it in time")


def _images(browser) -> dict[int, str]:
    return {
        int(number): src
        for number, src in browser.execute_script(
            "return [...document.querySelectorAll('.page')].map("
            "f => [f.dataset.number, f.querySelector('img').getAttribute('src')])"
        )
    }


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- the state and what it serves --------------------------------------------------------------
def test_the_state_has_every_page_with_its_source(preview):
    state = preview.state()
    assert (state["lang"], state["languages"], state["building"]) == ("cs", ["cs", "en"], False)
    numbers = [page["number"] for page in state["pages"]]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) % 4 == 0
    sources = [page["source"] for page in state["pages"]]
    assert sources[0] is None  # the cover
    for stem in KEPT:
        assert sources.count(f"entries/{stem}.yaml") >= 1
    image = state["pages"][0]["image"]
    assert re.fullmatch(r"/pages/cs/1-[0-9a-f]{12}\.png", image)
    with urllib.request.urlopen(preview.url + image.lstrip("/")) as response:
        assert response.read(8) == b"\x89PNG\r\n\x1a\n"
    with urllib.request.urlopen(preview.url + state["pdf"].lstrip("/")) as response:
        assert response.read(5) == b"%PDF-"
    english = preview.state("en")
    assert english["lang"] == "en" and len(english["pages"]) == len(numbers)
    digest = re.compile(r"-([0-9a-f]{12})\.png$")
    czech = {digest.search(page["image"]).group(1) for page in state["pages"]}
    assert len(czech & {digest.search(p["image"]).group(1) for p in english["pages"]}) < 4


@pytest.mark.parametrize(
    "path",
    [
        "/../issue.yaml",
        "/static/../server.py",
        "/static/%2e%2e/server.py",
        "/static/%2e%2e%2fserver.py",
        "/static//etc/passwd",
        "//etc/passwd",
        "/pages/cs/..%2f..%2fissue.yaml",
        "/pages/cs/1-../../issue.yaml.png",
        "/fonts/..%2ffonts.conf",
        "/fonts/fonts.conf",
        "/pdf/../../issue.yaml",
        "/entries/clutex.yaml",
        "/state.json?lang=xx",
    ],
)
def test_no_request_reaches_the_file_system(preview, path):
    assert _status(preview.port, path, f"127.0.0.1:{preview.port}") == 404


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", ""])
def test_another_host_is_refused(preview, host):
    assert _status(preview.port, "/state.json", host.format(port=preview.port)) == 421


def _status(port: int, path: str, host: str) -> int:
    """The status of a GET of `path` exactly as written, with this Host header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host)
        connection.endheaders()
        with connection.getresponse() as response:
            response.read()
            return response.status
    finally:
        connection.close()


def test_the_addresses_a_request_may_name():
    check = HostCheck(None, allowed_hosts("127.0.0.1"), 8000)
    assert check._allowed("127.0.0.1:8000") and check._allowed("localhost:8000")
    assert not check._allowed("attacker.example:8000") and not check._allowed("127.0.0.1:80")
    everywhere = HostCheck(None, allowed_hosts("0.0.0.0"), 8000)
    assert everywhere._allowed("192.0.2.7:8000") and everywhere._allowed("[2001:db8::1]:8000")
    assert not everywhere._allowed("rebound.example:8000")


@pytest.mark.parametrize("host", ["203.0.113.9", "no-such-host.invalid"])
def test_an_address_it_cannot_listen_on_is_a_clear_error(host):
    with pytest.raises(KlastrovinyError, match=f"{host}"):
        bind(host, 0)


# --- in the browser ----------------------------------------------------------------------------
def test_the_page_shows_the_cover_then_spreads(preview, browser, tmp_path_factory):
    groups = browser.execute_script(
        "return [...document.querySelectorAll('.spread')].map(s => s.children.length)"
    )
    count = len(preview.state()["pages"])
    assert groups[0] == 1 and set(groups[1:-1]) == {2} and sum(groups) == count
    assert _until(
        lambda: browser.execute_script(
            "return [...document.images].slice(0, 3).every(i => i.complete && i.naturalWidth > 300)"
            " && document.fonts.check('16px Inter')"
        )
    )
    title = browser.execute_script(
        "const f = document.querySelector('.page[data-source]'); return f.title"
    )
    assert title.startswith("entries/") and title.endswith(".yaml")
    shot = tmp_path_factory.getbasetemp() / "preview.png"
    browser.save_screenshot(str(shot))  # looked at when the layout changes
    browser.find_element("id", "mode").click()
    assert set(browser.execute_script(
        "return [...document.querySelectorAll('.spread')].map(s => s.children.length)"
    )) == {1}  # fmt: skip
    browser.find_element("id", "mode").click()


def test_axe_finds_no_violation(browser):
    assert axe_violations(browser) == []


def test_an_edit_changes_exactly_its_pages_without_a_reload(preview, browser, issue):
    idle = [_idle_event_stream(preview.port) for _ in range(8)]  # tabs that never read
    state, english = preview.state(), _images_of(preview.state("en"))
    browser.execute_script("window.marker = 'kept'; window.scrollTo(0, 600)")
    before = _images(browser)
    _edit(issue / "entries" / "plastr.yaml", "  cs: |\n    ", "  cs: |\n    Nově upraveno. ")
    after_state = preview.settled(state["version"])
    _until(lambda: _images(browser) != before and not browser.execute_script(
        "return document.body.dataset.building === 'true'"))  # fmt: skip
    after = _images(browser)
    changed = {n for n in before if before[n] != after[n]}
    plastr = {p["number"] for p in after_state["pages"] if p["source"] == "entries/plastr.yaml"}
    assert changed == plastr
    assert browser.execute_script("return window.marker") == "kept"  # no reload
    assert browser.execute_script("return window.scrollY") == 600
    assert _images_of(preview.state("en")) == english  # a Czech text: no English page
    for sock in idle:
        sock.close()


def _images_of(state: dict) -> list[str]:
    return [page["image"] for page in state["pages"]]


def _idle_event_stream(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    return sock


def test_a_yaml_error_shows_a_banner_and_keeps_the_pages(preview, browser, issue):
    entry = issue / "entries" / "clutex.yaml"
    good = entry.read_text(encoding="utf-8")
    state = preview.state()
    before = _images(browser)
    entry.write_text(good.replace("founded: 2006", "founded: [2006", 1), encoding="utf-8")
    try:
        shown = "const b = document.getElementById('banner'); return !b.hidden && b.textContent"
        banner = _until(lambda: browser.execute_script(shown))
        assert "entries/clutex.yaml:" in banner
        assert _images(browser) == before
        problem = next(p for p in preview.state()["problems"] if p["severity"] == "error")
        assert problem["file"] == "entries/clutex.yaml" and problem["line"]
        copy = browser.execute_script(
            "return document.querySelector('#problem-list li.error button').dataset.copy"
        )
        assert copy == f"entries/clutex.yaml:{problem['line']}"
    finally:
        entry.write_text(good, encoding="utf-8")
    preview.settled(state["version"] + 2)
    _until(lambda: browser.execute_script("return document.getElementById('banner').hidden"))
    assert preview.state()["stopped"] is None


def test_the_problems_are_those_of_check(preview, issue):
    state = preview.state()
    entry = issue / "entries" / "smart-city.yaml"
    _edit(entry, "    email: ", "    email: ř")  # a warning: accents before the @
    state = preview.settled(state["version"])
    checked = subprocess.run(
        [str(KLASTROVINY), "check", "."], cwd=issue, capture_output=True, text=True
    )
    lines = {
        line for line in checked.stderr.splitlines() + checked.stdout.splitlines()
        if re.match(r"\S+:\d+:\d+: (error|warning):", line)
    }  # fmt: skip
    shown = {
        f"{p['file']}:{p['line']}:{p['col']}: {p['severity']}: "
        + (f"{p['field']}: " if p["field"] else "") + p["message"]
        for p in state["problems"] if p["severity"] in ("error", "warning")
    }  # fmt: skip
    assert lines and shown == lines


# --- starting and stopping ---------------------------------------------------------------------
def test_a_taken_port_gives_a_free_one_and_ctrl_c_ends_cleanly(issue):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = Preview(issue, "--port", str(port))
        assert server.port != port
        time.sleep(1.5)  # building: its workers are running
        children = _children(server.process.pid)
        code, output = server.interrupt()
    assert code == 130, output
    assert "Traceback" not in output
    time.sleep(0.5)
    assert not [pid for pid in children if _alive(pid)]


def test_another_host_is_served_with_a_warning(issue):
    server = Preview(issue, "--host", "0.0.0.0", "--port", "0")
    warning = server.process.stdout.readline()
    code, output = server.interrupt()
    assert "anyone who can reach 0.0.0.0 can read this issue" in warning, output
    assert code == 130


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found | {grandchild for child in found for grandchild in _children(child)}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"

