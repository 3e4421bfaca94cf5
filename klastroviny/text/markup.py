"""The small Markdown subset of descriptions and forewords: paragraphs, bold, italic, lists, links.

Raw HTML is never interpreted (markdown-it's html option is off, so it stays literal text) and
only http(s) and mailto links are allowed.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

ALLOWED_LINK_SCHEMES = ("http", "https", "mailto")
# Block and inline rules beyond the subset are switched off, so their syntax prints as text.
_DISABLED_RULES = [
    "table",
    "code",
    "fence",
    "blockquote",
    "hr",
    "heading",
    "lheading",
    "html_block",
    "html_inline",
    "image",
    "backticks",
    "strikethrough",
    "reference",
    "entity",
    "autolink",
]


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.disable(_DISABLED_RULES, ignoreInvalid=True)
    parser.validateLink = lambda url: True  # we judge links ourselves and report them
    return parser


def link_problems(source: str) -> list[str]:
    """Links the bulletin refuses to print, as messages."""
    problems = []
    for token in _parser().parse(source):
        for child in token.children or ():
            if child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                if _scheme(href) not in ALLOWED_LINK_SCHEMES:
                    shown = href if len(href) <= 80 else href[:79] + "…"
                    problems.append(
                        f"link target '{shown}' is not allowed; use an http(s) or mailto link"
                    )
    return problems


def to_html(source: str) -> str:
    """Render the subset to HTML (typography is applied to the source before, so that quotes
    around bold or italic text pair up)."""
    parser = _parser()
    tokens = parser.parse(source)
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                if _scheme(href) not in ALLOWED_LINK_SCHEMES:
                    child.attrs["href"] = ""
    return parser.renderer.render(tokens, parser.options, {})


def _scheme(href: str) -> str:
    """The link's scheme in lower case; '' for a relative or unparsable link (refused)."""
    try:
        return urlsplit(href).scheme.lower()
    except ValueError:  # e.g. an unclosed [IPv6] host: not a link we print
        return ""
