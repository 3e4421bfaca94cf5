"""The print master. PDF in, PDF out.

WeasyPrint renders the print edition with bleed and CMYK layout colours. For PDF/X-4, what is
still RGB (SVG and raster logos) is converted to CMYK against the output profile in place
(cmyk.py, LittleCMS), so that fonts, their text mapping and the boxes stay exactly as
WeasyPrint wrote them. PDF/X-1a forbids transparency: that variant goes through Ghostscript,
which flattens it at PDF 1.3 (and converts to CMYK on the way). pypdf then makes the file a
PDF/X: output intent, identification, no link annotations, optional crop marks.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
    StreamObject,
    TextStringObject,
)

from klastroviny.errors import KlastrovinyError
from klastroviny.press.cmyk import CmykConversion
from klastroviny.resources import ASSETS_DIR

DEFAULT_ICC = ASSETS_DIR / "icc" / "klastroviny-fogra39.icc"
DEFAULT_CONDITION = "FOGRA39"  # ISO 12647-2 coated paper, the usual European offset condition
MM = 72 / 25.4  # PDF points per millimetre
MARK_OFFSET_MM = 3.5  # from the trim, i.e. just outside a 3 mm bleed
MARK_LENGTH_MM = 5.0
REGISTRATION = "/KlastrovinyRegistration"  # the marks' colour space in the page resources
PDFX = {
    "x-4": {"version": "PDF/X-4", "compatibility": "1.6"},
    "x-1a": {"version": "PDF/X-1a:2001", "compatibility": "1.3"},  # 1.3: GS flattens
}


@dataclass(frozen=True)
class PrintSettings:
    pdfx: str = "x-4"  # x-4 | x-1a
    icc: Path = DEFAULT_ICC
    marks: bool = False


def make_print_master(
    pdf: bytes, settings: PrintSettings, info: dict[str, str], date_stamp: str
) -> bytes:
    """The print master: CMYK (in place for X-4, through Ghostscript for X-1a), then PDF/X
    identification with pypdf."""
    if not settings.icc.is_file():
        raise KlastrovinyError("print", f"no ICC profile at {settings.icc}")
    if settings.pdfx == "x-1a":
        writer = PdfWriter(
            clone_from=PdfReader(io.BytesIO(flatten(prune_resources(pdf), settings)))
        )
    else:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
        CmykConversion(writer, settings.icc.read_bytes()).run()
    # Identify the file by its source and the settings (Ghostscript's output carries random
    # IDs), the profile by its content (not its path, which differs between checkouts).
    profile = hashlib.sha256(settings.icc.read_bytes()).hexdigest()
    source = f"{settings.pdfx} {settings.marks} {settings.icc.name} {profile}".encode()
    digest = hashlib.sha256(pdf + source).hexdigest()
    return _finish(writer, settings, info, date_stamp, digest)


def prune_resources(pdf: bytes) -> bytes:
    """Give each page only the resources its content names. WeasyPrint shares one dictionary
    across all pages, which makes Ghostscript process every font and image on every page."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        used = _names_in(page)
        resources = page["/Resources"].get_object()
        pruned = DictionaryObject()
        for category, entries in resources.items():
            entries = entries.get_object()
            if isinstance(entries, DictionaryObject):
                kept = DictionaryObject(
                    {key: value for key, value in entries.items() if key in used}
                )
                pruned[NameObject(category)] = kept
            else:
                pruned[NameObject(category)] = entries
        page[NameObject("/Resources")] = pruned
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _names_in(page) -> set[str]:
    contents = page.get_contents()
    if contents is None:
        return set()
    names = set()
    for operands, _ in ContentStream(contents, page.pdf).operations:
        for operand in operands:
            if isinstance(operand, NameObject):
                names.add(str(operand))
    return names


