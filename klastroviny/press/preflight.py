"""Preflight: what a print shop checks before it prints a PDF — any PDF, not only ours.

Reads the file with pypdf and a light content-stream scanner (strings and inline images are
stripped first; only q/Q/cm/Do and colour operators are read), so that an 800-page master is
checked in seconds. Over 400 lines because it is one checklist, read top to bottom: pages,
boxes, fonts, images, colour, output intent, PDF/X. Given where each entry's pages are (our
own build knows: `entry_sources`), findings name the entry and its logo file, and
`build_problems` turns the blocking ones into problems at the entry file's `logo` line.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from klastroviny.content.load import field_locations
from klastroviny.content.logos import PRINT_PPI, PRINT_REFUSED_PPI, logo_wanted
from klastroviny.errors import KlastrovinyError, Location, Report
from klastroviny.press.master import MM

MIN_BLEED_MM = 3.0
ERROR_PPI, WARNING_PPI = PRINT_REFUSED_PPI, PRINT_PPI
TRIM_TOLERANCE_MM = 0.5
LISTED = 10  # images named one by one in a finding; the rest are counted

_STRINGS = re.compile(rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>(?!>)", re.S)
_INLINE_IMAGES = re.compile(rb"\bBI\b.*?\bID\b.*?\bEI\b", re.S)
_NUM = rb"[-+]?(?:\d+\.?\d*|\.\d+)"
_OPERATORS = re.compile(rb"(?<![\w/.*'\"])(cm|q|Q|Do|cs|CS|rg|RG|k|K)(?![\w*])")
_OPERAND_WINDOW = 160  # bytes before an operator that hold its operands
RGB_SPACES = {"/DeviceRGB", "/CalRGB", "/RGB"}


@dataclass
class Finding:
    check: str
    status: str  # ok | warning | error
    message: str
    pages: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class PageSource:
    """What a page of our bulletin prints: an entry's profile, and the logo file it shows."""

    entry: str  # the entry's id
    logo: str | None  # the logo's path in the issue folder, as the entry file gives it
    entry_file: Path  # where to fix it (build_problems finds the `logo` line when needed)

    def __str__(self) -> str:
        return f"{self.entry}, {self.logo}" if self.logo else self.entry


@dataclass
class ImageUse:
    page: int
    name: str
    width_px: int
    height_px: int
    ppi: float
    colour_space: str
    entry: str = ""  # the entry whose page it is on, when known
    file: str = ""  # that entry's logo file

    @property
    def where(self) -> str:
        """`page 17 (plastr, logos/plastr.png)`, or `page 17` when the page is no entry's."""
        source = ", ".join(part for part in (self.entry, self.file) if part)
        return f"page {self.page} ({source})" if source else f"page {self.page}"


@dataclass
class PreflightReport:
    file: str
    pdf_version: str
    pages: int
    findings: list[Finding] = field(default_factory=list)
    images: list[ImageUse] = field(default_factory=list)
    fonts: list[dict] = field(default_factory=list)

    @property
    def printable(self) -> bool:
        return not any(f.status == "error" for f in self.findings)

    def add(self, check: str, status: str, message: str, pages=()) -> None:
        self.findings.append(Finding(check, status, message, sorted(set(pages))))

    def as_dict(self) -> dict:
        data = asdict(self)
        data["printable"] = self.printable
        return data

    def as_text(self) -> str:
        lines = [f"Preflight of {self.file}", f"PDF {self.pdf_version}, {self.pages} pages", ""]
        marks = {"ok": "ok     ", "warning": "WARNING", "error": "ERROR  "}
        for finding in self.findings:
            where = f" (pages {_ranges(finding.pages)})" if finding.pages else ""
            lines.append(f"{marks[finding.status]} {finding.check}: {finding.message}{where}")
        if self.images:
            lines += ["", "Images (effective resolution at placed size):"]
            for image in self.images:
                lines.append(
                    f"  {image.where}: {image.name} {image.width_px}×"
                    f"{image.height_px} px, {image.ppi:.0f} ppi, {image.colour_space}"
                )
        lines += ["", "PRINTABLE" if self.printable else "NOT PRINTABLE: fix the errors above"]
        return "\n".join(lines) + "\n"


