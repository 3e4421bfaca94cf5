"""Small PDFs for preflight and imposition tests, each built to fail one preflight check.

`clean_pdf()` passes every check for the a5-booklet layout (A5 trim, 3 mm bleed, embedded font,
CMYK text, a CMYK output intent, PDF/X-4); each other maker starts from the same recipe and
breaks one thing, so that a test can assert that exactly the check it is about fails.
WeasyPrint makes the ones that need real fonts or images (well under a second each); pypdf
makes the ones WeasyPrint cannot (a non-embedded font, RGB colour inside a Form XObject).
Also here: thin wrappers of the real tools (qpdf --check, pdffonts, pdfimages -list) whose
answers the tests compare with ours.
"""

from __future__ import annotations

import base64
import hashlib
import io

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    RectangleObject,
)

from klastroviny.press.master import PrintSettings, finish_pdfx

MM = 72 / 25.4
A5 = (148, 210)
A4 = (210, 297)
BLEED_MM = 3


# --- building blocks --------------------------------------------------------------------------


def html_pdf(body: str, size_mm=A5, bleed_mm: float | None = BLEED_MM, css: str = "") -> bytes:
    """WeasyPrint's PDF of an HTML body: pages of size_mm, with a bleed when bleed_mm is set,
    text in 100 % K (device-cmyk) so that nothing but what a maker adds is RGB."""
    from weasyprint import HTML

    bleed = f"bleed: {bleed_mm}mm;" if bleed_mm is not None else ""
    html = f"""<!doctype html><html><head><style>
      @page {{ size: {size_mm[0]}mm {size_mm[1]}mm; margin: 15mm; {bleed} }}
      html {{ color: device-cmyk(0 0 0 1); font-family: serif; font-size: 12pt; }}
      .page {{ break-after: page; }} .page:last-child {{ break-after: auto; }}
      {css}
    </style></head><body>{body}</body></html>"""
    return HTML(string=html).write_pdf()


def pages_html(count: int, text: str = "Page {n}") -> str:
    return "".join(
        f'<div class="page"><p>{text.format(n=n)}</p></div>' for n in range(1, count + 1)
    )


def as_pdfx(pdf: bytes) -> bytes:
    """The PDF with our PDF/X finishing: CMYK output intent (bundled profile), PDF/X-4."""
    digest = hashlib.sha256(pdf).hexdigest()
    return finish_pdfx(pdf, PrintSettings(), {"Title": "fixture"}, "2022-09-26", digest)


def png(width: int, height: int, mode: str = "L") -> bytes:
    """A PNG of width × height px with a gradient (so that it does not compress to nothing)."""
    image = Image.new(mode, (width, height))
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            grey = (x * 255 // max(width - 1, 1) + y) % 256
            pixels[x, y] = grey if mode == "L" else (grey, 255 - grey, 128)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def img_tag(width_px: int, height_px: int, width_in: float, height_in: float, mode="L") -> str:
    data = base64.b64encode(png(width_px, height_px, mode)).decode("ascii")
    return (
        f'<img src="data:image/png;base64,{data}" '
        f'style="display: block; width: {width_in}in; height: {height_in}in">'
    )


# --- PDFs that pass, and PDFs that fail one check each ------------------------------------------


def clean_pdf(pages: int = 4) -> bytes:
    """Passes preflight with the a5-booklet layout."""
    return as_pdfx(html_pdf(pages_html(pages)))


def unembedded_font_pdf() -> bytes:
    """A hand-made A5 page (with bleed) whose text uses Helvetica, not embedded: fonts."""
    writer = PdfWriter()
    bleed = BLEED_MM * MM
    width, height = A5[0] * MM + 2 * bleed, A5[1] * MM + 2 * bleed
    for _ in range(4):
        page = writer.add_blank_page(width, height)
        page.trimbox = RectangleObject([bleed, bleed, width - bleed, height - bleed])
        page.bleedbox = RectangleObject([0, 0, width, height])
        content = DecodedStreamObject()
        content.set_data(b"0 0 0 1 k BT /F1 24 Tf 60 300 Td (Not embedded) Tj ET")
        page[NameObject("/Contents")] = writer._add_object(content)
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
        )
    out = io.BytesIO()
    writer.write(out)
    return as_pdfx(out.getvalue())


def low_resolution_pdf() -> bytes:
    """A 72 × 72 px greyscale image shown at 1 × 1 in, i.e. 72 ppi: image resolution."""
    body = f'<div class="page">{img_tag(72, 72, 1, 1)}</div>' + pages_html(3)
    return as_pdfx(html_pdf(body))


def medium_resolution_pdf() -> bytes:
    """A 200 × 200 px greyscale image at 1 × 1 in, i.e. 200 ppi: a warning, not an error."""
    body = f'<div class="page">{img_tag(200, 200, 1, 1)}</div>' + pages_html(3)
    return as_pdfx(html_pdf(body))


def resolutions_pdf() -> bytes:
    """Images at several effective resolutions, one with different x and y resolutions, for
    comparison with `pdfimages -list`: 72, 200, 300 ppi and 150 × 300 ppi."""
    body = (
        '<div class="page">'
        + img_tag(72, 72, 1, 1)
        + img_tag(400, 200, 2, 1)
        + img_tag(300, 300, 1, 1)
        + img_tag(150, 300, 1, 1)
        + "</div>"
    )
    return as_pdfx(html_pdf(body))


