"""Insights in a browser with the demo data: the executive opens loop health from the
navigation, narrows it to a region, and takes away the registers and the report."""

import csv
import io
import re
import zlib

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from forums.models import Forum

from .conftest import DEMO_ACCOUNTS, axe_violations, sign_in

pytestmark = pytest.mark.browser


# A PDF string after /Title: (literal, with backslash escapes) or <hexadecimal UTF-16>.
TITLE = re.compile(rb"/Title (?:\(((?:[^()\\]|\\.)*)\)|<([0-9A-Fa-f]+)>)")


def pdf_titles(pdf: bytes) -> list[str]:
    """The document title and bookmark titles a PDF holds (WeasyPrint writes one bookmark
    per heading), read from its deflated object streams with the standard library."""
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            continue
        for literal, hexa in re.findall(
            rb"/Title (?:\(((?:[^()\\]|\\.)*)\)|<([0-9A-Fa-f]+)>)", data
        ):
            if hexa:
                texts.append(bytes.fromhex(hexa.decode()).decode("utf-16"))
            else:
                texts.append(re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1"))
    return texts


def prepared(page, button: str) -> bytes:
    """Ask for a download on the loop-health page, and take it from the downloads page it
    leads to (tasks run in-process here, so it is ready at once); then back to the page."""
    asked_on = page.url
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your downloads")
    expect(page.get_by_text(re.compile(r"^Ready to download: "))).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Download")).first.click()
    data = open(info.value.path(), "rb").read()  # noqa: SIM115 - a temporary file
    page.goto(asked_on)
    return data


def test_executive_filters_loop_health_by_region_and_downloads_registers_and_report(
    page, demo_data, axe_source
):
    region = Forum.objects.get(slug="northern-cfsn").region
    sign_in(page, DEMO_ACCOUNTS["executive"])

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Loop health")
    page.get_by_label("Region", exact=True).select_option(label=region.name)
    page.get_by_role("button", name="Apply filters").click()

    assert f"region={region.pk}" in page.url
    assert page.locator("svg.insight-chart").count() > 0
    assert page.locator("table caption").count() > 0
    assert axe_violations(page, axe_source) == []

    total = int(page.locator('[data-register-total="issues"]').inner_text())
    page.get_by_role("button", name="Prepare CSV of the issues register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your downloads")
    assert axe_violations(page, axe_source) == []
    page.go_back()
    from_csv = list(
        csv.reader(
            io.StringIO(prepared(page, "Prepare CSV of the issues register").decode("utf-8-sig"))
        )
    )
    assert from_csv[0][0] == "Reference"
    assert len(from_csv) - 1 == total > 0
    assert {row[5] for row in from_csv[1:]} == {region.name}

    workbook = load_workbook(
        io.BytesIO(prepared(page, "Prepare Excel workbook of the issues register"))
    )
    from_xlsx = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert [row[0] for row in from_xlsx] == [row[0] for row in from_csv]

    pdf = prepared(page, "Prepare the report (PDF)")
    assert pdf.startswith(b"%PDF")
    titles = pdf_titles(pdf)
    period = page.locator("p.lead").inner_text().rsplit(", ", 1)[-1].rstrip(".")
    assert f"State of the loop, {period}" in titles
    headings = page.locator("section.insight h2").all_inner_texts()
    assert len(headings) == 11
    assert [title for title in titles if title in headings] == headings


def test_executive_attaches_the_report_to_a_strategic_meeting(
    page, demo_data, axe_source, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, DEMO_ACCOUNTS["executive"])
    page.goto("/insights/")

    page.get_by_role("button", name="Attach it to a Strategic meeting as a paper").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Attach the report to a Strategic meeting"
    )
    assert axe_violations(page, axe_source) == []
    meeting = page.get_by_label("Strategic meeting")
    choice = meeting.locator("option").nth(1).inner_text()
    meeting.select_option(label=choice)
    page.get_by_role("button", name="Attach the report").click()

    expect(page.get_by_text(re.compile(r"^Attached 'State of the loop, "))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your downloads")
    assert axe_violations(page, axe_source) == []
    page.get_by_role("link", name=choice.split(": ", 1)[-1]).click()
    expect(page.get_by_role("link", name=re.compile(r"^State of the loop, "))).to_be_visible()