def flatten(pdf: bytes, settings: PrintSettings) -> bytes:
    """PDF/X-1a through Ghostscript: CMYK, transparency flattened at PDF 1.3."""
    gs = shutil.which("gs")
    if gs is None:
        raise KlastrovinyError(
            "print",
            "Ghostscript (gs) is not installed; it flattens the "
            "PDF/X-1a print master (Debian package ghostscript)",
        )
    if not settings.icc.is_file():
        raise KlastrovinyError("print", f"no ICC profile at {settings.icc}")
    with tempfile.TemporaryDirectory(prefix="klastroviny-gs-") as tmp:
        source, target = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        source.write_bytes(pdf)
        command = [
            gs,
            "-q",
            "-dSAFER",
            "-dBATCH",
            "-dNOPAUSE",
            "-sDEVICE=pdfwrite",
            f"-dCompatibilityLevel={PDFX[settings.pdfx]['compatibility']}",
            "-sColorConversionStrategy=CMYK",
            "-sProcessColorModel=DeviceCMYK",
            f"-sOutputICCProfile={settings.icc}",
            "-dAutoRotatePages=/None",
            "-dEmbedAllFonts=true",
            "-dSubsetFonts=true",
            "-dPrinted=true",
            f"-sOutputFile={target}",
            str(source),
        ]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0 or not target.is_file():
            raise KlastrovinyError(
                "print",
                "Ghostscript failed to flatten the PDF/X-1a print master: "
                f"{done.stderr.strip()[-500:]}",
            )
        return target.read_bytes()


def finish_pdfx(
    pdf: bytes, settings: PrintSettings, info: dict[str, str], date_stamp: str, digest: str
) -> bytes:
    """A PDF already in CMYK made a PDF/X (see _finish)."""
    return _finish(
        PdfWriter(clone_from=PdfReader(io.BytesIO(pdf))), settings, info, date_stamp, digest
    )


def _finish(
    writer: PdfWriter, settings: PrintSettings, info: dict[str, str], date_stamp: str, digest: str
) -> bytes:
    """Output intent, PDF/X identification, no links, crop marks if asked; deterministic."""
    version = PDFX[settings.pdfx]["version"]
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject(
        [writer._add_object(_output_intent(writer, settings.icc))]
    )
    registration = _registration(writer) if settings.marks else None
    for page in writer.pages:
        if "/Annots" in page:
            del page["/Annots"]
        if registration:
            _add_crop_marks(writer, page, registration)
    for key in ("/OpenAction", "/AA", "/Names"):
        if key in writer._root_object:
            del writer._root_object[key]
    pdf_date = f"D:{date_stamp.replace('-', '')}000000Z"
    metadata = {f"/{key}": value for key, value in info.items()}
    metadata.update(
        {
            "/GTS_PDFXVersion": version,
            "/CreationDate": pdf_date,
            "/ModDate": pdf_date,
            "/Producer": _producer(settings),
        }
    )
    if settings.pdfx == "x-1a":
        metadata["/GTS_PDFXConformance"] = version
    writer.add_metadata(metadata)
    writer._info[NameObject("/Trapped")] = NameObject("/False")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(
        _xmp(writer, info, version, date_stamp, digest, _producer(settings))
    )
    writer.pdf_header = f"%PDF-{PDFX[settings.pdfx]['compatibility']}".encode()
    file_id = ByteStringObject(bytes.fromhex(digest[:32]))
    writer._ID = ArrayObject([file_id, file_id])
    _drop_unreachable(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _drop_unreachable(writer: PdfWriter) -> None:
    """Free the objects nothing points to any more: the link annotations taken off the pages,
    Ghostscript's own XMP packet (which holds the clock time unless SOURCE_DATE_EPOCH is set)
    and, with crop marks, the page contents replaced. pypdf writes every object it holds."""
    reachable: set[int] = set()
    stack = [writer._root_object.indirect_reference, writer._info.indirect_reference]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in reachable:
                continue
            reachable.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # stream dictionaries too
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    for idnum in range(1, len(writer._objects) + 1):
        if idnum not in reachable:
            writer._objects[idnum - 1] = None


def _output_intent(writer: PdfWriter, icc: Path) -> DictionaryObject:
    profile = DecodedStreamObject()
    profile.set_data(icc.read_bytes())
    profile = profile.flate_encode()
    profile[NameObject("/N")] = NumberObject(4)
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFX"),
            NameObject("/OutputConditionIdentifier"): TextStringObject(
                DEFAULT_CONDITION if icc == DEFAULT_ICC else icc.stem
            ),
            NameObject("/OutputCondition"): TextStringObject(
                "Offset, coated paper (ISO 12647-2)" if icc == DEFAULT_ICC else icc.name
            ),
            NameObject("/RegistryName"): TextStringObject("http://www.color.org"),
            NameObject("/Info"): TextStringObject(icc.name),
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )


