import io
import re
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from forums.files import resource_upload_to
from members.files import content_type_for, file_type_problem

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
HTML = b"<html><body><script>alert(1)</script></body></html>"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def office(main_part: str, *, content_types: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        if content_types:
            package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        package.writestr(main_part, '<?xml version="1.0"?><document/>')
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("guide.pdf", PDF),
        ("map.png", png()),
        ("photo.jpg", JPG),
        ("notes.docx", office("word/document.xml")),
        ("figures.xlsx", office("xl/workbook.xml")),
        ("slides.pptx", office("ppt/presentation.xml")),
        ("old.doc", OLE2),
        ("notes.txt", "Practice notes: referral \u2013 next steps.\n".encode()),
        ("list.csv", b"\xef\xbb\xbfregion,count\nNorth,3\n"),
        ("legacy.txt", "Caf\xe9 \u2018quoted\u2019 notes".encode("cp1252")),
    ],
)
def test_file_type_problem_contents_match_extension_is_none(name, content):
    extension = name.rsplit(".", 1)[1]

    assert file_type_problem(upload(name, content), extension) is None


@pytest.mark.parametrize(
    ("name", "label"),
    [("page.pdf", "a PDF document"), ("notes.txt", "plain text"), ("sheet.csv", "a CSV file")],
)
def test_file_type_problem_renamed_web_page_is_refused(name, label):
    extension = name.rsplit(".", 1)[1]

    problem = file_type_problem(upload(name, HTML), extension)

    assert problem == (
        f"{name} holds a web page or script, not {label}, so it cannot be uploaded. "
        "Upload the document itself, or add a link to the page instead."
    )


@pytest.mark.parametrize(
    "content",
    [
        b"\xef\xbb\xbf  \n<!DOCTYPE html><p>hi</p>",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b'<?xml version="1.0"?><svg/>',
        b"Minutes of the meeting\n<SCRIPT src=//evil.example></SCRIPT>",
    ],
)
def test_file_type_problem_markup_in_text_is_refused(content):
    problem = file_type_problem(upload("notes.txt", content), "txt")

    assert problem is not None
    assert problem.startswith("notes.txt holds a web page or script, not plain text")


def test_file_type_problem_png_named_pdf_is_refused():
    problem = file_type_problem(upload("guide.pdf", png()), "pdf")

    assert problem == (
        "The contents of guide.pdf are not a PDF document, though its name ends in .pdf. "
        "Check that you chose the right file, or save it again in that format."
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.docx", office("xl/workbook.xml")),
        ("report.docx", office("word/document.xml", content_types=False)),
        ("report.docx", b"PK\x03\x04" + bytes(60)),
        ("report.xlsx", office("word/document.xml")),
        ("report.pptx", PDF),
        ("report.doc", office("word/document.xml")),
        ("photo.jpg", png()),
    ],
)
def test_file_type_problem_wrong_binary_contents_are_refused(name, content):
    extension = name.rsplit(".", 1)[1]

    problem = file_type_problem(upload(name, content), extension)

    assert problem is not None
    assert problem.startswith(f"The contents of {name} are not ")


def test_file_type_problem_text_with_nul_bytes_is_refused():
    problem = file_type_problem(upload("data.csv", b"a,b\n\x00\x01,2\n"), "csv")

    assert problem == "data.csv is not a CSV file: it holds binary data. Upload a plain text file."


def test_file_type_problem_text_in_no_known_encoding_is_refused():
    problem = file_type_problem(upload("notes.txt", b"abc \x81\x8d def"), "txt")

    assert problem == (
        "notes.txt is not plain text: its text is in an unknown encoding. Save it as UTF-8."
    )


def test_file_type_problem_extension_without_a_check_is_refused():
    problem = file_type_problem(upload("drawing.odg", b"PK\x03\x04"), "odg")

    assert problem == "Files of type .odg cannot be checked, so they cannot be uploaded."


def test_file_type_problem_leaves_the_upload_at_its_start():
    file = upload("notes.docx", office("word/document.xml"))

    file_type_problem(file, "docx")

    assert file.read(2) == b"PK"


def test_resource_upload_to_is_a_random_folder_and_a_tidy_name():
    first = resource_upload_to(None, "Referral guide (final) v2.PDF")
    second = resource_upload_to(None, "Referral guide (final) v2.PDF")

    assert re.fullmatch(r"resources/[0-9a-f]{32}/Referral_guide_final_v2\.pdf", first)
    assert first != second


def test_resource_upload_to_name_without_usable_letters_becomes_file():
    path = resource_upload_to(None, "../../??.pdf")

    assert re.fullmatch(r"resources/[0-9a-f]{32}/file\.pdf", path)


def test_resource_upload_to_long_name_fits_the_field():
    path = resource_upload_to(None, "a" * 300 + ".docx")

    assert len(path) == len("resources/") + 32 + 1 + 50 + len(".docx")
    assert len(path) <= 100


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [("pdf", "application/pdf"), ("PNG", "image/png"), ("exe", "application/octet-stream")],
)
def test_content_type_for_extension(extension, content_type):
    assert content_type_for(extension) == content_type
