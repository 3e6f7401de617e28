"""ingest.pdf_source: every bad input gets its specific error; restricted, encrypted and real PDFs open."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import camelot
import pypdf
import pytest
from playa.exceptions import PDFTextExtractionNotAllowed

import badfiles
from ingest.read import source as pdf_source
from ingest.read.errors import EmptyFile, EncryptedPdf, IngestError, NotPdf, ScannedPdf, TruncatedPdf
from ingest.read.source import PdfSource, check_text_layer, image_only_pages, open_pdf
from ingest.read.text import read_pages


def page_texts(source: PdfSource) -> list[str]:
    """The text of every page, as the reader sees it."""
    return [page.text for page in read_pages(source.document)]

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real"


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> dict[str, Path]:
    return badfiles.build_all(tmp_path_factory.mktemp("bad"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _raises(path: Path, cls: type[IngestError], *fragments: str) -> IngestError:
    with pytest.raises(IngestError) as info:
        open_pdf(path)
    err = info.value
    assert type(err) is cls, f"{path.name}: expected {cls.__name__}, got {type(err).__name__}: {err}"
    assert err.code == cls.code
    assert err.file == str(path)
    message = str(err)
    assert message.startswith(path.name), message
    for fragment in fragments:
        assert fragment in message, message
    return err


# ---------------------------------------------------------------- files that must fail


def test_empty_file(bad):
    _raises(bad["empty"], EmptyFile, "is empty (0 bytes)", "download the report again")


@pytest.mark.parametrize("kind, looks_like", [
    ("text", "looks like a plain text file"),
    ("html", "looks like an HTML page"),
    ("docx", "looks like a Word document (.docx)"),
    ("png", "looks like a PNG image"),
])
def test_not_pdf_says_what_it_looks_like(bad, kind, looks_like):
    _raises(bad[kind], NotPdf, "is not a PDF: it has no %PDF- header", looks_like)


def test_html_page_says_to_save_the_pdf_itself(bad):
    _raises(bad["html"], NotPdf, "save the PDF itself, not the page that links to it")


def test_truncated_pdf(bad):
    data = bad["truncated"].read_bytes()
    assert data.startswith(b"%PDF-") and len(data) < 0.41 * (SAMPLES / "jiaozuo-2024.pdf").stat().st_size
    _raises(bad["truncated"], TruncatedPdf, "looks cut off", "without the %%EOF trailer",
            "Download the report again")


def test_corrupt_pdf_that_pdfium_cannot_open(bad):
    _raises(bad["corrupt"], TruncatedPdf, "is damaged", "cannot be opened", "download the report again")


def test_user_password_pdf(bad):
    # the file is a good PDF behind a password: it opens with it
    reader = pypdf.PdfReader(bad["password"])
    assert reader.is_encrypted and reader.decrypt(badfiles.USER_PASSWORD)
    assert len(reader.pages) == 26
    _raises(bad["password"], EncryptedPdf, "needs a password to open")


# ---------------------------------------------------------------- owner-password restriction


def test_camelot_refuses_the_restricted_original(bad):
    """Why the unrestricted copy exists: camelot 2.x will not read the original."""
    with pytest.raises(PDFTextExtractionNotAllowed):
        camelot.read_pdf(str(bad["restricted"]), pages="3", flavor="lattice", engine="vector")


def test_restricted_pdf_opens_unlocked_and_camelot_reads_the_copy(bad, tmp_path):
    workdir = tmp_path / "work"
    source = open_pdf(bad["restricted"], workdir=workdir)
    try:
        assert source.unlocked is True
        assert source.original == bad["restricted"]
        assert source.path != source.original and source.path.parent == workdir
        assert source.sha256 == _sha256(bad["restricted"])  # of the original, not the copy
        assert source.size_bytes == bad["restricted"].stat().st_size
        assert source.page_count == 26
        assert source.producer == "LibreOffice 7.4"

        tables = camelot.read_pdf(source.path, pages="3", flavor="lattice", engine="vector")
        assert tables.n == 1
        cells = tables[0].df.to_numpy().ravel().tolist()
        assert any("1,641.76" in c for c in cells)
        assert any("1,376.91" in c for c in cells)
        # exactly what camelot reads from the unrestricted sample
        expected = camelot.read_pdf(str(SAMPLES / "jiaozuo-2024.pdf"), pages="3", flavor="lattice",
                                    engine="vector")
        assert tables[0].df.equals(expected[0].df)

        texts = page_texts(source)
        assert "1,641.76" in texts[2]
    finally:
        source.close()
    assert not source.path.exists()
    assert workdir.is_dir()  # close() removes the copy, not the caller's workdir
    source.close()  # idempotent


def test_restricted_copy_in_temp_dir_is_removed_on_close(bad):
    with open_pdf(bad["restricted"]) as source:
        assert source.unlocked and source.path.exists()
        tmpdir = source.path.parent
        assert tmpdir.name.startswith("juesuan-unlocked-")
    assert not tmpdir.exists()


def test_encrypted_pdf_that_allows_extraction_needs_no_copy(bad):
    source = open_pdf(bad["encrypted_open"])
    assert source.unlocked is False and source.path == source.original
    assert pypdf.PdfReader(source.path).is_encrypted
    tables = camelot.read_pdf(str(source.path), pages="3", flavor="lattice", engine="vector")
    assert any("1,641.76" in c for c in tables[0].df.to_numpy().ravel().tolist())


# ---------------------------------------------------------------- text layer


def test_image_only_scan_is_reported_as_scan(bad):
    source = open_pdf(bad["scanned"])
    assert source.page_count == 2 and not source.unlocked
    texts = page_texts(source)
    assert [t.strip() for t in texts] == ["", ""]
    assert image_only_pages(source, texts) == [1, 2]
    with pytest.raises(ScannedPdf) as info:
        check_text_layer(source, texts)
    assert info.value.code == "scanned"
    assert "scan.pdf has no text layer on any page (2 pages of images): it is a scan, and OCR is off " \
           "(--ocr off)" in str(info.value)


def test_some_scanned_pages_among_text_pages_is_not_a_scan(bad):
    source = open_pdf(bad["mixed"])
    texts = page_texts(source)
    assert source.page_count == len(texts) == 4
    check_text_layer(source, texts)  # returns normally
    assert image_only_pages(source, texts) == [4]


def test_text_as_outlines_is_reported_as_no_text_layer(tmp_path):
    """A PDF with neither text nor images (text drawn as paths) has nothing to read either."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "outlines.pdf"
    c = canvas.Canvas(str(path))
    c.rect(100, 100, 200, 100)
    c.showPage()
    c.save()
    source = open_pdf(path)
    texts = page_texts(source)
    assert image_only_pages(source, texts) == []
    with pytest.raises(ScannedPdf, match=r"no text layer on any page \(1 pages without text or images\)"):
        check_text_layer(source, texts)


