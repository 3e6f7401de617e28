"""Open one input file and vet it before extraction.

``open_pdf`` turns a path into a :class:`PdfSource` holding the opened :class:`~ingest.read.document.Document`,
or raises one of the specific errors of :mod:`ingest.read.errors` (empty file, not a PDF, truncated or
damaged PDF, password needed). A PDF that opens without a password but forbids copying text (an
owner-password restriction, common among published reports) is not an error: camelot 2.x refuses it with
``PDFTextExtractionNotAllowed``, so ``open_pdf`` writes an unrestricted decrypted copy and the document is
opened on it (``unlocked=True``).

``check_text_layer`` raises :class:`~ingest.read.errors.ScannedPdf` when no page has a text layer (for a
file that OCR is not to read), and ``image_only_pages`` lists the pages that are images without text (the
ones OCR reads).

Usage::

    with open_pdf(path) as source:
        pages = read_pages(source.document)
        check_text_layer(source, [p.text for p in pages])
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import playa
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from playa.exceptions import PDFPasswordIncorrect

from .document import Document
from .errors import EmptyFile, EncryptedPdf, NotPdf, ScannedPdf, TruncatedPdf

__all__ = [
    "PdfSource",
    "open_pdf",
    "check_text_layer",
    "image_only_pages",
    "MIN_TEXT_CHARS",
    "has_text",
]

#: A page whose text has fewer non-white-space characters than this has no text layer worth the name
#: (a scan may carry a stamped page number or a one-word watermark).
MIN_TEXT_CHARS = 10

#: ``%PDF-`` may follow some junk; PDF readers (PDFium included) look for it in the first 1024 bytes.
_HEADER_WINDOW = 1024
#: Where the final ``%%EOF`` marker must be. The specification says the last 1024 bytes; some writers
#: and servers append padding, so allow a little more.
_EOF_WINDOW = 4096
_CHUNK = 1 << 20


@dataclass
class PdfSource:
    """A PDF that opened and is ready to read: ``document`` is opened on the original, or on an
    unrestricted temporary copy (``unlocked``)."""

    document: Document
    original: Path
    sha256: str  # of the original's bytes
    size_bytes: int  # of the original
    page_count: int
    producer: str | None  # /Producer of the document info, else /Creator, else None
    unlocked: bool  # True when an owner-password restriction was removed into a temporary copy
    _cleanup: Path | None = field(default=None, repr=False, compare=False)

    @property
    def path(self) -> Path:
        """The file the document was opened on: the original, or the unrestricted copy."""
        return self.document.path

    def close(self) -> None:
        """Close the document and remove the temporary unrestricted copy, if any. Safe to call twice."""
        self.document.close()
        if self._cleanup is None:
            return
        _remove(self._cleanup)
        self._cleanup = None

    def __enter__(self) -> PdfSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_pdf(path: Path, *, workdir: Path | None = None, sha256: str | None = None) -> PdfSource:
    """Vet ``path`` and return a :class:`PdfSource` with its document open.

    Raises ``EmptyFile``, ``NotPdf``, ``TruncatedPdf`` or ``EncryptedPdf`` (from :mod:`ingest.read.errors`)
    with a message that says what is wrong and what to do. ``OSError`` (missing file, no permission)
    propagates unchanged. ``sha256``, when the caller has hashed the file already, spares a second pass
    over its bytes. When the PDF forbids text extraction (owner password only), an unrestricted copy is
    written into ``workdir`` (created if needed) or a new temporary directory; ``close()`` removes it.
    """
    path = Path(path)
    name = path.name
    file = str(path)

    size = path.stat().st_size
    if size == 0:
        raise EmptyFile(f"{name} is empty (0 bytes): the download or copy failed; "
                        "download the report again.", file=file)

    sha256, head, tail = _digest(path, sha256)

    if b"%PDF-" not in head[:_HEADER_WINDOW]:
        kind, advice = _sniff(path, head)
        raise NotPdf(f"{name} is not a PDF: it has no %PDF- header and looks like {kind}. {advice}",
                     file=file)

    if b"%%EOF" not in tail:
        raise TruncatedPdf(
            f"{name} looks cut off: it starts like a PDF but ends without the %%EOF trailer "
            f"({size:,} bytes), so its cross-reference table is missing; the download or copy was "
            "interrupted. Download the report again.", file=file)

    # PDFium (rendering) must open it with an empty password.
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        raise _pdfium_open_error(name, file, e) from e
    document = Document(path, pdf=pdf)
    try:
        page_count = len(pdf)
        producer = _producer(pdf)
        if page_count == 0:
            raise TruncatedPdf(f"{name} is damaged: it opens but has no pages. Download the report again.",
                               file=file)
        try:
            extractable = _vet_playa(document, name, file, page_count)
        except TruncatedPdf:
            # An encrypted PDF that opens with the empty password but that playa cannot decrypt (a
            # permissions value it cannot pack, say): read an unrestricted copy, if one can be written.
            if not _is_encrypted(pdf):
                raise
            extractable = False
    except BaseException:
        document.close()
        raise

    if extractable:
        return PdfSource(document=document, original=path, sha256=sha256, size_bytes=size,
                         page_count=page_count, producer=producer, unlocked=False)

    document.close()
    copy, cleanup = _unlock(path, sha256, page_count, workdir)
    return PdfSource(document=Document(copy), original=path, sha256=sha256, size_bytes=size,
                     page_count=page_count, producer=producer, unlocked=True, _cleanup=cleanup)


def _vet_playa(document: Document, name: str, file: str, page_count: int) -> bool:
    """Whether playa (camelot's reader) may extract text; raises when it cannot open the file."""
    try:
        doc = document.playa
        extractable, playa_pages = bool(doc.is_extractable), len(doc.pages)
    except PDFPasswordIncorrect as e:
        raise EncryptedPdf(f"{name} needs a password to open (camelot's PDF reader cannot open it "
                           "with an empty password). Ask the publisher for an unprotected copy.",
                           file=file) from e
    except Exception as e:  # noqa: BLE001 - any parser failure means the file is damaged for camelot
        raise TruncatedPdf(f"{name} is damaged: the PDF parser that camelot uses cannot read it "
                           f"({type(e).__name__}: {e}). The file looks cut off or corrupt; "
                           "download the report again.", file=file) from e
    if playa_pages != page_count:
        raise TruncatedPdf(f"{name} is damaged: its page tree is inconsistent (PDFium reads "
                           f"{page_count} pages, the PDF parser that camelot uses reads {playa_pages}). "
                           "The file looks cut off or corrupt; download the report again.", file=file)
    return extractable


def image_only_pages(source: PdfSource, texts: list[str]) -> list[int]:
    """1-based numbers of the pages that have no text layer (fewer than ``MIN_TEXT_CHARS``
    non-white-space characters in ``texts``) but hold at least one image: scanned pages."""
    _check_texts(source, texts)
    return [i + 1 for i, text in enumerate(texts) if not has_text(text) and source.document.has_image(i + 1)]


def check_text_layer(source: PdfSource, texts: list[str]) -> None:
    """Raise ``ScannedPdf`` when no page has a text layer. A PDF with some text pages returns normally,
    even if other pages are images (see ``image_only_pages``)."""
    _check_texts(source, texts)
    if any(has_text(t) for t in texts):
        return
    name = source.original.name
    scanned = image_only_pages(source, texts)
    if scanned:
        raise ScannedPdf(
            f"{name} has no text layer on any page ({len(scanned)} pages of images): it is a scan, and OCR is "
            "off (--ocr off). Read it with --ocr auto, or use the PDF exported from the original document.",
            file=str(source.original))
    raise ScannedPdf(
        f"{name} has no text layer on any page ({len(texts)} pages without text or images): its text "
        "is drawn as outlines or the pages are blank, so there is nothing to read (OCR reads page images, "
        "and it has none). Use the PDF exported from the original document.", file=str(source.original))


# --------------------------------------------------------------------------------------------------


def _digest(path: Path, known: str | None = None) -> tuple[str, bytes, bytes]:
    """sha256 of the file (streamed, unless ``known``), its first ``_HEADER_WINDOW`` bytes and last
    ``_EOF_WINDOW``."""
    if known is not None:
        with path.open("rb") as f:
            head = f.read(_HEADER_WINDOW)
            f.seek(max(0, path.stat().st_size - _EOF_WINDOW))
            return known, head, f.read(_EOF_WINDOW)
    h = hashlib.sha256()
    head = b""
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
            if len(head) < _HEADER_WINDOW:
                head += chunk[:_HEADER_WINDOW - len(head)]
            tail = (tail + chunk)[-_EOF_WINDOW:]
    return h.hexdigest(), head, tail


def has_text(text: str) -> bool:
    """Whether a page's text is a text layer: at least ``MIN_TEXT_CHARS`` non-white-space characters."""
    return sum(1 for c in text if not c.isspace()) >= MIN_TEXT_CHARS


def _check_texts(source: PdfSource, texts: list[str]) -> None:
    if len(texts) != source.page_count:
        raise ValueError(f"texts has {len(texts)} pages but {source.original.name} has "
                         f"{source.page_count}: pass the text of every page")


def _producer(pdf: pdfium.PdfDocument) -> str | None:
    for key in ("Producer", "Creator"):
        value = pdf.get_metadata_value(key).strip()
        if value:
            return value
    return None


def _is_encrypted(pdf: pdfium.PdfDocument) -> bool:
    """Whether the document has a security handler (-1: none)."""
    return pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1


def _pdfium_open_error(name: str, file: str, e: pdfium.PdfiumError) -> Exception:
    code = getattr(e, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return EncryptedPdf(f"{name} needs a password to open (it is encrypted with a user password). "
                            "Ask the publisher for an unprotected copy, or decrypt it yourself "
                            "(e.g. qpdf --password=PASSWORD --decrypt in.pdf out.pdf) and ingest that.",
                            file=file)
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return EncryptedPdf(f"{name} is protected by an unsupported security handler (certificate or "
                            "DRM encryption) and cannot be opened. Ask the publisher for an "
                            "unprotected copy.", file=file)
    return TruncatedPdf(f"{name} is damaged: it starts like a PDF but cannot be opened ({e}). "
                        "The file looks cut off or corrupt; download the report again.", file=file)


def _unlock(path: Path, sha256: str, page_count: int,
            workdir: Path | None) -> tuple[Path, Path]:
    """Write an unrestricted decrypted copy; return (copy, what close() removes)."""
    name = path.name
    if workdir is None:
        cleanup = Path(tempfile.mkdtemp(prefix="juesuan-unlocked-"))
        target_dir = cleanup
    else:
        target_dir = Path(workdir)
        target_dir.mkdir(parents=True, exist_ok=True)
        cleanup = None
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=f"{sha256[:16]}-", suffix="-unlocked.pdf")
    copy = Path(tmp)
    if cleanup is None:
        cleanup = copy
    errors: list[str] = []
    try:
        with open(fd, "wb") as out:
            for label, writer in (("pypdf", _decrypt_with_pypdf), ("pdfium", _decrypt_with_pdfium)):
                out.seek(0)
                out.truncate()
                try:
                    writer(path, out)
                    out.flush()
                    if _copy_ok(copy, page_count):
                        return copy, cleanup
                    errors.append(f"{label}: the copy is still restricted or incomplete")
                except Exception as e:  # noqa: BLE001 - try the next way, report all below
                    errors.append(f"{label}: {type(e).__name__}: {e}")
    except BaseException:
        _remove(cleanup)
        raise
    _remove(cleanup)
    raise EncryptedPdf(f"{name} opens without a password but forbids copying text, and the restriction "
                       f"could not be removed ({'; '.join(errors)}). Remove it with "
                       "qpdf --decrypt in.pdf out.pdf and ingest the copy.", file=str(path))


def _decrypt_with_pypdf(path: Path, out: io.BufferedWriter) -> None:
    import pypdf  # here only: with its cryptography backend it weighs ~20 MiB, in every worker

    reader = pypdf.PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("pypdf cannot decrypt it with an empty password")
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.write(out)


def _decrypt_with_pdfium(path: Path, out: io.BufferedWriter) -> None:
    pdf = pdfium.PdfDocument(str(path))
    try:
        pdf.save(out, flags=pdfium_c.FPDF_REMOVE_SECURITY)
    finally:
        pdf.close()


def _copy_ok(copy: Path, page_count: int) -> bool:
    with playa.open(copy, space="page") as doc:
        return bool(doc.is_extractable) and len(doc.pages) == page_count


def _remove(p: Path) -> None:
    if p.is_dir():
        shutil.rmtree(p, ignore_errors=True)
    else:
        p.unlink(missing_ok=True)


# What a file that is not a PDF looks like, from its first bytes: (magic, description, advice).
_OFFICE_ADVICE = "Export it to PDF, or find the PDF the department published, and ingest that."
_IMAGE_ADVICE = "Only PDFs are read: wrap the scanned pages in a PDF (e.g. img2pdf) and its pages are read by OCR."
_MAGIC: list[tuple[bytes, str, str]] = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (.doc/.xls/.wps/.et)", _OFFICE_ADVICE),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _IMAGE_ADVICE),
    (b"\xff\xd8\xff", "a JPEG image", _IMAGE_ADVICE),
    (b"GIF8", "a GIF image", _IMAGE_ADVICE),
    (b"II*\x00", "a TIFF image", _IMAGE_ADVICE),
    (b"MM\x00*", "a TIFF image", _IMAGE_ADVICE),
    (b"Rar!", "a RAR archive", "Unpack it and ingest the PDFs inside."),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "Unpack it and ingest the PDFs inside."),
    (b"\x1f\x8b", "a gzip archive", "Unpack it and ingest the PDFs inside."),
    (b"{\\rtf", "an RTF document", _OFFICE_ADVICE),
    (b"%!PS", "a PostScript file", "Convert it to PDF (e.g. ps2pdf) and ingest that."),
]


