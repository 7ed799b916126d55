"""HTML to PDF through WeasyPrint (a maintained HTML/CSS typesetter, not a browser), byte-stable.

The same page gives the same bytes: the document's creation and modification dates are the
evaluation's as-of date, never the time it was written, and the file carries no random identifier.
"""

from __future__ import annotations

import datetime as dt

from gatekeeper.problems import UsageError


def html_to_pdf(html: str, *, title: str, as_of: dt.date) -> bytes:
    """`html` (self-contained: no external resources) typeset as PDF, dated `as_of`."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:  # OSError: the pango library is missing
        raise UsageError(
            f"the pdf format needs WeasyPrint and the pango library (Debian: libpango-1.0-0): {error}"
        ) from None
    # The pages are self-contained: data: URLs (the commercial chart) are the only ones fetched.
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).render()
    stamp = f"{as_of.isoformat()}T00:00:00Z"
    document.metadata.title = title
    document.metadata.created = stamp
    document.metadata.modified = stamp
    document.metadata.generator = "gatekeeper"
    pdf: bytes | None = document.write_pdf(pdf_identifier=b"gatekeeper", uncompressed_pdf=False)
    assert pdf is not None  # without a target, write_pdf returns the bytes
    return pdf
