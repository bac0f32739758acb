"""Writes for the planner. Every function takes the acting user first and checks scope itself."""
import csv
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from samaneh.accounts.roles import Perm
from samaneh.core.audit import audit_record
from samaneh.core.text import normalize_digits, normalize_text
from samaneh.geo import scope

from .models import Candidate, Scenario, ScenarioRun, SiteChoice
from .planner import facilities_of, live_sites, missing_pairs_message, missing_road_pairs, villages_of
from .selectors import PLAN_UNIT_KINDS

SCENARIO_FIELDS = ("name", "waste_kg_per_person_day", "cost_per_tonne_km", "max_haul_km", "single_source",
                   "horizon_years")


def _check_unit(user, unit):
    if unit.kind not in PLAN_UNIT_KINDS:
        raise ValidationError({"unit": _("سناریو برای یک استان یا یک شهرستان ساخته می‌شود.")})
    if not scope.can_act(user, Perm.LANDFILL_PLAN, unit):
        raise PermissionDenied


def _check_scenario(user, scenario):
    if not scope.can_act(user, Perm.LANDFILL_PLAN, scenario.unit):
        raise PermissionDenied


def _sync_site_choices(scenario):
    """Every live site in the area gets a choice row (default: may stay, capacity = remaining)."""
    have = set(scenario.site_choices.values_list("site_id", flat=True))
    SiteChoice.objects.bulk_create([
        SiteChoice(scenario=scenario, site=site, capacity_tonnes=site.remaining_capacity_tonnes)
        for site in live_sites(scenario).exclude(pk__in=have)
    ])


@transaction.atomic
def scenario_create(user, *, unit, name, is_demo=False, **parameters):
    _check_unit(user, unit)
    scenario = Scenario(owner=user, unit=unit, name=normalize_text(name), is_demo=is_demo,
                        **{k: v for k, v in parameters.items() if k in SCENARIO_FIELDS})
    scenario.full_clean()
    scenario.save()
    _sync_site_choices(scenario)
    audit_record(actor=user, action="landfills.scenario.create", target=scenario)
    return scenario


@transaction.atomic
def scenario_update(user, *, scenario, **parameters):
    _check_scenario(user, scenario)
    for key, value in parameters.items():
        if key in SCENARIO_FIELDS:
            setattr(scenario, key, normalize_text(value) if key == "name" else value)
    scenario.full_clean()
    scenario.save()
    audit_record(actor=user, action="landfills.scenario.update", target=scenario)
    return scenario


@transaction.atomic
def site_choices_update(user, *, scenario, choices):
    """`choices`: {SiteChoice id: (decision, upgrade cost, capacity)}; validated as a whole."""
    _check_scenario(user, scenario)
    rows = {c.pk: c for c in scenario.site_choices.select_related("site")}
    for pk, (decision, upgrade, capacity) in choices.items():
        row = rows.get(pk)
        if row is None:
            continue
        row.decision, row.upgrade_cost_million_rials, row.capacity_tonnes = decision, upgrade, capacity
        row.full_clean()
        row.save()
    audit_record(actor=user, action="landfills.scenario.sites", target=scenario)


@transaction.atomic
def candidate_add(user, *, scenario, name, latitude, longitude, capacity_tonnes, opening_cost_million_rials):
    _check_scenario(user, scenario)
    candidate = Candidate(scenario=scenario, name=normalize_text(name), latitude=latitude, longitude=longitude,
                          capacity_tonnes=capacity_tonnes, opening_cost_million_rials=opening_cost_million_rials)
    candidate.full_clean()
    candidate.save()
    audit_record(actor=user, action="landfills.scenario.candidate", target=scenario,
                 after={"candidate": candidate.name, "lat": latitude, "lon": longitude})
    return candidate


@transaction.atomic
def candidate_remove(user, *, scenario, candidate_id):
    _check_scenario(user, scenario)
    scenario.candidates.filter(pk=candidate_id).delete()
    audit_record(actor=user, action="landfills.scenario.candidate_remove", target=scenario)


def _matrix_rows(upload):
    """(village code, site code, km text) rows from a CSV or XLSX upload, header row skipped."""
    data = upload.read()
    if data[:2] == b"PK":
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"matrix": _("پرونده باید CSV با کدگذاری UTF-8 یا اکسل (xlsx) باشد.")}) from None
        rows = list(csv.reader(io.StringIO(text)))
    return [tuple("" if cell is None else normalize_digits(str(cell)).strip() for cell in row[:3])
            for row in rows[1:] if row and any(cell not in (None, "") for cell in row)]


@transaction.atomic
def road_matrix_upload(user, *, scenario, upload):
    """Store an uploaded road-distance matrix after checking it covers every village × site pair of the
    scenario; otherwise nothing changes and the error lists what is missing."""
    _check_scenario(user, scenario)
    matrix, errors = {}, []
    for line, row in enumerate(_matrix_rows(upload), start=2):
        if len(row) < 3:
            errors.append(_("سطر %(line)s: سه ستون لازم است (کد روستا، کد مرکز، کیلومتر).") % {"line": line})
            continue
        village, site, km = row
        try:
            value = float(km.replace("٫", "."))
        except ValueError:
            value = -1
        if not (value >= 0):
            errors.append(_("سطر %(line)s: فاصله «%(km)s» عدد نامنفی نیست.") % {"line": line, "km": km})
            continue
        matrix.setdefault(village, {})[site] = value
    if errors:
        raise ValidationError({"matrix": errors[:20]})
    missing = missing_road_pairs(matrix, villages_of(scenario), facilities_of(scenario))
    if missing:
        raise ValidationError({"matrix": missing_pairs_message(missing)})
    scenario.road_km = matrix
    scenario.distance = Scenario.Distance.ROAD_MATRIX
    scenario.save(update_fields=["road_km", "distance", "updated"])
    audit_record(actor=user, action="landfills.scenario.matrix", target=scenario,
                 after={"villages": len(matrix), "pairs": sum(len(v) for v in matrix.values())})
    return scenario


@transaction.atomic
def road_matrix_clear(user, *, scenario):
    _check_scenario(user, scenario)
    scenario.road_km = {}
    scenario.distance = Scenario.Distance.GREAT_CIRCLE
    scenario.save(update_fields=["road_km", "distance", "updated"])


@transaction.atomic
def run_create(user, *, scenario):
    """A queued run; the caller hands its id to `tasks.run_scenario` once this transaction has committed."""
    _check_scenario(user, scenario)
    _sync_site_choices(scenario)
    run = ScenarioRun.objects.create(scenario=scenario, started_by=user)
    audit_record(actor=user, action="landfills.scenario.run", target=scenario, after={"run": run.pk})
    return run
