"""Official documents as PDF: a Django template rendered to HTML, laid out by WeasyPrint.

Chinese text needs a CJK font on the machine (Debian: fonts-noto-cjk; installed by the
Dockerfile and by .ci/run) and WeasyPrint needs Pango. Where either is missing the PDF views
answer with `PdfUnavailable`'s message instead of failing with a 500.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class PdfUnavailable(RuntimeError):
    """This machine cannot lay out PDFs (WeasyPrint or Pango missing)."""


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render `template_name` (which should extend "pdf/base.html") to PDF bytes."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango shared libraries are missing
        logger.error("PDF rendering unavailable", extra={"error": str(exc)})
        raise PdfUnavailable(_("本服务器未安装PDF排版组件（WeasyPrint/Pango），暂不能生成PDF文件，请联系系统管理员。")) from exc
    with translation.override(settings.LANGUAGE_CODE):  # official documents are Chinese whatever the UI language
        html = render_to_string(template_name, context, request=request)
    # base_url lets templates reference static files by path; nothing is fetched from the network.
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
