from django.core.management.base import BaseCommand

from samaneh.cases.services import case_escalate_overdue


class Command(BaseCommand):
    help = "Escalate every overdue open case to the parent of its responsible unit (also a Celery beat task)."

    def handle(self, *args, **options):
        count = case_escalate_overdue()
        self.stdout.write(f"پرونده‌های ارجاع‌شده به بالادست: {count}")
