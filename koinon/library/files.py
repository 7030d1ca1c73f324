"""Checking an uploaded file by its content, not its name, before it is stored.

Accepted: PDF, PNG, JPEG, GIF, WebP, plain text and CSV (UTF-8, no markup), and the
zip-based office formats (OOXML: docx, xlsx, pptx; OpenDocument: odt, ods, odp).
Refused: anything else — executables, HTML, SVG, scripts, archives, old binary
office files — and files whose content does not match their extension.
"""

import codecs
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from koinon.lib.errors import ActionError

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
HEAD_BYTES = 8192


def max_upload_bytes() -> int:
    return getattr(settings, "LIBRARY_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)


@dataclass(frozen=True)
class FileType:
    name: str
    mime: str
    extensions: tuple[str, ...]


PDF = FileType("pdf", "application/pdf", (".pdf",))
PNG = FileType("png", "image/png", (".png",))
JPEG = FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"))
GIF = FileType("gif", "image/gif", (".gif",))
WEBP = FileType("webp", "image/webp", (".webp",))
TEXT = FileType("text", "text/plain; charset=utf-8", (".txt", ".md"))
CSV = FileType("csv", "text/csv; charset=utf-8", (".csv", ".tsv"))
OOXML = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # macOS, Java classes
    b"#!",  # scripts
)
MARKUP_STARTS = ("<!doctype", "<html", "<svg", "<?xml", "<script", "<head", "<body", "<iframe")
ACCEPTED = _("PDF, images (PNG, JPEG, GIF, WebP), text or CSV, and office documents")


@dataclass
class CheckedFile:
    name: str
    mime: str
    size: int


def _refuse(message, code="invalid_file"):
    raise ActionError(message, field="file", code=code)


def _read_head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def _is_text(upload) -> bool:
    """UTF-8 all the way through, with no NUL bytes."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        for chunk in iter(lambda: upload.read(65536), b""):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def _office_type(upload, extension) -> str | None:
    """The office MIME type if this zip really is that office document."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension in OOXML and "[Content_Types].xml" in names:
                return OOXML[extension]
            if extension in ODF and "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODF[extension] if declared == ODF[extension] else None
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


def _signature_type(head: bytes) -> FileType | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def check_upload(upload) -> CheckedFile:
    """The file's safe name, its real type and size; `ActionError` (field "file") if refused."""
    name = os.path.basename(upload.name or "").strip() or "file"
    extension = os.path.splitext(name)[1].lower()
    size = upload.size
    limit = max_upload_bytes()
    if size > limit:
        _refuse(
            _("The file is too large: %(size)s MB, the limit is %(max)s MB.")
            % {"size": f"{size / 1048576:.1f}", "max": f"{limit / 1048576:.0f}"},
            code="too_large",
        )
    if size == 0:
        _refuse(_("The file is empty."), code="empty")
    head = _read_head(upload)
    if head.startswith(EXECUTABLE_SIGNATURES):
        _refuse(_("Programs and scripts cannot be uploaded."), code="executable")
    known = _signature_type(head)
    if known is not None:
        if extension not in known.extensions:
            _refuse(
                _("The file's content (%(type)s) does not match its name “%(name)s”.")
                % {"type": known.name.upper(), "name": name},
                code="type_mismatch",
            )
        return CheckedFile(name, known.mime, size)
    if head.startswith(b"PK\x03\x04"):
        mime = _office_type(upload, extension) if extension in {**OOXML, **ODF} else None
        if mime is None:
            _refuse(
                _(
                    "Only office documents can be uploaded as zip files, with their own name "
                    "(.docx, .xlsx, .pptx, .odt, .ods, .odp)."
                ),
                code="type_mismatch",
            )
        return CheckedFile(name, mime, size)
    if _is_text(upload):
        start = head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n").lower()
        if start.startswith(MARKUP_STARTS) or "<script" in start[:2048]:
            _refuse(_("Web pages, SVG and other markup cannot be uploaded."), code="markup")
        for kind in (TEXT, CSV):
            if extension in kind.extensions:
                return CheckedFile(name, kind.mime, size)
        _refuse(
            _("A text file must be named .txt, .md, .csv or .tsv (this one is “%(name)s”).")
            % {"name": name},
            code="type_mismatch",
        )
    _refuse(
        _("This kind of file cannot be uploaded. Accepted: %(types)s.") % {"types": ACCEPTED},
        code="unsupported",
    )
