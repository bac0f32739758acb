import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samaneh.services.landfills.planning.orlib import OrlibFormatError, read
from samaneh.services.landfills.planning.solver import PlanningError, solve


class Command(BaseCommand):
    help = _(
        "حل یک نمونه مکان‌یابی انبار ظرفیت‌دار در قالب OR-Library و چاپ یک سطر JSON "
        "(شماره مراکز باز از ۱، به شماره‌گذاری خود OR-Library)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--orlib", required=True, help=_("پرونده نمونه (cap41.txt … capc.txt)"))
        parser.add_argument("--capacity", type=float, help=_("ظرفیتی که به جای واژه capacity در capa/capb/capc می‌نشیند"))
        parser.add_argument("--single-source", action="store_true", help=_("هر مشتری فقط از یک انبار"))
        parser.add_argument("--time-limit", type=float, help=_("سقف زمان حل (ثانیه)"))
        parser.add_argument("--threads", type=int, help=_("شمار رشته‌های HiGHS"))

    def handle(self, *args, capacity=None, single_source=False, time_limit=None, threads=None, **options):
        path = Path(options["orlib"])
        if not path.is_file():
            raise CommandError(_("پرونده %(path)s پیدا نشد.") % {"path": path})
        try:
            problem = read(path, capacity=capacity, single_source=single_source)
            solution = solve(problem, time_limit=time_limit, threads=threads)
        except (OrlibFormatError, PlanningError) as error:
            raise CommandError(str(error)) from None
        line = {
            "instance": path.stem,
            "capacity": capacity,
            "single_source": single_source,
            "objective": round(solution.objective, 6),
            "open_facilities": [i + 1 for i in solution.open_facilities],
            "facility_numbering": "1-based (OR-Library order)",
            "seconds": round(solution.seconds, 4),
            "optimal": solution.optimal,
            "status": solution.status,
            "heuristic_objective": solution.heuristic_objective,
            "heuristic_seconds": solution.heuristic_seconds and round(solution.heuristic_seconds, 4),
        }
        self.stdout.write(json.dumps(line, ensure_ascii=False))