def _registration(writer: PdfWriter) -> IndirectObject:
    """Registration colour: the Separation /All, which prints on every plate; its alternate
    for proofing is full C, M, Y and K."""
    tint = DictionaryObject(
        {
            NameObject("/FunctionType"): NumberObject(2),
            NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)]),
            NameObject("/C0"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/C1"): ArrayObject([NumberObject(1)] * 4),
            NameObject("/N"): NumberObject(1),
        }
    )
    return writer._add_object(
        ArrayObject(
            [
                NameObject("/Separation"),
                NameObject("/All"),
                NameObject("/DeviceCMYK"),
                writer._add_object(tint),
            ]
        )
    )


def _add_crop_marks(writer: PdfWriter, page, registration: IndirectObject) -> None:
    """Crop marks outside the bleed, in registration colour, on a MediaBox grown to hold
    them."""
    trim = RectangleObject(page.get("/TrimBox", page.mediabox))
    reach = (MARK_OFFSET_MM + MARK_LENGTH_MM + 1) * MM
    left, bottom, right, top = (
        float(trim.left),
        float(trim.bottom),
        float(trim.right),
        float(trim.top),
    )
    page.mediabox = RectangleObject([left - reach, bottom - reach, right + reach, top + reach])
    page.cropbox = page.mediabox
    start, end = MARK_OFFSET_MM * MM, (MARK_OFFSET_MM + MARK_LENGTH_MM) * MM
    lines = []
    for x, y, dx, dy in (
        (left, bottom, -1, -1),
        (right, bottom, 1, -1),
        (left, top, -1, 1),
        (right, top, 1, 1),
    ):
        lines.append(f"{x + dx * start:.3f} {y:.3f} m {x + dx * end:.3f} {y:.3f} l S")
        lines.append(f"{x:.3f} {y + dy * start:.3f} m {x:.3f} {y + dy * end:.3f} l S")
    resources = page["/Resources"]
    if "/ColorSpace" not in resources:
        resources[NameObject("/ColorSpace")] = DictionaryObject()
    resources["/ColorSpace"][NameObject(REGISTRATION)] = registration
    marks = f"q 0.25 w {REGISTRATION} CS 1 SCN " + " ".join(lines) + " Q"
    contents = page.get_contents()
    combined = DecodedStreamObject()
    combined.set_data(
        b"q\n" + (contents.get_data() if contents is not None else b"") + b"\nQ\n" + marks.encode()
    )
    page[NameObject("/Contents")] = writer._add_object(combined.flate_encode())


def _producer(settings: PrintSettings) -> str:
    converter = "Ghostscript" if settings.pdfx == "x-1a" else "LittleCMS"
    return f"klastroviny (WeasyPrint, {converter}, pypdf)"


def _xmp(
    writer: PdfWriter,
    info: dict[str, str],
    version: str,
    date_stamp: str,
    digest: str,
    producer: str,
) -> StreamObject:
    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    stamp = f"{date_stamp}T00:00:00Z"
    title, author = esc(info.get("Title", "")), esc(info.get("Author", ""))
    uuid = f"uuid:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
    xmp = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"
    xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <xmp:CreateDate>{stamp}</xmp:CreateDate>
   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>
   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>
   <xmp:CreatorTool>klastroviny</xmp:CreatorTool>
   <pdf:Producer>{producer}</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <xmpMM:DocumentID>{uuid}</xmpMM:DocumentID>
   <xmpMM:InstanceID>{uuid}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <pdfxid:GTS_PDFXVersion>{version}</pdfxid:GTS_PDFXVersion>
   <pdfx:GTS_PDFXVersion>{version}</pdfx:GTS_PDFXVersion>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    stream = DecodedStreamObject()
    stream.set_data(xmp.encode("utf-8"))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    return stream
