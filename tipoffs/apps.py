from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipoffsConfig(AppConfig):
    name = "tipoffs"
    verbose_name = _("群众举报")

    def ready(self):
        from hazardtrack import input_guard

        from .open311.render import refusal

        input_guard.ANSWERS["/open311/"] = refusal
