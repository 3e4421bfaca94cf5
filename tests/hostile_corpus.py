"""A corpus of hostile and broken issue folders, each with the exit code and message it must give.

Each Case is a small issue folder: the builders' valid issue.yaml and one entry (builders.py),
with the files of the case written over them. Inputs may contain these placeholders, replaced
when the case is written (plain text replacement, so YAML and CSS braces need no escaping):

    {port}      the port of a local listener that records every connection (none is allowed)
    {marker}    the absolute path of secret-marker.txt, a file outside the issue folder whose
                unique token must never appear in any output
    {root}      the absolute path of the issue folder
    {out}       (in args) a folder beside the issue, for outputs

test_hostile.py runs every case through the CLI in-process. Most use `check` (no rendering,
cheap); those that need the renderer use `build`.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from builders import SVG, contact_yaml, entry_yaml, issue_yaml

from klastroviny.resources import LAYOUTS_DIR

ENTRY = "entries/clutex.yaml"


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str | bytes] = field(default_factory=dict)  # paths in the issue folder
    command: str = "check"  # or "build"
    args: tuple[str, ...] = ()  # more command-line arguments ({out} = the output folder)
    exit_code: int = 1
    message: str = ""  # must be in the output (stdout + stderr)
    printed: tuple[str, ...] = ()  # build: text that must be in the PDF (as plain text)
    setup: Callable[[Path, Path], None] | None = None  # (issue root, tmp_path), after writing
    patch: Callable[[object, Path], None] | None = None  # (monkeypatch, issue root)


def entry(**fields: str | None) -> dict[str, str]:
    """The files of an issue with one entry whose fields are replaced."""
    return {ENTRY: entry_yaml(**fields)}


def with_logo(name: str, content: bytes | str) -> dict[str, str | bytes]:
    return {ENTRY: entry_yaml(logo=name), name: content}


# --- images made to measure ------------------------------------------------------------------
def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height; its pixel data is tiny (a decompression-bomb
    header: checked before anything is decoded)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _chunk(b"IEND", b"")
    )


def real_image(kind: str, size: tuple[int, int] = (120, 40)) -> bytes:
    from PIL import Image

    image = Image.linear_gradient("L").convert("RGB").resize(size)
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


def png_with_bad_checksum() -> bytes:
    data = bytearray(real_image("PNG"))
    data[data.index(b"IDAT") + 6] ^= 0xFF
    return bytes(data)


def jpeg_claiming(width: int, height: int) -> bytes:
    data = real_image("JPEG")
    sof = data.index(b"\xff\xc0")
    return data[: sof + 5] + struct.pack(">HH", height, width) + data[sof + 9 :]


def svg(body: str, head: str = "") -> str:
    return (
        f'{head}<svg xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">{body}</svg>\n'
    )


# --- setups that make what files cannot say --------------------------------------------------
def symlink(relative: str, target: str) -> Callable[[Path, Path], None]:
    """A symlink at `relative` in the issue folder to `target` ({marker} allowed)."""

    def make(root: Path, tmp_path: Path) -> None:
        link = root / relative
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target.replace("{marker}", str(tmp_path / "secret-marker.txt")), link)

    return make


def fifo(relative: str) -> Callable[[Path, Path], None]:
    def make(root: Path, tmp_path: Path) -> None:
        os.mkfifo(root / relative)

    return make


def unreadable(relative: str, method: str = "open") -> Callable[[object, Path], None]:
    """Make one path of the issue folder raise PermissionError as for a file of another user
    (the tests run as root, whom chmod does not stop)."""

    def patch(monkeypatch, root: Path) -> None:
        target = (root / relative).absolute()
        original = getattr(Path, method)

        def guarded(self, *args, **kwargs):
            if Path(self).absolute() == target:
                raise PermissionError(13, "Permission denied", str(self))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Path, method, guarded)

    return patch


def big_entry(path: Path, size: int) -> None:
    """An entry whose description is `size` bytes of text, written in pieces."""
    with path.open("w", encoding="utf-8") as file:
        file.write(entry_yaml(description=None) + "description: |\n")
        line = "  " + "Klastr " * 14 + "\n"
        for _ in range(size // len(line) + 1):
            file.write(line)


# --- the corpus ------------------------------------------------------------------------------
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
HTML_PAYLOADS = (
    '<script>alert(1)</script> <img src="file://{marker}"> '
    "<style>@import url(http://127.0.0.1:{port}/x.css);</style> "
    '<link rel="stylesheet" href="http://127.0.0.1:{port}/y.css"> '
    '<iframe src="file://{marker}"></iframe> <object data="http://127.0.0.1:{port}/o"></object>'
)
OVERRIDE_CSS = (LAYOUTS_DIR / "a5-booklet" / "a5.css").read_text(encoding="utf-8")

CASES: list[Case] = [
    # YAML: size, shape and encoding -----------------------------------------------------------
    Case("yaml-billion-laughs", {ENTRY: LAUGHS}, message="YAML aliases (*a) are not allowed"),
    Case(
        "yaml-50-mb-description",
        setup=lambda root, _: big_entry(root / ENTRY, 50_000_000),
        message="the file has 50,000,",
    ),
    Case(
        "yaml-30000-character-description",
        entry(description="|\n  " + "x" * 30_000),
        message="30,000 characters; at most 20,000 allowed",
    ),
    Case(
        "yaml-10000-keywords",
        entry(keywords="\n" + "".join(f"  - k{i}\n" for i in range(10_000))),
        message="10000 items; at most 50 are allowed",
    ),
    Case(
        "yaml-25000-values",
        {ENTRY: "x:\n" + "".join(f"  - {i}\n" for i in range(25_000))},
        message="more than 20000 values in one file",
    ),
    Case(
        "yaml-deep-nesting",
        {ENTRY: "x: " + "[" * 200 + "]" * 200 + "\n"},
        message="nested more than 50 levels deep",
    ),
    Case(
        "yaml-windows-1250",
        {ENTRY: entry_yaml(city="Plzeň").encode("utf-8").replace("ň".encode(), b"\xf2")},
        message="the file is not UTF-8",
    ),
    Case("yaml-nul-bytes", {ENTRY: entry_yaml() + "\x00"}, message="NUL bytes"),
    Case("yaml-empty-file", {ENTRY: ""}, message="the file is empty"),
    Case("yaml-syntax-error", {ENTRY: 'name: "unclosed\n'}, message="YAML syntax error"),
    Case(
        "yaml-python-object-tag",
        entry(city='!!python/object/apply:os.system ["touch {root}/pwned"]'),
        message="city: expected text",
    ),
    Case(
        "yaml-huge-integer",
        entry(founded="9" * 5_000),
        message="is out of range; it must be between 1900 and 2022",
    ),
    Case(
        "yaml-huge-field-name",
        {ENTRY: entry_yaml() + "? " + "x" * 100_000 + "\n: 1\n"},  # an explicit key
        message="xxxxxxxxxxxxxxxx…: unknown field",
    ),
    Case(
        "yaml-right-to-left-override-in-a-key",
        {ENTRY: entry_yaml() + "cit\u202ey: Liberec\n"},
        message="cit\\u202ey: unknown field",
    ),
    # Files and folders --------------------------------------------------------------------------
    Case(
        "entry-symlink-outside",
        setup=symlink("entries/evil.yaml", "{marker}"),
        message="a symbolic link that leads outside the issue folder",
    ),
    Case(
        "entry-fifo",
        setup=fifo("entries/pipe.yaml"),
        message="entry files are regular files ending in .yaml",
    ),
    Case(
        "entry-permission-denied",
        patch=unreadable(ENTRY),
        message="cannot read the file (Permission denied); check its permissions",
    ),
    Case(
        "entries-folder-permission-denied",
        patch=unreadable("entries", "iterdir"),
        message="cannot read the folder (Permission denied)",
    ),
    Case("entries-folder-is-a-file", {"entries": "x"}, message="the issue has no entries/ folder"),
    Case("layout-unknown", {"issue.yaml": issue_yaml(layout="nope")}, message="not a layout"),
    Case(
        "layout-unknown-on-the-command-line",
        command="build",
        args=("--layout", "../../etc"),
        message="no layout '../../etc'",
    ),
    # Logo paths -----------------------------------------------------------------------------------
    Case(
        "logo-dot-dot",
        entry(logo="../secret-marker.txt"),
        message="leaves the issue folder ('..')",
    ),
    Case("logo-absolute", entry(logo="{marker}"), message="is an absolute path"),
    Case("logo-file-url", entry(logo="file://{marker}"), message="is a URL"),
    Case("logo-http-url", entry(logo="http://127.0.0.1:{port}/logo.png"), message="is a URL"),
    Case(
        "logo-symlink-outside",
        entry(logo="logos/x.svg"),
        setup=symlink("logos/x.svg", "{marker}"),
        message="points outside the issue folder",
    ),
    Case(
        "logo-symlink-loop",
        entry(logo="logos/loop.svg"),
        setup=symlink("logos/loop.svg", "loop.svg"),
        message="cannot be resolved (a symlink loop?)",
    ),
    Case(
        "logo-is-a-folder",
        {ENTRY: entry_yaml(logo="logos"), "logos/x.svg": SVG},
        message="is not a regular file",
    ),
    Case(
        "logo-fifo",
        {ENTRY: entry_yaml(logo="logos/x.svg"), "logos/keep": ""},
        setup=fifo("logos/x.svg"),
        message="is not a regular file",
    ),
    Case(
        "logo-permission-denied",
        {**with_logo("logos/x.svg", SVG)},
        patch=unreadable("logos/x.svg"),
        message="cannot be read (Permission denied); check the file's permissions",
    ),
    # PNG and JPEG ---------------------------------------------------------------------------------
    Case(
        "png-20000-px-bomb",
        with_logo("logos/x.png", png_claiming(20_000, 20_000)),
        message="has 400,000,000 pixels; the limits are 6,000 px on a side and 24 megapixels",
    ),
    Case(
        "png-too-wide",
        with_logo("logos/x.png", png_claiming(7_000, 10)),
        message="is 7,000 × 10 px",
    ),
    Case(
        "png-too-many-pixels",
        with_logo("logos/x.png", png_claiming(6_000, 4_500)),
        message="is 6,000 × 4,500 px",
    ),
    Case(
        "png-over-5-mb",
        with_logo("logos/x.png", png_claiming(10, 10) + b"\x00" * 5_000_000),
        message="more than the PNG limit of 5,000,000",
    ),
    Case(
        "png-truncated",
        with_logo("logos/x.png", real_image("PNG")[:-20]),
        message="is a damaged PNG file",
    ),
    Case(
        "png-bad-checksum",
        with_logo("logos/x.png", png_with_bad_checksum()),
        message="is a damaged PNG file (broken PNG file",
    ),
    Case(
        "png-header-only",
        with_logo("logos/x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
        message="is a damaged PNG file (its header cannot be read)",
    ),
    Case(
        "jpeg-truncated",
        with_logo("logos/x.jpg", real_image("JPEG")[:400]),
        message="is a damaged JPEG file",
    ),
    Case(
        "jpeg-30000-px-bomb",
        with_logo("logos/x.jpg", jpeg_claiming(30_000, 30_000)),
        message="has 900,000,000 pixels",
    ),
    Case(
        "gif-renamed-png",
        with_logo("logos/x.png", real_image("GIF")),
        message="is not an SVG, PNG or JPEG file (by its content)",
    ),
    Case(
        "html-saved-as-svg",
        with_logo("logos/x.svg", "<html><body><svg></svg></body></html>"),
        message="is not an SVG, PNG or JPEG file",
    ),
    Case("logo-empty-file", with_logo("logos/x.png", b""), message="is not an SVG, PNG or JPEG"),
    # SVG ---------------------------------------------------------------------------------------
    Case(
        "svg-not-xml",
        with_logo("logos/x.svg", svg("<g><rect></g>")),
        message="is not well-formed XML (mismatched tag at line 1",
    ),
    Case(
        "svg-billion-laughs",
        with_logo(
            "logos/x.svg",
            svg(
                "&l3;",
                '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY l0 "ha">'
                + "".join(f'<!ENTITY l{i + 1} "{f"&l{i};" * 10}">' for i in range(3))
                + "]>",
            ),
        ),
        message="has a DOCTYPE with declarations",
    ),
    Case(
        "svg-external-dtd",
        with_logo(
            "logos/x.svg",
            svg("&x;", '<?xml version="1.0"?><!DOCTYPE svg SYSTEM "file://{marker}">'),
        ),
        message="has a DOCTYPE that points to 'file://",
    ),
    Case(
        "svg-image-of-a-local-file",
        with_logo("logos/x.svg", svg('<image xlink:href="file://{marker}"/>')),
        message='refers to something outside the file: href="file://',
    ),
    Case(
        "svg-use-of-a-url",
        with_logo("logos/x.svg", svg('<use href="http://127.0.0.1:{port}/x.svg#a"/>')),
        message='href="http://127.0.0.1:',
    ),
    Case(
        "svg-relative-use",
        with_logo("logos/x.svg", svg('<use xlink:href="../../secret-marker.txt#a"/>')),
        message='href="../../secret-marker.txt#a"',
    ),
    Case(
        "svg-style-import",
        with_logo("logos/x.svg", svg("<style>@import url(http://127.0.0.1:{port}/a.css);</style>")),
        message="<style> @import url(http://127.0.0.1:",
    ),
    Case(
        "svg-style-font-face",
        with_logo(
            "logos/x.svg",
            svg("<style><![CDATA[@font-face{font-family:x;src:url('file://{marker}')}]]></style>"),
        ),
        message="<style> url(",
    ),
    Case(
        "svg-escaped-url-in-an-attribute",
        with_logo("logos/x.svg", svg('<rect fill="\\75 rl(http://127.0.0.1:{port}/p)"/>')),
        message='fill="…url(http://127.0.0.1:',
    ),
    Case(
        "svg-style-attribute",
        with_logo("logos/x.svg", svg("<rect style=\"background:url('file://{marker}')\"/>")),
        message='style="…url(',
    ),
    Case(
        "svg-css-bracket-bomb",
        with_logo("logos/x.svg", svg('<rect style="' + "(" * 100_000 + '"/>')),
        message="has an attribute style with brackets nested more than 40 deep",
    ),
    Case(
        "svg-css-too-long",
        with_logo("logos/x.svg", svg("<style>" + "a{fill:red}" * 30_000 + "</style>")),
        message="has more than 250,000 characters of CSS",
    ),
    Case(
        "svg-animated-href",
        with_logo(
            "logos/x.svg",
            svg('<use href="#a"><set attributeName="href" to="http://127.0.0.1:{port}/"/></use>'),
        ),
        message="refers to something outside the file: <set> of an href",
    ),
    Case(
        "svg-use-bomb",
        with_logo(
            "logos/x.svg",
            svg(
                '<g id="a0"><rect/></g>'
                + "".join(
                    f'<g id="a{i + 1}">' + f'<use href="#a{i}"/>' * 8 + "</g>" for i in range(5)
                )
            ),
        ),
        message="draws more than 30,000 elements when every <use>, mask and pattern is counted",
    ),
    Case(
        "svg-mask-loop-through-a-class",
        with_logo(
            "logos/x.svg",
            svg('<style>.a { mask: url(#m) }</style><mask id="m"><rect class="a"/></mask>'),
        ),
        message="refers to itself: '#m' is used inside itself",
    ),
    Case(
        "svg-masks-nested-too-deep",
        with_logo(
            "logos/x.svg",
            svg(
                '<mask id="m0"><rect/></mask>'
                + "".join(f'<mask id="m{i + 1}"><rect mask="url(#m{i})"/></mask>' for i in range(8))
                + '<rect mask="url(#m8)"/>'
            ),
        ),
        message="nests #id references more than 6 deep",
    ),
    Case(
        "svg-script-and-foreign-object",
        with_logo(
            "logos/x.svg",
            svg("<script>alert(1)</script><foreignObject><p>x</p></foreignObject>"),
        ),
        message="contains a script (<script>)",
    ),
    Case(
        "svg-stylesheet-instruction",
        with_logo(
            "logos/x.svg",
            svg("", '<?xml-stylesheet href="http://127.0.0.1:{port}/s.css"?>'),
        ),
        message="links a stylesheet",
    ),
    Case(
        "svg-deep-nesting",
        with_logo("logos/x.svg", svg("<g>" * 500 + "</g>" * 500)),
        message="nested more than 40 deep",
    ),
    Case(
        "svg-25000-elements",
        with_logo("logos/x.svg", svg("<rect/>" * 25_000)),
        message="more than 20,000 elements",
    ),
    Case(
        "svg-over-2-mb",
        with_logo("logos/x.svg", svg("<!--" + "x" * 2_100_000 + "-->")),
        message="more than the SVG limit of 2,000,000",
    ),
    # Markdown and text ---------------------------------------------------------------------------
    Case(
        "markdown-link-to-a-local-file",
        entry(description="{cs: '[cenník](file://{marker})', en: x}"),
        message="link target 'file://",
    ),
    Case(
        "markdown-javascript-link",
        entry(description="{cs: '[x](javascript:alert(1))', en: x}"),
        message="link target 'javascript:alert(1)' is not allowed",
    ),
    Case(
        "markdown-link-in-the-foreword",
        {"issue.yaml": issue_yaml(foreword="'[x](//127.0.0.1:{port}/x)'")},
        message="link target '//127.0.0.1:",
    ),
    Case(
        "text-in-a-script-the-fonts-lack",
        entry(description="'" + "".join(chr(0x4E00 + i) for i in range(300)) + "'"),
        command="build",  # refused before rendering
        message="and 295 more characters that are not in the bundled fonts",
    ),
    Case(
        "right-to-left-override-in-a-text",
        entry(city="'Liberec \u202egpj.exe'"),
        command="build",  # refused before rendering
        message="(U+202E RIGHT-TO-LEFT OVERRIDE) is not in the bundled font",
    ),
    # Rendered: text is data -----------------------------------------------------------------------
    Case(
        "html-in-texts-is-printed-as-text",
        entry(
            description="|\n  " + HTML_PAYLOADS,
            city="'<b>Liberec</b>'",
            offer="['<img src=x>', '</div><div>']",
            contacts=contact_yaml(role="'<style>*{display:none}</style>'"),
        ),
        command="build",
        exit_code=0,
        message="pages (cs)",
        printed=("<script>alert(1)</script>", "<b>Liberec</b>", "<img src=x>"),
    ),
    Case(
        "jinja-in-texts-is-printed-as-text",
        entry(
            name="'{{ 7*7 }} {% include \"/etc/passwd\" %}'",
            description="'{{ cycler }} {% for x in range(99999999) %}{% endfor %} "
            "[x](http://127.0.0.1:{port}/x)'",
        ),
        command="build",
        exit_code=0,
        message="pages (cs)",
        printed=("{{ 7*7 }}", "{% include", "{{ cycler }}", "{% for x in range(99999999) %}"),
    ),
    # Rendered: the sandbox holds for issue-local layout overrides ---------------------------------
    Case(
        "override-css-imports-a-url",
        {"layout/a5.css": "@import url(http://127.0.0.1:{port}/x.css);\n" + OVERRIDE_CSS},
        command="build",
        message="refused to load 'http://127.0.0.1:",
    ),
    Case(
        "override-css-reads-a-local-file",
        {"layout/a5.css": OVERRIDE_CSS + "body { background: url(file://{marker}) }\n"},
        command="build",
        message="refused to load 'file://",
    ),
    Case(
        "override-css-climbs-out",
        {"layout/a5.css": OVERRIDE_CSS + "body { background: url(../../secret-marker.txt) }\n"},
        command="build",
        message="secret-marker.txt': only files inside the issue folder",
    ),
    Case(
        "override-template-broken",
        {"layout/profile.html.j2": "<section>\n{% if entry %}\n</section>\n"},
        command="build",
        message="profile.html.j2:3:1: error: template syntax error",
    ),
    # Output --------------------------------------------------------------------------------------
    Case(
        "output-is-a-folder",
        command="build",
        args=("-o", "{out}"),
        message="the output is a folder; give a file name ending in .pdf",
    ),
]
