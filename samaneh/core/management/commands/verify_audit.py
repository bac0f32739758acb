from django.core.management.base import BaseCommand, CommandError

from samaneh.core.audit import VERIFY_CHUNK_SIZE, verify_chain


class Command(BaseCommand):
    # Plain strings, as in Django's own commands: argparse cannot format lazy translations.
    help = "زنجیره ممیزی را از ابتدا تا انتها بررسی می‌کند و نخستین ردیف دست‌خورده را نام می‌برد."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=VERIFY_CHUNK_SIZE,
            help="شمار ردیف‌هایی که هر بار از پایگاه داده خوانده می‌شود",
        )

    def handle(self, *args, chunk_size, **options):
        report = verify_chain(chunk_size=chunk_size)
        if not report.ok:
            raise CommandError(report.message)
        self.stdout.write(self.style.SUCCESS(report.message))
