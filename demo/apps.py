from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Seed data: no models, no pages; `seed_demo` and `seed_scale` live here."""

    name = "demo"