def rgb_image_pdf() -> bytes:
    """An RGB image (300 ppi) in a file with a CMYK output intent: colour."""
    body = f'<div class="page">{img_tag(300, 300, 1, 1, mode="RGB")}</div>' + pages_html(3)
    return as_pdfx(html_pdf(body))


def rgb_in_form_pdf() -> bytes:
    """RGB colour that appears only inside a Form XObject drawn by page 2: colour."""
    from pypdf import PdfReader

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(html_pdf(pages_html(4)))))
    form = DecodedStreamObject()
    form.set_data(b"1 0 0 rg 0 0 50 50 re f")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, 50, 50)]),
            NameObject("/Resources"): DictionaryObject(),
        }
    )
    page = writer.pages[1]
    resources = page["/Resources"].get_object().clone(writer)
    xobjects = DictionaryObject(resources.get("/XObject", {}))
    xobjects[NameObject("/RedBox")] = writer._add_object(form)
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    content = DecodedStreamObject()
    content.set_data(page.get_contents().get_data() + b"\nq 1 0 0 1 100 100 cm /RedBox Do Q\n")
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return as_pdfx(out.getvalue())


def a4_pdf() -> bytes:
    """A4 pages (with bleed): trim size, when checked against the a5-booklet layout."""
    return as_pdfx(html_pdf(pages_html(4), size_mm=A4))


def six_pages_pdf() -> bytes:
    """Six A5 pages: page count, when checked against the a5-booklet layout."""
    return clean_pdf(pages=6)


def no_bleed_pdf() -> bytes:
    """A5 pages without bleed (WeasyPrint's boxes are then all the page): bleed."""
    return as_pdfx(html_pdf(pages_html(4), bleed_mm=None))


def no_trimbox_pdf() -> bytes:
    """A clean PDF whose pages lost their TrimBox and BleedBox: TrimBox, bleed, and the trim
    size (the trim is then the whole MediaBox, 154 × 216 mm)."""
    from pypdf import PdfReader

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(clean_pdf())))
    writer.pdf_header = b"%PDF-1.6"
    for page in writer.pages:
        del page["/TrimBox"]
        del page["/BleedBox"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def unfinished_pdf() -> bytes:
    """WeasyPrint's plain output: no output intent, no PDF/X identification."""
    return html_pdf(pages_html(4))


def old_header_pdfx4_pdf() -> bytes:
    """A PDF/X-4 file whose header says PDF 1.4 (X-4 needs 1.6): PDF version."""
    data = clean_pdf()
    assert data.startswith(b"%PDF-1.6")
    return b"%PDF-1.4" + data[len(b"%PDF-1.6") :]


def truncated_pdf() -> bytes:
    """A clean PDF cut in the middle of a transfer."""
    data = clean_pdf()
    return data[: len(data) // 2]


def numbered_pages_pdf(count: int, size_mm=A5) -> bytes:
    """count pages with bleed, each showing its number in big type; odd pages have a red
    background, even pages a blue one, both bleeding off the trim (for imposition tests)."""
    body = "".join(
        f'<div class="page"><p class="number">{n}</p></div>' for n in range(1, count + 1)
    )
    css = """
      @page :right { background: device-cmyk(0 1 1 0); }
      @page :left { background: device-cmyk(1 1 0 0); }
      .number { font-size: 200pt; margin: 20mm 0 0; text-align: center; }
    """
    return html_pdf(body, size_mm=size_mm, css=css)


# --- the real tools: qpdf, pdffonts, pdfimages (poppler-utils) ----------------------------------


def run_tool(*args: str) -> str:
    """stdout of a command-line tool; fails the test with its output when it exits non-zero."""
    import subprocess

    done = subprocess.run(args, capture_output=True, text=True)
    assert done.returncode == 0, (
        f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout


def qpdf_check(path) -> str:
    """`qpdf --check`: exit 0 (3 means warnings, 2 errors) and its all-clear line."""
    out = run_tool("qpdf", "--check", str(path))
    assert "No syntax or stream encoding errors found" in out, out
    return out


def pdffonts(path) -> list[dict[str, str]]:
    """The rows of `pdffonts`, by column name. Font names may hold spaces, so columns are cut
    where the dashes under the header are."""
    lines = run_tool("pdffonts", str(path)).splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("---"))
    cuts, start = [], 0
    for dashes in lines[rule].split(" "):
        cuts.append((start, start + len(dashes)))
        start += len(dashes) + 1
    cuts[-1] = (cuts[-1][0], None)
    names = [lines[rule - 1][a:b].strip() for a, b in cuts]
    return [
        {name: line[a:b].strip() for name, (a, b) in zip(names, cuts, strict=True)}
        for line in lines[rule + 1 :]
        if line.strip()
    ]


def pdfimages_list(path) -> list[dict[str, str]]:
    """The rows of `pdfimages -list`, by column name (no value holds a space; 'object ID' is
    two header words over two values)."""
    lines = run_tool("pdfimages", "-list", str(path)).splitlines()
    names = lines[0].split()
    return [dict(zip(names, line.split(), strict=True)) for line in lines[2:] if line.strip()]
