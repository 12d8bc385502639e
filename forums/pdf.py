"""HTML laid out as PDF by WeasyPrint, in memory, with nothing fetched from outside: papers
are built from templates that carry their own styles and use the fonts of the OS."""

from weasyprint import HTML, Document


def refuse_fetch(url: str, *args, **kwargs):
    """A paper needs nothing from outside itself: every fetch (images, styles, fonts from a
    link) is refused, so no address in a template can make the server reach out."""
    raise ValueError(f"Papers fetch nothing: {url} refused.")


def pdf_document(html: str) -> Document:
    """The HTML laid out in pages."""
    return HTML(string=html, url_fetcher=refuse_fetch).render()


def html_to_pdf(html: str) -> bytes:
    """The HTML as PDF bytes."""
    return pdf_document(html).write_pdf()