def _sniff(path: Path, head: bytes) -> tuple[str, str]:
    """(what the file looks like, what to do) for a file without a %PDF- header."""
    for magic, kind, advice in _MAGIC:
        if head.startswith(magic):
            return kind, advice
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<!doctype html") or b"<html" in text[:512] or b"<head" in text[:512]:
        return ("an HTML page (a web page saved in place of the report: often an error, login or "
                "download page)",
                "Download the report again and save the PDF itself, not the page that links to it.")
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "an XML document", "Supply the report as a PDF."
    if _looks_like_text(head):
        return "a plain text file", "Supply the report as a PDF."
    return "binary data of an unknown kind", "Supply the report as a PDF."


def _sniff_zip(path: Path) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError):
        return "a ZIP archive (damaged)", "Download it again."
    if any(n.startswith("word/") for n in names):
        return "a Word document (.docx)", _OFFICE_ADVICE
    if any(n.startswith("xl/") for n in names):
        return "an Excel workbook (.xlsx)", _OFFICE_ADVICE
    if any(n.startswith("ppt/") for n in names):
        return "a PowerPoint file (.pptx)", _OFFICE_ADVICE
    if "OFD.xml" in names:
        return "an OFD document (the Chinese fixed-layout format)", \
            "Convert it to PDF (e.g. with the OFD reader that opens it) and ingest that."
    if "content.xml" in names:
        return "an OpenDocument file (.odt/.ods)", _OFFICE_ADVICE
    if any(n.lower().endswith(".pdf") for n in names):
        return "a ZIP archive holding PDFs", "Unpack it and ingest the PDFs inside."
    return "a ZIP archive", "Unpack it and ingest the PDFs inside, if any."


def _looks_like_text(head: bytes) -> bool:
    if any(b < 0x09 or 0x0e <= b < 0x20 for b in head if b != 0x1b):
        return False
    for encoding in ("utf-8", "gb18030"):
        # a multi-byte character (up to 4 bytes) cut at the end of the window is still text
        for cut in range(4):
            try:
                head[:len(head) - cut].decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
    return False
