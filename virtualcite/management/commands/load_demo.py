from django.core.management.base import BaseCommand

from virtualcite.demo import load_demo
from virtualcite.figures.demo import demo_figures_load


class Command(BaseCommand):
    help = "Load the demo poles, partner institutions and staff (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        load_demo()
        demo_figures_load()  # here, not in load_demo(): the tests call that one ~165 times
        self.stdout.write(
            "virtualcite: demo data loaded (5 poles, 7 partners, 7 staff, 8 resources).")
