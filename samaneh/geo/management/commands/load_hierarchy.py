from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samaneh.geo.loader import HierarchyError, load_hierarchy
from samaneh.geo.models import OrgUnit


class Command(BaseCommand):
    help = _("بارگذاری تقسیمات کشوری ایران (استان تا روستا) از داده‌های بسته django-iranian-cities")

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help=_(
                "اگر درخت دیگری (ناقص یا متفاوت) هست، پاکش کن و دوباره بارگذاری کن؛ فقط وقتی داده‌ای به آن وابسته نیست."
            ),
        )
        parser.add_argument("--data-dir", help=_("پوشه پرونده‌های CSV به جای داده‌های بسته"))

    def handle(self, *args, force=False, data_dir=None, **options):
        try:
            report = load_hierarchy(data_dir, force=force)
        except HierarchyError as error:
            raise CommandError(str(error)) from None
        if not report.loaded:
            if report.municipalities_created:
                message = _("تقسیمات کشوری از پیش بارگذاری شده است؛ فقط شهرداری %(n)d شهر بی‌شهرداری ساخته شد.")
                self.stdout.write(message % {"n": report.municipalities_created})
            else:
                self.stdout.write(_("تقسیمات کشوری از پیش بارگذاری شده است؛ چیزی تغییر نکرد."))
            self.stdout.write(_("زمان: %(s).2f ثانیه") % {"s": report.seconds})
            return
        self.stdout.write(self.style.SUCCESS(_("تقسیمات کشوری بارگذاری شد.")))
        for kind in OrgUnit.Kind:
            self.stdout.write(f"  {kind.label}: {report.counts.get(kind.value, 0)}")
        self.stdout.write(_("شهرداری‌ها: %(n)d") % {"n": report.municipalities_created})
        reattached = sum(report.reattached.values())
        message = _("واحدهایی که واحد بالادستشان در داده نبود و به نزدیک‌ترین بالادست موجود وصل شدند: %(n)d")
        self.stdout.write(message % {"n": reattached})
        for kind, n in report.reattached.items():
            self.stdout.write(f"  {OrgUnit.Kind(kind).label}: {n}")
        self.stdout.write(_("زمان: %(s).2f ثانیه") % {"s": report.seconds})
