"""The tumour-board summary as PDF, rendered by WeasyPrint from the same HTML the pages use."""

from __future__ import annotations


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render an HTML document to PDF bytes (WeasyPrint imported on demand: it is heavy)."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf = HTML(string=html, base_url=base_url).write_pdf()
    assert pdf is not None
    return bytes(pdf)
