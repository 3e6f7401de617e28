"""Builders of bad inputs, made on the fly into a given directory. Each returns the path it wrote.

Used by tests/test_pdf_source.py and by the end-to-end ingest tests: every kind of bad input that
`juesuan ingest` must report, plus an owner-restricted report that must load, and a PDF with a
scanned page among text pages.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
from pypdf.constants import UserAccessPermissions

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
SAMPLE = SAMPLES / "jiaozuo-2024.pdf"

USER_PASSWORD = "open-sesame"
OWNER_PASSWORD = "owner-only"


def empty_file(directory: Path, name: str = "empty.pdf") -> Path:
    """A 0-byte file named .pdf (a failed download)."""
    path = Path(directory) / name
    path.write_bytes(b"")
    return path


def text_file(directory: Path, name: str = "notes.pdf") -> Path:
    """A plain UTF-8 text file named .pdf."""
    path = Path(directory) / name
    path.write_text("2024年度部门决算\n这不是PDF文件，只是一段文字。\nThis is plain text, not a PDF.\n",
                    encoding="utf-8")
    return path


def html_page(directory: Path, name: str = "download.pdf") -> Path:
    """An HTML page saved under a .pdf name (what a broken download link returns)."""
    path = Path(directory) / name
    path.write_text(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\"><title>404 页面不存在</title>"
        "</head>\n<body><h1>404 Not Found</h1><p>您访问的页面不存在或已被删除。</p></body>\n</html>\n",
        encoding="utf-8")
    return path


def truncated_pdf(directory: Path, name: str = "truncated.pdf", *, source: Path = SAMPLE,
                  fraction: float = 0.4) -> Path:
    """The first ``fraction`` of a sample PDF's bytes (an interrupted download)."""
    data = Path(source).read_bytes()
    path = Path(directory) / name
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def corrupt_pdf(directory: Path, name: str = "corrupt.pdf") -> Path:
    """A %PDF- header and a %%EOF trailer around bytes that are not PDF objects (a damaged file)."""
    path = Path(directory) / name
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\nstartxref\n12345\n%%EOF\n")
    return path


def docx_file(directory: Path, name: str = "report.pdf") -> Path:
    """A (minimal) Word .docx container named .pdf."""
    import zipfile

    path = Path(directory) / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document/>')
    return path


def png_file(directory: Path, name: str = "photo.pdf", *, source: Path = SAMPLE) -> Path:
    """A PNG picture of a sample's first page, named .pdf."""
    path = Path(directory) / name
    _page_images(source, [1], 0.5)[0].save(path, "PNG")
    return path


def _encrypted_copy(path: Path, source: Path, *, user_password: str, owner_password: str,
                    permissions: int) -> Path:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password=owner_password,
                   permissions_flag=permissions, algorithm="AES-128")
    with path.open("wb") as f:
        writer.write(f)
    return path


_ALL_PERMISSIONS = sum(int(p) for p in (
    UserAccessPermissions.PRINT, UserAccessPermissions.MODIFY, UserAccessPermissions.EXTRACT,
    UserAccessPermissions.ADD_OR_MODIFY, UserAccessPermissions.FILL_FORM_FIELDS,
    UserAccessPermissions.EXTRACT_TEXT_AND_GRAPHICS, UserAccessPermissions.ASSEMBLE_DOC,
    UserAccessPermissions.PRINT_TO_REPRESENTATION))


def user_password_pdf(directory: Path, name: str = "password.pdf", *, source: Path = SAMPLE) -> Path:
    """A copy of a sample that needs the user password ``USER_PASSWORD`` to open."""
    return _encrypted_copy(Path(directory) / name, source, user_password=USER_PASSWORD,
                           owner_password=OWNER_PASSWORD, permissions=_ALL_PERMISSIONS)


def encrypted_permissive_pdf(directory: Path, name: str = "encrypted-open.pdf", *,
                             source: Path = SAMPLE) -> Path:
    """A copy of a sample that is encrypted but opens without a password and allows everything
    (not an error, and needs no unrestricted copy: camelot decrypts it with the empty password)."""
    return _encrypted_copy(Path(directory) / name, source, user_password="",
                           owner_password=OWNER_PASSWORD, permissions=_ALL_PERMISSIONS)


def owner_restricted_pdf(directory: Path, name: str = "restricted.pdf", *,
                         source: Path = SAMPLE) -> Path:
    """A copy of a sample that opens without a password but allows printing only (no copying text):
    an owner-password restriction, as many published reports have."""
    return _encrypted_copy(Path(directory) / name, source, user_password="",
                           owner_password=OWNER_PASSWORD,
                           permissions=int(UserAccessPermissions.PRINT))


def no_permissions_pdf(directory: Path, name: str = "no-permissions.pdf", *, source: Path = SAMPLE) -> Path:
    """A copy of a sample that opens without a password but allows nothing at all (permissions 0): camelot's
    reader cannot even decrypt it, yet it is a published report that must load."""
    return _encrypted_copy(Path(directory) / name, source, user_password="", owner_password=OWNER_PASSWORD,
                           permissions=0)