class UnreadablePdf(KlastrovinyError):
    def __init__(self, message: str):
        super().__init__("preflight", message)


def preflight(
    path: Path,
    trim_mm: tuple[float, float] | None = None,
    pages_multiple: int | None = None,
    sources: dict[int, PageSource] | None = None,
    data: bytes | None = None,
) -> PreflightReport:
    """The report on the PDF at `path` (or `data`, named `path`); `sources` gives, for pages
    of our own bulletin (numbered from 1), the entry and logo behind them."""
    data = _read(path) if data is None else _check_whole(path, data)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = reader.pages
        count = len(pages)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise UnreadablePdf(f"{path}: not a readable PDF ({error})") from None
    version = data[5:8].decode("ascii", "replace")
    report = PreflightReport(str(path), version, count)
    _check_page_count(report, count, pages_multiple)
    scan = _Scan(report, sources or {})
    for number, page in enumerate(pages, start=1):
        scan.page(number, page)
    _check_boxes(report, pages, trim_mm)
    scan.finish()
    _check_output_intent(report, reader, scan)
    return report


def _read(path: Path) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise UnreadablePdf(f"{path}: cannot read ({error.strerror})") from None
    return _check_whole(path, data)


def _check_whole(path: Path, data: bytes) -> bytes:
    if not data.startswith(b"%PDF-"):
        raise UnreadablePdf(f"{path}: not a PDF file (no %PDF- header)")
    if b"%%EOF" not in data[-2048:]:
        raise UnreadablePdf(
            f"{path}: the PDF is truncated (no %%EOF at its end); transfer it again"
        )
    return data


def _check_page_count(report: PreflightReport, count: int, multiple: int | None) -> None:
    if multiple is None:
        status = "ok" if count % 4 == 0 else "warning"
        report.add(
            "page count",
            status,
            f"{count} pages; a saddle-stitched booklet needs a multiple of 4"
            if status != "ok"
            else f"{count} pages, a multiple of 4",
        )
    elif count % multiple:
        report.add(
            "page count", "error", f"{count} pages; this layout binds multiples of {multiple}"
        )
    else:
        report.add("page count", "ok", f"{count} pages, a multiple of {multiple}")


def _check_boxes(report: PreflightReport, pages, trim_mm) -> None:
    no_trim, thin_bleed, wrong_size, sizes = [], [], [], set()
    for number, page in enumerate(pages, start=1):
        trim = page.get("/TrimBox")
        if trim is None:
            no_trim.append(number)
        trim_box = page.trimbox
        size = (round(float(trim_box.width) / MM, 1), round(float(trim_box.height) / MM, 1))
        sizes.add(size)
        if trim_mm and (
            abs(size[0] - trim_mm[0]) > TRIM_TOLERANCE_MM
            or abs(size[1] - trim_mm[1]) > TRIM_TOLERANCE_MM
        ):
            wrong_size.append(number)
        bleed = page.bleedbox
        margins = (
            float(trim_box.left - bleed.left),
            float(trim_box.bottom - bleed.bottom),
            float(bleed.right - trim_box.right),
            float(bleed.top - trim_box.top),
        )
        if min(margins) / MM < MIN_BLEED_MM - 0.05:
            thin_bleed.append(number)
    sizes_text = ", ".join(f"{w:g}×{h:g} mm" for w, h in sorted(sizes))
    if wrong_size:
        report.add(
            "trim size",
            "error",
            f"trim {sizes_text}, expected {trim_mm[0]:g}×{trim_mm[1]:g} mm",
            wrong_size,
        )
    elif len(sizes) > 1:
        report.add("trim size", "error", f"pages differ in trim size: {sizes_text}")
    else:
        report.add("trim size", "ok", f"trim {sizes_text}")
    if no_trim:
        report.add("TrimBox", "error", "no TrimBox: the printer cannot tell where to cut", no_trim)
    else:
        report.add("TrimBox", "ok", "every page has a TrimBox")
    if thin_bleed:
        report.add(
            "bleed",
            "error",
            f"BleedBox missing or bleed under {MIN_BLEED_MM:g} mm on a side",
            thin_bleed,
        )
    else:
        report.add("bleed", "ok", f"bleed at least {MIN_BLEED_MM:g} mm on every side")


