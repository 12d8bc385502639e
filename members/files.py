"""Uploaded files (forum resources, library items): where they are stored, what they must hold,
how they are sent."""

import uuid
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import puremagic
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# What each accepted extension must hold, in words for the person uploading.
TYPE_LABELS = {
    "pdf": _("a PDF document"),
    "png": _("a PNG image"),
    "jpg": _("a JPEG image"),
    "jpeg": _("a JPEG image"),
    "docx": _("a Word document"),
    "xlsx": _("an Excel workbook"),
    "pptx": _("a PowerPoint presentation"),
    "doc": _("a Word 97-2003 document"),
    "txt": _("plain text"),
    "csv": _("a CSV file"),
}

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "txt": "text/plain",
    "csv": "text/csv",
}

# The extensions puremagic reports for each type, from the file's first bytes.
_SIGNATURES = {
    "pdf": {".pdf"},
    "png": {".png"},
    "jpg": {".jpg", ".jpeg", ".jfif", ".jpe"},
    "jpeg": {".jpg", ".jpeg", ".jfif", ".jpe"},
    "docx": {".docx"},
    "xlsx": {".xlsx"},
    "pptx": {".pptx"},
    "doc": {".doc"},
}

# An Office Open XML package is a zip whose main part sits in a folder named for the program.
_OFFICE_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}

_TEXT_TYPES = {"txt", "csv"}

# Opening markup that a browser could run or render as a page.
_MARKUP_STARTS = ("<!doctype", "<html", "<head", "<body", "<script", "<svg", "<?xml", "<iframe")

_HEAD_BYTES = 8192


def content_type_for(extension: str) -> str:
    return CONTENT_TYPES.get(extension.lower(), "application/octet-stream")


def upload_path(folder: str, filename: str) -> str:
    """A path no one can guess: a random folder per upload, then a tidied original name."""
    path = Path(filename)
    extension = _tidy(path.suffix.lower())
    # 50 keeps the whole path within the FileField's 100 characters.
    stem = _tidy(path.stem)[:50] or "file"
    name = f"{stem}.{extension}" if extension else stem
    return f"{folder}/{uuid.uuid4().hex}/{name}"


def _tidy(text: str) -> str:
    try:
        return get_valid_filename(text).strip("._-")
    except SuspiciousFileOperation:  # nothing usable was left of the name
        return ""


def _read_all(upload: File) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _looks_like_markup(head: bytes) -> bool:
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n\f\v").lower()
    return text.startswith(_MARKUP_STARTS) or "<script" in text


def _text_problem(data: bytes, name: str, label: str) -> str | None:
    if b"\x00" in data:
        return gettext(
            "%(name)s is not %(label)s: it holds binary data. Upload a plain text file."
        ) % {"name": name, "label": label}
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return gettext(
            "%(name)s is not %(label)s: its text is in an unknown encoding. Save it as UTF-8."
        ) % {"name": name, "label": label}
    stripped = text.lstrip("\ufeff \t\r\n\f\v").lower()
    if stripped.startswith(_MARKUP_STARTS) or "<script" in text.lower():
        return _markup_problem(name, label)
    return None


def _markup_problem(name: str, label: str) -> str:
    return gettext(
        "%(name)s holds a web page or script, not %(label)s, so it cannot be uploaded. "
        "Upload the document itself, or add a link to the page instead."
    ) % {"name": name, "label": label}


def _office_package_problem(upload: File, extension: str) -> bool:
    """True when the zip is not an Office Open XML package of this kind."""
    part = _OFFICE_PARTS[extension]
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        return True
    finally:
        upload.seek(0)
    return "[Content_Types].xml" not in names or not any(n.startswith(part) for n in names)


def file_type_problem(upload: File, extension: str) -> str | None:
    """What is wrong with the file's contents for its extension, in a sentence; None if fine.

    The contents decide, not the name: a web page renamed to .pdf or .txt is refused.
    """
    extension = extension.lower().lstrip(".")
    name = Path(upload.name or gettext("The file")).name
    label = TYPE_LABELS.get(extension)
    if label is None:
        return gettext(
            "Files of type .%(extension)s cannot be checked, so they cannot be uploaded."
        ) % {"extension": extension}
    if extension in _TEXT_TYPES:
        return _text_problem(_read_all(upload), name, label)

    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    if _looks_like_markup(head):
        return _markup_problem(name, label)
    try:
        detected = {match.extension.lower() for match in puremagic.magic_string(head)}
    except puremagic.PureError:
        detected = set()
    wrong = gettext(
        "The contents of %(name)s are not %(label)s, though its name ends in .%(extension)s. "
        "Check that you chose the right file, or save it again in that format."
    ) % {"name": name, "label": label, "extension": extension}
    if not detected & _SIGNATURES[extension]:
        return wrong
    if extension in _OFFICE_PARTS and _office_package_problem(upload, extension):
        return wrong
    return None


def download_response(stored: FieldFile, *, content_type: str = "") -> HttpResponse:
    """A stored file sent as a download, after the caller's permission check: an upload by
    nginx when MEDIA_ACCEL_REDIRECT_PREFIX is set (nginx aliases MEDIA_ROOT alone), anything
    else by Django; never cached, never sniffed. The type follows the extension unless given."""
    filename = PurePosixPath(stored.name).name
    content_type = content_type or content_type_for(PurePosixPath(filename).suffix.lstrip("."))
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX
    if prefix and stored.storage is default_storage:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix + quote(stored.name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        try:
            handle = stored.open("rb")
        except FileNotFoundError as missing:
            raise Http404(gettext("The file is no longer stored.")) from missing
        response = FileResponse(
            handle, as_attachment=True, filename=filename, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
