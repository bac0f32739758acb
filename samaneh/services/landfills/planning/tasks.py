from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ScenarioRun
from .planner import build_problem, describe
from .solver import PlanningError, solve

# A planner waits on the page; a run that has not proved optimality by then keeps its best answer.
RUN_TIME_LIMIT_SECONDS = 50


@shared_task
def run_scenario(run_id):
    """Solve one scenario run: the heuristic answer is stored first (the page shows it at once), then the
    exact one replaces it. Progress goes to the row the page polls."""
    run = ScenarioRun.objects.select_related("scenario__unit").get(pk=run_id)
    ScenarioRun.objects.filter(pk=run_id).update(status=ScenarioRun.Status.RUNNING, started=timezone.now(),
                                                 progress=2, message=_("آماده‌سازی داده‌ها"))
    scenario = run.scenario
    try:
        problem, villages, facilities, km = build_problem(scenario)

        def progress(stage, fraction, note):
            ScenarioRun.objects.filter(pk=run_id).update(progress=int(fraction * 100), message=note)

        def first_answer(quick):
            ScenarioRun.objects.filter(pk=run_id).update(results=describe(scenario, quick, villages, facilities, km))

        best = solve(problem, time_limit=RUN_TIME_LIMIT_SECONDS, progress=progress, on_heuristic=first_answer)
        ScenarioRun.objects.filter(pk=run_id).update(
            status=ScenarioRun.Status.DONE, progress=100, finished=timezone.now(),
            results=describe(scenario, best, villages, facilities, km),
            message=_("جواب بهینه (اثبات‌شده)") if best.optimal else _("بهترین جواب یافته‌شده در زمان مجاز"),
        )
    except PlanningError as error:
        ScenarioRun.objects.filter(pk=run_id).update(status=ScenarioRun.Status.FAILED, finished=timezone.now(),
                                                     progress=100, message=str(error))
