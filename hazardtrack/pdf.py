"""Official documents as PDF: a Django template rendered to HTML, laid out by WeasyPrint.

Chinese text comes from the fonts bundled in static/fonts/ (Noto Serif/Sans SC subsets, OFL),
declared by @font-face in templates/pdf/base.html, so no system CJK font is needed. WeasyPrint
needs Pango; where it is missing the PDF views answer with `PdfUnavailable`'s message instead
of failing with a 500.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import pathlib
import tempfile
from functools import cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


FONT_DIR = pathlib.Path(settings.BASE_DIR) / "static" / "fonts"
FONTS = {  # template name -> bundled file (see static/fonts/make_subsets.py)
    "serif": "NotoSerifSC-Regular-GBK.woff",
    "serif_bold": "NotoSerifSC-Bold-GB2312.woff",
    "sans_bold": "NotoSansSC-Bold-GB2312.woff",
}


@cache
def font_urls() -> dict[str, str]:
    """file: URLs of the bundled fonts as plain TrueType, unpacked once per process into the
    temp folder: WeasyPrint would otherwise unpack each WOFF again for every document."""
    folder = pathlib.Path(tempfile.gettempdir()) / "hazardtrack-fonts"
    folder.mkdir(exist_ok=True)
    urls = {}
    for key, name in FONTS.items():
        packed = (FONT_DIR / name).read_bytes()
        target = folder / f"{hashlib.sha256(packed).hexdigest()[:16]}.ttf"
        if not target.exists():
            from fontTools.ttLib import TTFont  # a WeasyPrint dependency

            font = TTFont(io.BytesIO(packed))
            font.flavor = None
            partial = target.with_suffix(f".{os.getpid()}.part")
            font.save(str(partial))
            os.replace(partial, target)  # atomic: a concurrent process never reads half a font
        urls[key] = target.as_uri()
    return urls


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
        html = render_to_string(template_name, {**context, "pdf_fonts": font_urls()}, request=request)
    # base_url lets templates reference static files by path; nothing is fetched from the network.
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
