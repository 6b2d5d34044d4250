from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from virtualcite.figures.demo import DEMO_WEEKS, demo_figures_load, demo_figures_remove


class Command(BaseCommand):
    help = ("Replace the demo figures (synthetic visits, room sessions and pole minutes, "
            "marked as demo) with fresh weeks of them, or remove them with --remove.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--remove", action="store_true",
                            help="delete every demo figure; real figures stay")
        parser.add_argument("--weeks", type=int, default=DEMO_WEEKS,
                            help=f"weeks of figures up to now (default {DEMO_WEEKS})")

    def handle(self, *args: object, remove: bool = False, weeks: int = DEMO_WEEKS,
               **options: object) -> None:
        if remove:
            counts = demo_figures_remove()
            self.stdout.write(f"virtualcite: demo figures removed ({counts.visits} visits, "
                              f"{counts.rooms} room sessions, {counts.minutes} pole minutes).")
            return
        counts = demo_figures_load(weeks=weeks)
        self.stdout.write(f"virtualcite: demo figures loaded ({counts.visits} visits, "
                          f"{counts.rooms} room sessions, {counts.minutes} pole minutes "
                          f"over the last {weeks} week(s)).")