def _page_images(source: Path, pages: list[int], scale: float):
    pdf = pdfium.PdfDocument(str(source))
    try:
        return [pdf[p - 1].render(scale=scale).to_pil().convert("RGB") for p in pages]
    finally:
        pdf.close()


def scanned_pdf(directory: Path, name: str = "scan.pdf", *, source: Path = SAMPLE,
                pages: tuple[int, ...] = (1, 3), scale: float = 1.5) -> Path:
    """An image-only PDF: the given 1-based pages of a sample rendered to images (no text layer)."""
    images = _page_images(source, list(pages), scale)
    path = Path(directory) / name
    images[0].save(path, "PDF", resolution=72 * scale, save_all=True, append_images=images[1:])
    return path


def blank_scan_pdf(directory: Path, name: str = "blank-scan.pdf", *, pages: int = 2, dpi: int = 100) -> Path:
    """An image-only PDF of blank sheets as a scanner gives them: grey paper, a little dust, no print at
    all. OCR finds nothing to read in it."""
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(7)
    size = (int(595 * dpi / 72), int(842 * dpi / 72))
    images = []
    for _ in range(pages):
        image = Image.new("RGB", size, (232, 230, 226))
        draw = ImageDraw.Draw(image)
        for _ in range(300):
            x, y = rng.uniform(0, size[0]), rng.uniform(0, size[1])
            draw.point((x, y), fill=(90, 90, 90))
        images.append(image)
    path = Path(directory) / name
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path


def mixed_scan_pdf(directory: Path, name: str = "mixed.pdf", *, source: Path = SAMPLE,
                   text_pages: tuple[int, ...] = (1, 2, 3), scanned_page: int = 4,
                   scale: float = 1.5) -> Path:
    """The given text pages of a sample followed by one scanned (image-only) page: not a scan as a
    whole. The scanned page is the last page, number ``len(text_pages) + 1``."""
    reader = pypdf.PdfReader(source)
    writer = pypdf.PdfWriter()
    for p in text_pages:
        writer.add_page(reader.pages[p - 1])
    image = _page_images(source, [scanned_page], scale)[0]
    buf = io.BytesIO()
    image.save(buf, "PDF", resolution=72 * scale)
    writer.append(pypdf.PdfReader(buf))
    path = Path(directory) / name
    with path.open("wb") as f:
        writer.write(f)
    return path


def not_final_accounts_pdf(directory: Path, name: str = "meeting.pdf") -> Path:
    """A valid text PDF with ordinary Chinese text and a small ruled table, but no 公开 tables:
    a meeting notice, not a final-accounts report."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=11, leading=18)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1)
    rows = [["日期", "时间", "议程", "地点"],
            ["3月5日", "09:00", "开幕式", "第一会议室"],
            ["3月5日", "14:30", "分组讨论", "第二会议室"],
            ["3月6日", "09:00", "总结发言", "第一会议室"]]
    table = Table(rows, colWidths=[70, 60, 160, 110])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    path = Path(directory) / name
    doc = SimpleDocTemplate(str(path), pagesize=A4, title="关于召开年度工作会议的通知",
                            author="办公室", creator="juesuan tests")
    doc.build([Paragraph("关于召开年度工作会议的通知", title), Spacer(1, 12),
               Paragraph("各科室：经研究，定于三月上旬召开年度工作会议，总结上一年度工作，部署本年度"
                         "重点任务。请各科室负责同志准时参加，会议日程安排如下。", body),
               Spacer(1, 12), table, Spacer(1, 12),
               Paragraph("Please bring last year's work summary. Contact: the general office.", body)])
    return path


def build_all(directory: Path) -> dict[str, Path]:
    """Every builder above into ``directory``, keyed by kind."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return {
        "empty": empty_file(directory),
        "text": text_file(directory),
        "html": html_page(directory),
        "docx": docx_file(directory),
        "png": png_file(directory),
        "truncated": truncated_pdf(directory),
        "corrupt": corrupt_pdf(directory),
        "password": user_password_pdf(directory),
        "restricted": owner_restricted_pdf(directory),
        "no_permissions": no_permissions_pdf(directory),
        "encrypted_open": encrypted_permissive_pdf(directory),
        "scanned": scanned_pdf(directory),
        "blank_scan": blank_scan_pdf(directory),
        "mixed": mixed_scan_pdf(directory),
        "not_final_accounts": not_final_accounts_pdf(directory),
    }


def decompression_bomb_pdf(directory: Path, name: str = "bomb.pdf", *, inflated_mb: int = 120) -> Path:
    """A one-page PDF of a few hundred KB whose content stream inflates to ``inflated_mb`` MB of drawing
    operators: reading it naively takes gigabytes of memory."""
    import zlib

    unit = b"0 0 m 1 1 l S\n"
    stream = zlib.compress(unit * (inflated_mb * 1_000_000 // len(unit)), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path = Path(directory) / name
    path.write_bytes(bytes(out))
    return path
