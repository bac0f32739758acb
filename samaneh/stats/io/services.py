"""Writes for file imports: check an upload (dry run), confirm it, run it (from the Celery task).

A job's import runs in ONE outer transaction, fed to `datavalues_import` in chunks so progress can be
reported between them; a crash in any chunk rolls back every chunk before it. Progress therefore cannot
be read from the job row while the transaction is open (nobody else sees uncommitted rows), so it goes
to the cache (shared between web and worker processes when REDIS_URL is set).
"""
import logging
import os
import unicodedata

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samaneh.accounts.roles import Perm
from samaneh.core.audit import audit_record
from samaneh.core.text import normalize_digits, normalize_text
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.stats.datavalues import ImportSummary, datavalues_import
from samaneh.stats.io import parsers
from samaneh.stats.io.models import ImportJob
from samaneh.stats.io.safety import FileRefused, file_check
from samaneh.stats.models import DEFAULT_COC_UID, CategoryOptionCombo, DataElement, DataValue
from samaneh.stats.uids import org_unit_id
from samaneh.stats.values import InvalidValue, clean_value

logger = logging.getLogger(__name__)

CHUNK_ROWS = 20_000
MAX_CONFLICTS_KEPT = 1000
PROGRESS_SECONDS = 6 * 60 * 60


def _parse(file_format, *, file=None, text=None, period=""):
    if file_format == ImportJob.Format.CSV:
        return parsers.parse_csv(text)
    return parsers.parse_xlsx(file, period=period)


@transaction.atomic
def import_check(*, user, upload, data_set, period=""):
    """Check `upload` and dry-run it; returns the ImportJob waiting for confirmation.

    Refused with FileRefused (Persian), storing nothing, when the file itself is unacceptable (see
    `safety`), is not a template of `data_set`, or holds no value. Bad rows are not refusals: they are
    the dry run's conflicts, and the user decides whether to import the rest.
    """
    if not scope.units(user, Perm.STATS_ENTER).filter(data_sets=data_set).exists():
        raise FileRefused(_("شما برای این فرم اجازه ورود داده ندارید."))
    checked = file_check(upload)
    parsed = _parse(checked.file_format, file=upload, text=checked.text, period=period)
    if parsed.data_set_uid and parsed.data_set_uid != data_set.uid:
        raise FileRefused(
            _("این فایل الگوی فرم دیگری است، نه «%(name)s»؛ الگوی همین فرم را بگیرید.") % {"name": data_set.name}
        )
    if not parsed.rows:
        raise FileRefused(_("فایل هیچ مقداری ندارد؛ دست‌کم یک خانه را پر کنید."))
    summary = datavalues_import(user=user, rows=parsed.rows, dry_run=True, data_set=data_set)
    upload.seek(0)
    job = ImportJob(
        user=user, org_unit=_common_unit(user, parsed.rows), data_set=data_set, period=parsed.period,
        file_format=checked.file_format, original_name=_clean_name(upload.name), size=checked.size,
        sha256=checked.sha256, total=len(parsed.rows),
        dry_run_summary=summary_json(summary, parsed, unchanged=_unchanged(parsed.rows, summary)),
    )
    job.file.save(job.original_name, upload, save=False)
    job.save()
    audit_record(
        actor=user, action="stats.import_check", target=job,
        after={"name": job.original_name, "size": job.size, "sha256": job.sha256, "rows": job.total,
               "data_set": data_set.uid, "dry_run": _counts(job.dry_run_summary)},
    )
    return job


@transaction.atomic
def import_confirm(*, user, job):
    """The uploader confirms a checked job: it is queued and its Celery task starts after commit."""
    from samaneh.stats.io.tasks import import_job_run

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.user_id != user.pk:
        raise FileRefused(_("فقط کسی که فایل را بارگذاری کرده می‌تواند ورود آن را تأیید کند."))
    if job.status != ImportJob.Status.CHECKED:
        raise FileRefused(_("این فایل پیش‌تر تأیید شده است."))
    job.status = ImportJob.Status.QUEUED
    job.confirmed_at = timezone.now()
    job.save(update_fields=["status", "confirmed_at"])
    progress_set(job.pk, 0, job.total)
    audit_record(actor=user, action="stats.import_confirm", target=job, after={"rows": job.total})
    transaction.on_commit(lambda: import_job_run.delay(job.pk))
    return job


