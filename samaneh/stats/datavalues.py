"""The one write path for data values: the API, CSV/Excel import, the entry form and the feeds all call
`datavalues_import`, so every value is checked the same way and written the same way.

A batch is checked row by row against metadata read once into dicts (no query per row). A bad row
becomes a conflict with its index and never stops the others; the good rows are written in ONE
transaction with upsert statements of many rows each (`INSERT … ON CONFLICT … DO UPDATE`, which SQLite and
PostgreSQL both speak), so a crash part-way leaves nothing of the batch behind.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import chain, count, filterfalse, repeat
from operator import add, itemgetter
from typing import Callable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from samaneh.accounts.roles import Perm
from samaneh.core.audit import audit_record
from samaneh.core.text import normalize_digits, normalize_text
from samaneh.geo import scope
from samaneh.geo.models import OrgUnit
from samaneh.stats import periods
from samaneh.stats.analytics.services import dirty_mark
from samaneh.stats.analytics.tasks import analytics_refresh_after_commit
from samaneh.stats.models import (
    DEFAULT_COC_UID,
    CategoryOptionCombo,
    DataApproval,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    LockException,
)
from samaneh.stats.services import default_combo_ensure
from samaneh.stats.uids import org_unit_id
from samaneh.stats.values import CANONICAL_NUMBERS, InvalidValue, clean_value

STRATEGIES = ("CREATE_AND_UPDATE", "CREATE", "UPDATE", "DELETE")
ID_SCHEMES = ("AUTO", "UID", "CODE")
CHUNK = 5000  # rows per PostgreSQL upsert statement; keeps its parameter arrays small
PROGRESS_EVERY = 5000
TRUE_FLAGS = {True, "true", "True", "TRUE", "1", 1}
REF_FIELDS = ("dataElement", "period", "orgUnit", "categoryOptionCombo")
_PLAIN_REF_TYPES = {str, int, type(None)}
_ELEMENT_PERIOD = itemgetter(0, 1)
_KEY = itemgetter(0, 1, 2, 3)
_PK = itemgetter(4)

# DHIS2's conflict codes for the same refusals, so clients that branch on them keep working.
E_DATA_SET = "E7600"
E_ELEMENT = "E7610"
E_PERIOD = "E7611"
E_UNIT = "E7612"
E_SCOPE = "E7613"
E_COC = "E7615"
E_VALUE = "E7619"
E_NOT_IN_SET = "E7633"
E_EXPIRED = "E7640"
E_FUTURE = "E7641"
E_PERIOD_TYPE = "E7644"
E_APPROVED = "E7646"
E_FEED = "E7650"
E_STRATEGY = "E7652"


@dataclass
class ImportSummary:
    status: str = "SUCCESS"
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[dict] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self):
        return self.imported + self.updated + self.ignored + self.deleted

    def conflict(self, index, obj, message, code):
        self.conflicts.append({"object": str(obj), "value": str(message), "errorCode": code, "indexes": [index]})
        self.ignored += 1

    def as_dhis2(self) -> dict:
        return {
            "responseType": "ImportSummary",
            "status": self.status,
            "importOptions": {"dryRun": self.dry_run},
            "description": _description(self),
            "importCount": {
                "imported": self.imported, "updated": self.updated, "ignored": self.ignored, "deleted": self.deleted,
            },
            "conflicts": self.conflicts,
            "rejectedIndexes": sorted({i for c in self.conflicts for i in c["indexes"]}),
            "dataSetComplete": "false",
        }


def _description(summary):
    if summary.status == "ERROR":
        return "ورود داده انجام نشد"
    if summary.conflicts:
        return "ورود داده با خطا در برخی ردیف‌ها انجام شد"
    return "ورود داده انجام شد"


class ImportRefused(ValueError):
    """The whole request is unusable (unknown strategy or data set); the message is Persian."""


@dataclass(frozen=True)
class _Element:
    id: int
    uid: str
    code: str | None
    name: str
    value_type: str
    combo_id: int
    feed: str
    set_ids: tuple  # the data sets the element belongs to


def _resolve_elements(refs, scheme):
    if not refs:
        return {}
    fields = ("id", "uid", "code", "name", "value_type", "category_combo_id", "feed")
    rows = []
    refs = list(refs)
    for start in range(0, len(refs), 900):
        part = refs[start:start + 900]
        qs = DataElement.objects.none()
        if scheme in ("AUTO", "UID"):
            qs = qs | DataElement.objects.filter(uid__in=part)
        if scheme in ("AUTO", "CODE"):
            qs = qs | DataElement.objects.filter(code__in=part)
        rows.extend(qs.values_list(*fields))
    sets = {}
    for element_id, set_id in DataSetElement.objects.filter(data_element_id__in=[r[0] for r in rows]).values_list(
        "data_element_id", "data_set_id"
    ):
        sets.setdefault(element_id, []).append(set_id)
    by_ref = {}
    for pk, uid, code, name, value_type, combo_id, feed in rows:
        element = _Element(pk, uid, code, name, value_type, combo_id, feed, tuple(sorted(sets.get(pk, ()))))
        if scheme in ("AUTO", "CODE") and code:
            by_ref[code] = element
        if scheme in ("AUTO", "UID"):
            by_ref[uid] = element  # a uid wins over a code that happens to look the same
    return by_ref


def _resolve_units(refs, scheme):
    """ref → (pk, path)."""
    refs = list(refs)
    by_ref = {}
    if scheme in ("AUTO", "UID"):
        wanted = {}
        for ref in refs:
            pk = org_unit_id(ref)
            if pk is not None:
                wanted[pk] = ref
        ids = list(wanted)
        for start in range(0, len(ids), 900):
            for pk, path in OrgUnit.objects.filter(pk__in=ids[start:start + 900]).values_list("id", "path"):
                by_ref[wanted[pk]] = (pk, path)
    if scheme in ("AUTO", "CODE"):
        codes = [r for r in refs if r not in by_ref]
        for start in range(0, len(codes), 900):
            found = {}
            for pk, path, code in OrgUnit.objects.filter(code__in=codes[start:start + 900]).values_list(
                "id", "path", "code"
            ):
                found.setdefault(code, []).append((pk, path))
            for code, units in found.items():
                if len(units) == 1:  # an ambiguous code names no unit
                    by_ref[code] = units[0]
    return by_ref


def _resolve_cocs(refs):
    """ref (uid or code) → (pk, combo_id, uid)."""
    if not refs:
        return {}
    refs = list(refs)
    out = {}
    qs = CategoryOptionCombo.objects.filter(uid__in=refs) | CategoryOptionCombo.objects.filter(code__in=refs)
    for pk, uid, code, combo_id in qs.values_list("id", "uid", "code", "combo_id"):
        if code:
            out[code] = (pk, combo_id, uid)
        out[uid] = (pk, combo_id, uid)
    return out


def _text(value):
    return "" if value is None else str(value).strip()


def _key(value):
    """A reference as a dict key: strings and numbers as they are, anything else (a list…) as text."""
    return value if value is None or value.__class__ in (str, int) else str(value)


def _in_scope(path, roots):
    for root in roots:
        if path.startswith(root):
            return True
    return False


def datavalues_import(*, user, rows, dry_run=False, strategy="CREATE_AND_UPDATE", trusted=False, stored_by=None,
                      data_set=None, progress: Callable[[int, int], None] | None = None,
                      element_id_scheme="AUTO", unit_id_scheme="AUTO", today: dt.date | None = None) -> ImportSummary:
    """Check and write `rows` (dicts in DHIS2's dataValues shape). See the module docstring.

    `trusted` writers (automatic feeds) skip the user's scope, locks and the feed guard; everyone else
    needs STATS_ENTER on the unit. `data_set` (a DataSet, its uid or code) makes period-type and lock checks
    use that form only. `element_id_scheme`/`unit_id_scheme`: AUTO (uid, else code), UID or CODE. `today`
    exists for tests of expiry."""
    strategy = (strategy or "CREATE_AND_UPDATE").upper()
    if strategy == "NEW_AND_UPDATES":  # DHIS2's older spellings
        strategy = "CREATE_AND_UPDATE"
    elif strategy in ("NEW", "UPDATES"):
        strategy = {"NEW": "CREATE", "UPDATES": "UPDATE"}[strategy]
    if strategy not in STRATEGIES:
        raise ImportRefused(f"راهبرد ورود «{strategy}» شناخته نیست؛ یکی از {', '.join(STRATEGIES)}")
    element_id_scheme, unit_id_scheme = element_id_scheme.upper(), unit_id_scheme.upper()
    if element_id_scheme not in ID_SCHEMES or unit_id_scheme not in ID_SCHEMES:
        raise ImportRefused("طرح شناسه (idScheme) باید UID یا CODE باشد")
    today = today or timezone.localdate()
    rows = rows if isinstance(rows, list) else list(rows)
    total = len(rows)
    summary = ImportSummary(dry_run=dry_run)
    stored_by = stored_by or (user.get_username() if user is not None else "")

    forced_set = None
    if data_set is not None:
        if not isinstance(data_set, DataSet):
            ref = _text(data_set)
            forced_set = DataSet.objects.filter(uid=ref).first() or DataSet.objects.filter(code=ref).first()
            if forced_set is None:
                raise ImportRefused(f"مجموعه داده «{ref}» پیدا نشد")
        else:
            forced_set = data_set
        forced_elements = set(forced_set.set_elements.values_list("data_element_id", flat=True))

    # Metadata for the whole batch, read once: distinct references first, normalised once each. Each field
    # is read as a column in one pass without Python code per row, which the distinct sets, the type test
    # below and the row loop share. References must be hashable keys: when a column holds anything but
    # text, whole numbers or nothing (a list sent where an id belongs…), its references become text.
    ref_columns = []
    for name in REF_FIELDS:
        column = list(map(dict.get, rows, repeat(name)))
        if not set(map(type, column)) <= _PLAIN_REF_TYPES:
            column = [_key(ref) for ref in column]
        ref_columns.append(column)
    element_col, period_col, unit_col, coc_col = ref_columns
    element_raw, period_raw, unit_raw, coc_raw = map(set, ref_columns)
    element_norm = {ref: normalize_digits(_text(ref)) for ref in element_raw}
    unit_norm = {ref: normalize_digits(_text(ref)) for ref in unit_raw}
    elements = _resolve_elements(set(element_norm.values()) - {""}, element_id_scheme)
    units = _resolve_units(set(unit_norm.values()) - {""}, unit_id_scheme)
    default_combo_ensure()
    cocs = _resolve_cocs({_text(ref) for ref in coc_raw} - {""} | {DEFAULT_COC_UID})
    default_coc = cocs[DEFAULT_COC_UID]
    set_ids = {sid for e in elements.values() for sid in e.set_ids}
    if forced_set is not None:
        set_ids.add(forced_set.pk)
    data_sets = {
        pk: (uid, name, period_type, expiry)
        for pk, uid, name, period_type, expiry in DataSet.objects.filter(pk__in=set_ids).values_list(
            "id", "uid", "name", "period_type", "expiry_days"
        )
    }
    roots = None if trusted else [unit.path for unit in scope.roots(user, Perm.STATS_ENTER)]

    parsed_periods = {}
    for ref in period_raw:
        try:
            parsed_periods[ref] = periods.parse(_text(ref))
        except periods.PeriodError as error:
            parsed_periods[ref] = error
    # Locks and approvals only matter for (set, period, unit) triples this batch touches.
    lock_keys, approval_keys = set(), set()
    if not trusted and set_ids:
        period_ids = [p.id for p in parsed_periods.values() if isinstance(p, periods.Period)]
        unit_ids = [u[0] for u in units.values()]
        for model, target in ((LockException, lock_keys), (DataApproval, approval_keys)):
            if not model.objects.filter(data_set_id__in=set_ids, period__in=period_ids).exists():
                continue
            for start in range(0, len(unit_ids), 900):
                target.update(
                    model.objects.filter(
                        data_set_id__in=set_ids, period__in=period_ids, org_unit_id__in=unit_ids[start:start + 900]
                    ).values_list("data_set_id", "period", "org_unit_id")
                )

    def check_element_period(element_ref, period_ref):
        """(element, period, forms to check for locks, forms past their expiry) or (None, conflict…)."""
        ref = element_norm[element_ref]
        element = elements.get(ref)
        if element is None:
            return None, ref, f"عنصر داده «{ref}» پیدا نشد", E_ELEMENT
        period = parsed_periods[period_ref]
        if not isinstance(period, periods.Period):
            return None, _text(period_ref), str(period), E_PERIOD
        if element.feed and not trusted:
            return None, element.uid, f"«{element.name}» به‌طور خودکار محاسبه می‌شود و دستی وارد نمی‌شود", E_FEED
        if forced_set is not None:
            if element.id not in forced_elements:
                return None, element.uid, f"«{element.name}» در مجموعه داده «{forced_set.name}» نیست", E_NOT_IN_SET
            relevant = (forced_set.pk,)
        else:
            relevant = element.set_ids
        matching = ()
        if relevant:
            matching = tuple(sid for sid in relevant if data_sets[sid][2] == period.type)
            if not matching:
                wanted = "، ".join(sorted({str(periods.PERIOD_TYPE_LABELS[data_sets[s][2]]) for s in relevant}))
                return (
                    None, period.id,
                    f"دوره {period.id} ({periods.PERIOD_TYPE_LABELS[period.type]}) با نوع دوره فرم «{element.name}» "
                    f"({wanted}) نمی‌خواند",
                    E_PERIOD_TYPE,
                )
        if periods.is_future(period, today):
            return None, period.id, f"دوره {period.label} هنوز نرسیده است؛ برای آینده نمی‌توان داده ثبت کرد", E_FUTURE
        if trusted:
            return element, period, (), ()
        expired = tuple(
            sid for sid in matching
            if data_sets[sid][3] and today > period.end + dt.timedelta(days=data_sets[sid][3])
        )
        return element, period, matching, expired

    def check_unit(unit_ref):
        ref = unit_norm[unit_ref]
        unit = units.get(ref)
        if unit is None:
            return None, ref, f"واحد سازمانی «{ref}» پیدا نشد", E_UNIT
        if roots is not None and not _in_scope(unit[1], roots):
            return None, ref, f"واحد سازمانی «{ref}» در حوزه دسترسی ورود داده شما نیست", E_SCOPE
        return unit

    def check_coc(element, coc_ref):
        ref = _text(coc_ref)
        coc = cocs.get(ref) if ref else default_coc
        if coc is None:
            return None, ref, f"ترکیب گزینه‌های تفکیک «{ref}» پیدا نشد", E_COC
        if coc[1] != element.combo_id:
            return None, ref or coc[2], f"ترکیب گزینه «{ref or coc[2]}» از تفکیک‌های «{element.name}» نیست", E_COC
        return coc

    def lock_conflict(element, period, matching, expired, unit_id):
        approved = [sid for sid in matching if (sid, period.id, unit_id) in approval_keys]
        if approved:
            return period.id, f"فرم «{data_sets[approved[0]][1]}» برای {period.label} تأیید شده و قابل تغییر نیست", \
                E_APPROVED
        # One open form holding the element is enough; all of them expired and not reopened means locked.
        if expired and len(expired) == len(matching) and not any(
            (sid, period.id, unit_id) in lock_keys for sid in expired
        ):
            return period.id, f"مهلت ورود داده فرم «{data_sets[matching[0]][1]}» برای {period.label} گذشته و قفل است", \
                E_EXPIRED
        return None

    def check_element_period_coc(element_ref, period_ref, coc_ref):
        """The row checks that depend on these three references only, answered once per batch for them:
        (element, period, forms to check for locks, forms past their expiry, option combo or its conflict,
        the canonical-number shortcut for the element's type) or (None, conflict…)."""
        checked = check_element_period(element_ref, period_ref)
        if checked[0] is None:
            return checked
        element, period, matching, expired = checked
        canonical_match, largest = CANONICAL_NUMBERS.get(element.value_type, (None, None))
        return element, period, matching, expired, check_coc(element, coc_ref), canonical_match, largest

    # Each check is answered once per distinct reference (a batch repeats them a lot), then looked up per row by
    # `map` in C. `pending` maps the value key to what to write (None = delete); the last row for a key wins.
    # Conflicts keep their order of precedence: element and period, then unit, then option combo, then locks,
    # then value.
    checks_by_refs = {refs: check_element_period_coc(*refs) for refs in set(zip(element_col, period_col, coc_col))}
    checks_by_unit = {ref: check_unit(ref) for ref in unit_raw}
    value_cache = {}
    pending: dict[tuple, tuple | None] = {}
    repeats = 0
    delete_all = strategy == "DELETE"
    row_columns = zip(
        count(), map(checks_by_refs.__getitem__, zip(element_col, period_col, coc_col)),
        map(checks_by_unit.__getitem__, unit_col),
        *(map(dict.get, rows, repeat(name)) for name in ("value", "deleted", "comment")),
        map(dict.get, rows, repeat("followup"), map(dict.get, rows, repeat("followUp"))),
    )
    for index, checked, unit, raw, deleted, comment, follow_up in row_columns:
        if progress is not None and index and index % PROGRESS_EVERY == 0:
            progress(index, total)
        if checked[0] is None:
            summary.conflict(index, *checked[1:])
            continue
        element, period, matching, expired, coc, canonical_match, largest = checked
        if unit[0] is None:
            summary.conflict(index, *unit[1:])
            continue
        if coc[0] is None:
            summary.conflict(index, *coc[1:])
            continue
        unit_id = unit[0]
        if matching and (expired or approval_keys):
            refused = lock_conflict(element, period, matching, expired, unit_id)
            if refused is not None:
                summary.conflict(index, *refused)
                continue
        key = (element.id, period.id, unit_id, coc[0])
        if key in pending:
            repeats += 1  # written once (the last row wins); DHIS2 counts the repeats as updates
        if delete_all or raw is None or raw == "" or deleted in TRUE_FLAGS:
            pending[key] = None
            continue
        if (
            canonical_match is not None and raw.__class__ is str and canonical_match(raw)
            and (number := float(raw)) <= largest
        ):
            text = raw  # what clean_value returns for it, without the call
        else:
            value_key = (element.id, raw) if raw.__class__ in (str, int, float) else None
            cleaned = value_cache.get(value_key) if value_key else None
            if cleaned is None:
                try:
                    cleaned = clean_value(element, raw)
                except InvalidValue as error:
                    cleaned = error
                except Exception:  # a list or object where a value belongs
                    cleaned = InvalidValue(f"مقدار «{element.name}» باید عدد یا متن باشد")
                if value_key:
                    value_cache[value_key] = cleaned
            if cleaned.__class__ is not tuple:
                if isinstance(cleaned, InvalidValue) and not _text(raw):
                    pending[key] = None  # only blanks: a delete, like an empty value
                    continue
                summary.conflict(index, element.uid, str(cleaned), E_VALUE)
                continue
            text, number = cleaned
        comment = normalize_text(_text(comment))[:5000] if comment else ""
        # The follow-up flag as 0/1: Python's sqlite3 binds a bool through its slow adaptation path.
        pending[key] = (text, number, comment, 1 if follow_up in TRUE_FLAGS else 0)
    if progress is not None:
        progress(total, total)

    with transaction.atomic():
        summary.updated += repeats
        _classify_and_write(summary, pending, strategy, stored_by, dry_run)
        if not dry_run and (summary.imported + summary.updated + summary.deleted):
            audit_record(
                actor=user, action="stats.datavalues_import", object_type="stats.datavalue", object_id="",
                object_repr=f"{summary.imported + summary.updated + summary.deleted} مقدار داده",
                after={
                    "imported": summary.imported, "updated": summary.updated, "deleted": summary.deleted,
                    "ignored": summary.ignored, "strategy": strategy, "trusted": trusted,
                    "data_set": forced_set.uid if forced_set is not None else None,
                },
            )
            if not settings.CELERY_TASK_ALWAYS_EAGER:
                # A worker brings the analytics summary up to date after the commit. Without one (the embedded
                # trial, tests) answers are still right — dirty periods are computed live — and each save here
                # need not pay for a refresh; the beat schedule refreshes every few minutes in production.
                analytics_refresh_after_commit()
    return summary


def _classify_and_write(summary, pending, strategy, stored_by, dry_run):
    existing = _existing_keys(pending)
    if None in pending.values():
        deleting = [key for key, payload in pending.items() if payload is None]
        writing = {key: payload for key, payload in pending.items() if payload is not None}
    else:
        deleting, writing = [], pending
    gone = [key for key in deleting if key in existing]
    summary.deleted += len(gone)
    summary.ignored += len(deleting) - len(gone)
    if strategy == "CREATE":
        upserts = list(filterfalse(existing.__contains__, writing))
        summary.imported += len(upserts)
    elif strategy == "UPDATE":
        upserts = list(filter(existing.__contains__, writing))
        summary.updated += len(upserts)
    else:
        upserts = list(writing)
        updated = len(writing.keys() & existing.keys())
        summary.updated += updated
        summary.imported += len(upserts) - updated
    summary.ignored += len(writing) - len(upserts)
    if summary.conflicts:
        summary.status = "WARNING" if summary.imported + summary.updated + summary.deleted else "ERROR"
    if not dry_run and (upserts or gone):
        _write(writing, upserts, [existing[key] for key in gone], stored_by)
        dirty_mark(set(map(_ELEMENT_PERIOD, chain(upserts, gone))))


def _quoted_names():
    """The values table and its columns ({field name: column}), quoted for raw SQL on this database."""
    qn = connection.ops.quote_name
    meta = DataValue._meta
    return qn(meta.db_table), {f.name: qn(f.column) for f in meta.concrete_fields}


def _existing_keys(pending):
    """key → DataValue pk for the pending keys that are already stored."""
    if not pending:
        return {}
    units_by_period = {}
    for period, unit_id in set(map(itemgetter(1, 2), pending)):
        units_by_period.setdefault(period, []).append(unit_id)
    element_ids = list(set(map(itemgetter(0), pending)))
    table, col = _quoted_names()
    select = (
        f"SELECT {col['data_element']}, {col['period']}, {col['org_unit']}, {col['category_option_combo']}, "
        f"{col['id']} FROM {table} WHERE {col['period']} = %s"
    )

    def among(column, ids):
        return f" AND {column} IN ({', '.join(['%s'] * len(ids))})"

    by_elements = among(col["data_element"], element_ids) if len(element_ids) <= 900 else ""
    stored = {}
    with connection.cursor() as cursor:
        for period, unit_ids in units_by_period.items():
            if len(unit_ids) > 900 and by_elements:
                # A large batch: one query per period by its elements beats a query per 900 units (the few
                # rows of other units it also reads are dropped below).
                queries = [(select + by_elements, [period, *element_ids])]
            else:
                queries = [
                    (select + among(col["org_unit"], part) + by_elements,
                     [period, *part, *(element_ids if by_elements else ())])
                    for part in (unit_ids[start:start + 900] for start in range(0, len(unit_ids), 900))
                ]
            for sql, params in queries:
                cursor.execute(sql, params)
                while rows := cursor.fetchmany(5000):
                    found = dict(zip(map(_KEY, rows), map(_PK, rows)))
                    stored.update({key: found[key] for key in found.keys() & pending.keys()})
    return stored


def _write(writing, upserts, delete_ids, stored_by):
    """Deletes by id, then the upsert of the `upserts` keys (their values in `writing`).

    PostgreSQL: one statement per CHUNK over `unnest`ed arrays (a row-by-row `executemany` there pays a round
    trip each). SQLite: statements of as many rows as its parameter limit allows, all run by one `executemany`:
    a statement per value spent more on stepping and binding than on the insert itself (multi-row statements
    write the same rows in about two thirds of the time), and one `executemany` has Django rewrite the
    placeholders once rather than once per statement."""
    table, col = _quoted_names()
    fields = [DataValue._meta.get_field(name) for name in (
        "data_element", "period", "org_unit", "category_option_combo", "value", "numeric", "comment", "follow_up",
        "stored_by", "created", "last_updated",
    )]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    insert = f"INSERT INTO {table} ({', '.join(col[f.name] for f in fields)})"
    key_cols = ", ".join(col[c] for c in ("data_element", "period", "org_unit", "category_option_combo"))
    on_conflict = f"ON CONFLICT ({key_cols}) DO UPDATE SET " + ", ".join(
        f"{col[c]} = EXCLUDED.{col[c]}"
        for c in ("value", "numeric", "comment", "follow_up", "stored_by", "last_updated")
    )
    tail = (stored_by, now, now)
    with connection.cursor() as cursor:
        for start in range(0, len(delete_ids), 900):
            part = delete_ids[start:start + 900]
            cursor.execute(f"DELETE FROM {table} WHERE {col['id']} IN ({', '.join(['%s'] * len(part))})", part)
        if connection.vendor == "postgresql":
            sql = (
                f"{insert} SELECT u.de, u.pe, u.ou, u.coc, u.v, u.n, u.c, u.f::boolean, %s, %s, %s "
                "FROM unnest(%s::bigint[], %s::varchar[], %s::bigint[], %s::bigint[], %s::text[], %s::float8[], "
                "%s::text[], %s::int[]) AS u(de, pe, ou, coc, v, n, c, f) " + on_conflict
            )
            for start in range(0, len(upserts), CHUNK):
                keys = upserts[start:start + CHUNK]
                cursor.execute(sql, [*tail, *map(list, zip(*keys)), *map(list, zip(*map(writing.__getitem__, keys)))])
            return
        row = f"({', '.join(['%s'] * len(fields))})"

        def statement(rows):
            return f"{insert} VALUES {', '.join([row] * rows)} {on_conflict}"

        def parameters(keys):
            # key + (value, numeric, comment, follow-up) + (stored by, created, updated) per row, flattened
            # without Python code per row.
            return [*chain.from_iterable(chain.from_iterable(zip(keys, map(writing.__getitem__, keys), repeat(tail))))]

        rows = connection.ops.bulk_batch_size(fields, upserts)
        whole = len(upserts) - len(upserts) % rows
        if whole:
            cursor.executemany(statement(rows), (
                parameters(upserts[start:start + rows]) for start in range(0, whole, rows)
            ))
        if whole < len(upserts):
            cursor.execute(statement(len(upserts) - whole), parameters(upserts[whole:]))