class _Scan:
    """Walks each page's content, Form XObjects included: images, colours, fonts, links."""

    def __init__(self, report: PreflightReport, sources: dict[int, PageSource]):
        self.report = report
        self.sources = sources
        self.rgb_pages: set[int] = set()
        self.cmyk_used = False
        self.fonts: dict[str, dict] = {}
        self.unembedded: dict[str, set[int]] = {}
        self.link_pages: set[int] = set()
        self.forms_seen: dict[int, tuple] = {}

    def page(self, number: int, page) -> None:
        for annot in page.get("/Annots") or ():
            if annot.get_object().get("/Subtype") == "/Link":
                self.link_pages.add(number)
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        self._content(number, data, _resolve(page.get("/Resources")), (1, 0, 0, 1, 0, 0), 0)

    def _content(self, number, data, resources, ctm, depth) -> None:
        if depth > 12:
            return
        self._fonts(number, resources)
        self._resource_colour_spaces(number, resources)
        data = _INLINE_IMAGES.sub(b" ", _STRINGS.sub(b" ", data))
        stack = []
        for match in _OPERATORS.finditer(data):
            operator = match.group(1)
            if operator in (b"q", b"Q"):
                if operator == b"q":
                    stack.append(ctm)
                elif stack:
                    ctm = stack.pop()
            elif operator in (b"rg", b"RG"):
                self.rgb_pages.add(number)
            elif operator in (b"k", b"K"):
                self.cmyk_used = True
            else:
                window = data[max(0, match.start() - _OPERAND_WINDOW) : match.start()]
                operands = window.split()
                try:
                    if operator == b"cm":
                        ctm = _multiply([float(v) for v in operands[-6:]], ctm)
                    elif operands and operands[-1].startswith(b"/"):
                        name = operands[-1].decode("latin-1")
                        if operator == b"Do":
                            self._xobject(number, resources, name, ctm, depth)
                        else:
                            self._colour_space(
                                number, _lookup(resources, "/ColorSpace", name) or NameObject(name)
                            )
                except (ValueError, TypeError):
                    continue  # not an operator after all (e.g. inside a dictionary)

    def _xobject(self, number, resources, name, ctm, depth) -> None:
        xobject = _lookup(resources, "/XObject", name)
        if xobject is None:
            return
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            self._image(number, name, xobject, ctm)
        elif subtype == "/Form":
            matrix = [float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
            inner = _resolve(xobject.get("/Resources")) or resources
            self._content(number, xobject.get_data(), inner, _multiply(matrix, ctm), depth + 1)

    def _image(self, number, name, image, ctm) -> None:
        width_px, height_px = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        placed_w = math.hypot(ctm[0], ctm[1]) / 72
        placed_h = math.hypot(ctm[2], ctm[3]) / 72
        if image.get("/ImageMask") or not (placed_w and placed_h and width_px and height_px):
            return
        ppi = min(width_px / placed_w, height_px / placed_h)
        space = self._colour_space(number, image.get("/ColorSpace"))
        source = self.sources.get(number)
        self.report.images.append(
            ImageUse(
                number,
                name,
                width_px,
                height_px,
                round(ppi, 1),
                space,
                source.entry if source else "",
                (source.logo or "") if source else "",
            )
        )

    def _resource_colour_spaces(self, number, resources) -> None:
        for key in ("/Shading",):
            for item in (_resolve(resources.get(key)) or {}).values() if resources else ():
                self._colour_space(number, _resolve(item).get("/ColorSpace"))

    def _colour_space(self, number, space) -> str:
        space = _resolve(space)
        if space is None:
            return "none"
        if isinstance(space, ArrayObject):
            family = str(space[0])
            if family == "/ICCBased":
                components = int(_resolve(space[1]).get("/N", 0))
                kind = {1: "gray", 3: "RGB", 4: "CMYK"}.get(components, "?")
                label = f"ICCBased {kind}"
            elif family == "/Indexed":
                label = "Indexed " + self._colour_space(number, space[1])
            elif family in ("/Separation", "/DeviceN"):
                return family[1:]
            else:
                label = family[1:]
        else:
            label = str(space)[1:]
        if "RGB" in label:
            self.rgb_pages.add(number)
        elif "CMYK" in label:
            self.cmyk_used = True
        return label

    def _fonts(self, number, resources) -> None:
        for name, font in (_resolve(resources.get("/Font")) or {}).items() if resources else ():
            font = _resolve(font)
            base = str(font.get("/BaseFont", name))[1:]
            embedded = _font_embedded(font)
            self.fonts.setdefault(
                base, {"name": base, "type": str(font.get("/Subtype"))[1:], "embedded": embedded}
            )
            if not embedded:
                self.unembedded.setdefault(base, set()).add(number)

    def finish(self) -> None:
        report = self.report
        report.fonts = sorted(self.fonts.values(), key=lambda f: f["name"])
        if self.unembedded:
            for base, pages in sorted(self.unembedded.items()):
                report.add("fonts", "error", f"font {base} is not embedded", pages)
        else:
            report.add("fonts", "ok", f"all {len(self.fonts)} fonts embedded")
        low = [i for i in report.images if i.ppi < ERROR_PPI]
        soft = [i for i in report.images if ERROR_PPI <= i.ppi < WARNING_PPI]
        if low:
            report.add(
                "image resolution",
                "error",
                f"{len(low)} image(s) under {ERROR_PPI} ppi at placed size: {_listed(low)}",
                [i.page for i in low],
            )
        if soft:
            report.add(
                "image resolution",
                "warning",
                f"{len(soft)} image(s) under {WARNING_PPI} ppi: {_listed(soft)}",
                [i.page for i in soft],
            )
        if not low and not soft:
            report.add(
                "image resolution",
                "ok",
                f"{len(report.images)} image placements, all at least {WARNING_PPI} ppi",
            )
        if self.link_pages:
            report.add(
                "links", "error", "link annotations in a print file", sorted(self.link_pages)
            )
        else:
            report.add("links", "ok", "no link annotations")


def _listed(images: list[ImageUse]) -> str:
    """`page 17 (plastr, logos/plastr.png): 95 ppi; …`, lowest first, the first LISTED."""
    ordered = sorted(images, key=lambda i: (i.ppi, i.page))
    shown = "; ".join(f"{i.where}: {i.ppi:.0f} ppi" for i in ordered[:LISTED])
    more = len(ordered) - LISTED
    return shown + (f"; and {more} more" if more > 0 else "")


def entry_sources(bulletin: bytes, entries, root: Path) -> dict[int, PageSource]:
    """Each page of an entry's profile in our bulletin (numbered from 1; found by its named
    destinations) → the entry, its logo file and the entry file."""
    from klastroviny.pdf.pages import entry_pages

    names = PdfReader(io.BytesIO(bulletin)).named_destinations
    entries = [entry for entry in entries if f"entry-{entry.id}" in names]  # e.g. --parts
    pages = entry_pages(bulletin, [entry.id for entry in entries])
    sources = {}
    for entry in entries:
        logo = entry.logo.relative_to(root).as_posix() if entry.logo else None
        for index in pages[entry.id]:
            sources[index + 1] = PageSource(entry.id, logo, entry.source)
    return sources


class PreflightFailed(KlastrovinyError):
    """A print master the print shop would refuse; `.preflight` is its whole report."""

    def __init__(self, message: str, preflight: PreflightReport, problems: Report):
        super().__init__("preflight", message, problems)
        self.preflight = preflight


def check_print_master(edition, bulletin: bytes, master: bytes, name: str) -> PreflightReport:
    """`build --print` runs the preflight on each master before anything is written, and fails
    there with the entries and files behind the errors. `bulletin`: the edition before the
    master, which still has the entries' named destinations."""
    layout, issue = edition.layout, edition.issue
    sources = entry_sources(bulletin, issue.entries, issue.root)
    trim = (layout.width_mm, layout.height_mm)
    checked = preflight(Path(name), trim, layout.pages_multiple, sources, master)
    if not checked.printable:
        raise PreflightFailed(
            f"{name} fails preflight; nothing was written",
            checked,
            build_problems(checked, sources),
        )
    return checked


def build_problems(report: PreflightReport, sources: dict[int, PageSource]) -> Report:
    """The preflight's errors as problems of the build: an image too coarse at the entry file's
    `logo` line with the fix, anything else at the master, with the entries it concerns."""
    problems = Report()
    master = Location(Path(report.file))
    for image in report.images:
        source = sources.get(image.page)
        if image.ppi < ERROR_PPI and source:
            problems.error(
                field_locations(source.entry_file).get("logo", Location(source.entry_file)),
                "logo",
                f"{image.where}: {image.ppi:.0f} ppi at its printed size, under the "
                f"{ERROR_PPI} ppi preflight needs; "
                + logo_wanted(image.width_px, image.height_px, image.ppi),
            )
    for finding in report.findings:
        if finding.status != "error":
            continue
        if finding.check == "image resolution" and all(
            image.page in sources for image in report.images if image.ppi < ERROR_PPI
        ):
            continue  # reported at each entry above
        entries = sorted({str(sources[n]) for n in finding.pages if n in sources})
        pages = f" (pages {_ranges(finding.pages)})" if finding.pages else ""
        concerns = f"; on the pages of {'; '.join(entries)}" if entries else ""
        problems.error(master, finding.check, f"{finding.message}{pages}{concerns}")
    return problems


def _check_output_intent(report: PreflightReport, reader: PdfReader, scan: _Scan) -> None:
    root = reader.trailer["/Root"].get_object()
    intents = [_resolve(i) for i in _resolve(root.get("/OutputIntents")) or ()]
    pdfx = [i for i in intents if i.get("/S") == "/GTS_PDFX"]
    cmyk_intent = False
    for intent in pdfx:
        profile = _resolve(intent.get("/DestOutputProfile"))
        cmyk_intent = cmyk_intent or (profile is not None and int(profile.get("/N", 0)) == 4)
    info = reader.metadata or {}
    version = str(info.get("/GTS_PDFXVersion", "")) or _xmp_pdfx(root)
    if pdfx and cmyk_intent:
        name = str(pdfx[0].get("/OutputConditionIdentifier", "?"))
        report.add("output intent", "ok", f"CMYK output intent {name}")
    else:
        report.add(
            "output intent",
            "error",
            "no CMYK output intent (PDF/X /OutputIntents with "
            "a CMYK ICC profile): the printer cannot tell the colour condition",
        )
    if version:
        report.add("PDF/X", "ok", f"identifies as {version}")
        if "X-4" in version and report.pdf_version < "1.6":
            report.add(
                "PDF version",
                "error",
                f"PDF {report.pdf_version} is too old for {version} (needs 1.6)",
            )
    else:
        report.add("PDF/X", "error", "not identified as PDF/X (GTS_PDFXVersion)")
    if scan.rgb_pages:
        report.add("colour", "error", "RGB colour in a CMYK print job", sorted(scan.rgb_pages))
    else:
        report.add("colour", "ok", "no RGB colour")


def _xmp_pdfx(root) -> str:
    metadata = _resolve(root.get("/Metadata"))
    if metadata is None:
        return ""
    found = re.search(
        rb"GTS_PDFXVersion>([^<]+)<|GTS_PDFXVersion=\"([^\"]+)\"", metadata.get_data()
    )
    return (found.group(1) or found.group(2)).decode() if found else ""


def _font_embedded(font) -> bool:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return True
    if subtype == "/Type0":
        descendants = _resolve(font.get("/DescendantFonts")) or []
        return bool(descendants) and _font_embedded(_resolve(descendants[0]))
    descriptor = _resolve(font.get("/FontDescriptor"))
    if descriptor is None:
        return False
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _lookup(resources, category: str, name: str):
    if not resources:
        return None
    entries = _resolve(resources.get(category))
    return _resolve(entries.get(name)) if isinstance(entries, DictionaryObject) else None


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _multiply(m, n):
    """m × n for PDF matrices [a b c d e f] (m applied first)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _ranges(pages: list[int]) -> str:
    parts, start, previous = [], None, None
    for page in pages:
        if start is None:
            start = previous = page
        elif page == previous + 1:
            previous = page
        else:
            parts.append(f"{start}–{previous}" if previous != start else str(start))
            start = previous = page
    if start is not None:
        parts.append(f"{start}–{previous}" if previous != start else str(start))
    return ", ".join(parts)