def import_job_run(*, job_id):
    """Run a queued job (the Celery task's body). Never raises for a failed import: the job records it."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("user", "data_set").get(pk=job_id)
    if not claimed:  # delivered twice, or already run: nothing to do
        return job
    try:
        with job.file.open("rb") as handle:
            checked = file_check(handle)
            parsed = _parse(checked.file_format, file=handle, text=checked.text, period=job.period)
        summary = _import_in_chunks(job, parsed.rows)
    except Exception as error:
        logger.exception("stats import job %s failed", job_id)
        job.status = ImportJob.Status.FAILED
        job.error = (
            error.message if isinstance(error, FileRefused)
            else _("ورود داده با خطای پیش‌بینی‌نشده متوقف شد؛ هیچ مقداری از این فایل ذخیره نشد.")
        )
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        audit_record(actor=job.user, action="stats.import_failed", target=job, after={"error": job.error})
        return job
    job.status = ImportJob.Status.DONE
    job.summary = summary_json(summary, parsed)
    job.total = job.done = len(parsed.rows)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "summary", "total", "done", "finished_at"])
    progress_set(job.pk, job.done, job.total)
    audit_record(actor=job.user, action="stats.import_done", target=job, after=_counts(job.summary))
    return job


def _import_in_chunks(job, rows):
    total = len(rows)
    merged = ImportSummary()
    progress_set(job.pk, 0, total)
    with transaction.atomic():
        for start in range(0, total, CHUNK_ROWS):
            part = rows[start:start + CHUNK_ROWS]
            result = datavalues_import(
                user=job.user, rows=part, data_set=job.data_set,
                progress=lambda done, _total, start=start: progress_set(job.pk, start + done, total),
            )
            _merge(merged, result, offset=start)
            progress_set(job.pk, start + len(part), total)
    if merged.conflicts:
        merged.status = "WARNING" if merged.imported + merged.updated + merged.deleted else "ERROR"
    return merged


def _merge(into, part, *, offset):
    into.imported += part.imported
    into.updated += part.updated
    into.ignored += part.ignored
    into.deleted += part.deleted
    for conflict in part.conflicts:
        into.conflicts.append({**conflict, "indexes": [offset + i for i in conflict.get("indexes", [])]})


def _progress_key(job_id):
    return f"stats_io:job:{job_id}:progress"


def progress_set(job_id, done, total):
    cache.set(_progress_key(job_id), (done, total), PROGRESS_SECONDS)


def progress_get(job):
    """(done, total) for `job`: the live figure while it runs, the stored one otherwise."""
    if job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        live = cache.get(_progress_key(job.pk))
        if live:
            return live
    return job.done, job.total


def summary_json(summary, parsed, *, unchanged=0):
    """What the pages show: counts, and conflicts with the place in the file of each row."""
    conflicts = []
    for conflict in summary.conflicts[:MAX_CONFLICTS_KEPT]:
        indexes = conflict.get("indexes") or []
        where = "، ".join(parsed.ref_text(i) for i in indexes if 0 <= i < len(parsed.refs))
        conflicts.append({"ref": where, "message": conflict.get("value", ""), "object": conflict.get("object", ""),
                          "code": conflict.get("errorCode", "")})
    return {
        "status": summary.status, "imported": summary.imported, "updated": summary.updated - unchanged,
        "unchanged": unchanged, "ignored": summary.ignored, "deleted": summary.deleted,
        "conflict_count": len(summary.conflicts), "conflicts": conflicts,
    }


def _counts(data):
    return {key: data.get(key, 0) for key in ("imported", "updated", "unchanged", "ignored", "deleted")}


def _unchanged(rows, summary):
    """How many of the rows the dry run would "update" already hold exactly that value.

    `datavalues_import` counts a rewrite of the same value as an update (as DHIS2 does); people deciding
    whether to import want to know how much would really change.
    """
    refused = {i for conflict in summary.conflicts for i in conflict.get("indexes", [])}
    candidates = [row for index, row in enumerate(rows) if index not in refused]
    if not candidates:
        return 0
    element_refs = {normalize_digits(str(r.get("dataElement") or "").strip()) for r in candidates}
    elements = {}
    for element in DataElement.objects.filter(Q(uid__in=element_refs) | Q(code__in=element_refs)):
        elements[element.code] = elements[element.uid] = element
    coc_refs = {str(r.get("categoryOptionCombo") or "").strip() or DEFAULT_COC_UID for r in candidates}
    cocs = {}
    for pk, uid, code in CategoryOptionCombo.objects.filter(Q(uid__in=coc_refs) | Q(code__in=coc_refs)).values_list(
        "pk", "uid", "code"
    ):
        cocs[uid] = pk
        if code:
            cocs[code] = pk
    keyed = {}  # value key → the raw value the row would write
    for row in candidates:
        element = elements.get(normalize_digits(str(row.get("dataElement") or "").strip()))
        unit_id = org_unit_id(normalize_digits(str(row.get("orgUnit") or "").strip()))
        coc_id = cocs.get(str(row.get("categoryOptionCombo") or "").strip() or DEFAULT_COC_UID)
        if element is not None and unit_id is not None and coc_id is not None:
            keyed[(element.pk, str(row.get("period")), unit_id, coc_id)] = (element, row.get("value"))
    by_period = {}
    for element_id, period, unit_id, coc_id in keyed:
        by_period.setdefault(period, set()).add(unit_id)
    element_ids = {key[0] for key in keyed}
    unchanged = 0
    for period, unit_ids in by_period.items():
        unit_ids = sorted(unit_ids)
        for start in range(0, len(unit_ids), 500):
            stored = DataValue.objects.filter(
                period=period, org_unit_id__in=unit_ids[start:start + 500], data_element_id__in=element_ids
            ).values_list("data_element_id", "org_unit_id", "category_option_combo_id", "value")
            # Only values already stored are cleaned again, so a first import costs one query, no more.
            for element_id, unit_id, coc_id, value in stored:
                pending = keyed.get((element_id, period, unit_id, coc_id))
                if pending is None:
                    continue
                if pending[1] == value:  # already in stored form (what the template gives back for numbers)
                    unchanged += 1
                    continue
                try:
                    unchanged += clean_value(pending[0], pending[1])[0] == value
                except InvalidValue:
                    continue
    return unchanged


def _common_unit(user, rows):
    """The smallest unit holding every unit the rows name (in the user's scope), else the user's top unit."""
    ids = {org_unit_id(normalize_digits(str(r.get("orgUnit") or "").strip())) for r in rows} - {None}
    paths = list(scope.narrow(OrgUnit.objects.filter(pk__in=list(ids)[:5000]), user, Perm.STATS_ENTER, unit_field=None)
                 .values_list("path", flat=True))
    if not paths:
        return scope.roots(user, Perm.STATS_ENTER)[0]
    common = paths[0].strip(".").split(".")
    for path in paths[1:]:
        parts = path.strip(".").split(".")
        length = 0
        while length < min(len(common), len(parts)) and common[length] == parts[length]:
            length += 1
        common = common[:length]
    return OrgUnit.objects.get(pk=int(common[-1])) if common else scope.roots(user, Perm.STATS_ENTER)[0]


def _clean_name(name):
    """The uploader's file name for display only: no directories, no control characters."""
    name = os.path.basename(str(name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" or ch == "\u200c")
    return normalize_text(name)[:200] or "upload"