def test_texts_must_match_the_page_count(bad):
    source = open_pdf(bad["mixed"])
    with pytest.raises(ValueError, match="pass the text of every page"):
        check_text_layer(source, ["text"] * 3)


def test_pdf_that_is_not_final_accounts_opens_with_its_text(bad):
    """Recognising it as not a report is the extractor's job; here it is a good PDF with text."""
    source = open_pdf(bad["not_final_accounts"])
    assert source.page_count == 1 and source.producer.startswith("ReportLab")
    texts = page_texts(source)
    check_text_layer(source, texts)
    assert "关于召开年度工作会议的通知" in texts[0]
    assert "公开" not in texts[0]


# ---------------------------------------------------------------- good files


@pytest.mark.parametrize("name, pages, producer", [
    ("jiaozuo-2024.pdf", 26, "LibreOffice 7.4"),
    ("sanmenxia-2024.pdf", 28, "LibreOffice 7.4"),
])
def test_samples_open(name, pages, producer):
    path = SAMPLES / name
    source = open_pdf(path)
    assert (source.path, source.original, source.sha256, source.size_bytes, source.page_count,
            source.producer, source.unlocked) == (path, path, _sha256(path), path.stat().st_size, pages,
                                                  producer, False)
    texts = page_texts(source)
    assert len(texts) == pages
    check_text_layer(source, texts)
    assert image_only_pages(source, texts) == []
    assert any("收入支出决算总表" in t for t in texts)
    assert all("\r" not in t for t in texts)
    source.close()
    assert path.exists()  # close() never touches the original


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real is not present")
@pytest.mark.parametrize("name, pages, producer", [
    ("putuo-finance-2024.pdf", 25, "ONLYOFFICE/8.0.1.31"),
    ("putuo-social-work-2024.pdf", 24, "WPS 文字"),  # empty /Producer: falls back to /Creator
])
def test_real_reports_open(name, pages, producer):
    source = open_pdf(REAL / name)
    assert (source.page_count, source.producer, source.unlocked) == (pages, producer, False)
    check_text_layer(source, page_texts(source))


def test_sha256_is_streamed_over_chunks(tmp_path, monkeypatch):
    """A PDF spanning many read chunks: digest, header and trailer are still found."""
    monkeypatch.setattr(pdf_source, "_CHUNK", 4096)
    path = SAMPLES / "jiaozuo-2024.pdf"
    source = open_pdf(path)
    assert source.sha256 == _sha256(path)
    assert source.page_count == 26


def test_trailing_padding_after_eof_is_tolerated(tmp_path):
    path = tmp_path / "padded.pdf"
    path.write_bytes((SAMPLES / "jiaozuo-2024.pdf").read_bytes() + b"\0" * 2000)
    assert open_pdf(path).page_count == 26


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        open_pdf(tmp_path / "nope.pdf")


def test_workdir_is_created(bad, tmp_path):
    workdir = tmp_path / "a" / "b"
    with open_pdf(bad["restricted"], workdir=workdir) as source:
        assert source.path.parent == workdir and source.path.exists()
    assert os.listdir(workdir) == []


def test_restriction_removed_by_pdfium_when_pypdf_cannot(bad, tmp_path, monkeypatch):
    def fail(path, out):
        raise NotImplementedError("pretend pypdf lacks this cipher")

    monkeypatch.setattr(pdf_source, "_decrypt_with_pypdf", fail)
    with open_pdf(bad["restricted"], workdir=tmp_path) as source:
        assert source.unlocked
        tables = camelot.read_pdf(source.path, pages="3", flavor="lattice", engine="vector")
        assert any("1,641.76" in c for c in tables[0].df.to_numpy().ravel().tolist())


def test_restriction_that_cannot_be_removed_is_reported(bad, tmp_path, monkeypatch):
    def fail(path, out):
        raise NotImplementedError("unsupported")

    monkeypatch.setattr(pdf_source, "_decrypt_with_pypdf", fail)
    monkeypatch.setattr(pdf_source, "_decrypt_with_pdfium", fail)
    with pytest.raises(EncryptedPdf, match="forbids copying text, and the restriction could not be "
                                           r"removed \(pypdf: NotImplementedError: unsupported; "
                                           r"pdfium: NotImplementedError: unsupported\)\. Remove it with "
                                           "qpdf --decrypt"):
        open_pdf(bad["restricted"], workdir=tmp_path)
    assert os.listdir(tmp_path) == []  # no half-written copy left behind
