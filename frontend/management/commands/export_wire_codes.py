from django.core.management.base import BaseCommand

from frontend.wire_codes import WIRE_JS, write_wire_js


class Command(BaseCommand):
    help = ("Write frontend/static/frontend/js/wire.js (error codes, close codes and the "
            "server frames' literal values) from the Python that defines them.")

    def handle(self, *args: object, **options: object) -> None:
        changed = write_wire_js()
        self.stdout.write(f"virtualcite: {WIRE_JS.name} {'written' if changed else 'unchanged'}.")
