"""Writing and verifying the audit chain.

`audit_record` is the only way an entry is written. It runs inside a transaction that locks the single
`AuditHead` row, so concurrent writers on PostgreSQL queue up instead of both extending the same entry
(SQLite already admits one writer at a time: the project opens transactions with BEGIN IMMEDIATE). When it
is called inside a larger transaction, the head stays locked until that transaction ends and the entry
commits or rolls back together with the change it describes; call it as the last step of a service so the
lock is held briefly.

`verify_chain` re-reads the whole chain in sequence order in bounded memory and reports the first entry
whose content, link or sequence number is wrong, and whether entries were cut off the end.

What the chain cannot show on its own: someone with write access to the database who rewrites every entry
after the one they change (or cuts the tail and moves the head back) leaves a consistent chain. Publishing
the head hash somewhere they cannot write closes that gap.
"""
import contextlib
import contextvars
import datetime as dt
import ipaddress
import math
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samaneh.core.models import GENESIS_HASH, AuditEntry, AuditHead, canonical_json, chain_hash

ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

# Never copied into the append-only log: a password hash kept forever is a password hash leaked forever.
SECRET_FIELD_NAMES = frozenset({"password"})

VERIFY_CHUNK_SIZE = 2000

_ENTRY_FIELDS = (
    "id", "sequence", "created_at", "actor_id", "actor_repr", "action", "object_type", "object_id",
    "object_repr", "before", "after", "ip_address", "prev_hash", "hash",
)


def json_safe(value):
    """`value` as plain JSON data that reads back from SQLite and PostgreSQL exactly as written.

    Dates and datetimes become ISO strings (aware datetimes in UTC), Decimals and UUIDs strings, model
    instances their primary key, files their name, sets sorted lists.
    """
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("NaN and infinity have no JSON form.")
        # PostgreSQL's jsonb returns 1.0 as 1 and 1e300 as its 301 digits; storing whole floats as the
        # integer they print as makes the value read back identical, so the stored hash still matches.
        return int(Decimal(repr(value))) if value.is_integer() else value
    if isinstance(value, str):
        # jsonb and PostgreSQL text refuse NUL; keep the entry writable (a username is attacker-chosen).
        return value.replace("\x00", "\ufffd")
    if isinstance(value, Promise):
        return json_safe(str(value))
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.timezone.utc)
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, (uuid.UUID, ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(value)
    if isinstance(value, models.Model):
        return json_safe(value.pk)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {json_safe(str(key)): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((json_safe(item) for item in value), key=canonical_json)
    raise TypeError(f"{type(value).__name__} cannot be stored in an audit entry.")


def model_snapshot(instance, fields=None):
    """The instance's field values as a JSON-safe dict for `before`/`after`.

    All concrete fields by default, or the named ones (`"user"` or `"user_id"` alike). Foreign keys appear
    under their column name with the related id (`"org_unit_id": 7`). Password fields are never included.
    """
    opts = instance._meta
    chosen = opts.concrete_fields if fields is None else [opts.get_field(name) for name in fields]
    snapshot = {}
    for field in chosen:
        if field.name in SECRET_FIELD_NAMES:
            if fields is not None:
                raise ValueError(f"{field.name!r} is never written to the audit log.")
            continue
        snapshot[field.attname] = json_safe(getattr(instance, field.attname))
    return snapshot


_context = contextvars.ContextVar("samaneh_audit_context", default=None)


@dataclass(frozen=True)
class AuditContext:
    actor: object
    request: object


@contextlib.contextmanager
def audit_context(*, actor, request=None):
    """Name who is acting (and the request) for entries written by signal handlers inside the block.

    Signals such as post_delete do not know who asked for the change; a view or service that revokes a
    role wraps the deletion in this so the revocation is attributed to the person who revoked it.
    """
    token = _context.set(AuditContext(actor=actor, request=request))
    try:
        yield
    finally:
        _context.reset(token)


def current_audit_context():
    """The innermost `audit_context` in effect, or None."""
    return _context.get()


def _describe_actor(actor):
    username = actor.get_username()
    full_name = actor.get_full_name().strip() if hasattr(actor, "get_full_name") else ""
    return f"{username} ({full_name})" if full_name and full_name != username else username


def client_ip(request):
    """REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it."""
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR")
    if not raw:
        return None
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def _text(value, max_length):
    return json_safe(str(value))[:max_length] if value is not None else ""


def _locked_head():
    head = AuditHead.objects.select_for_update().filter(pk=AuditHead.SINGLETON_ID).first()
    if head is not None:
        return head
    # First append ever (or after the head row was removed): start the head at the last stored entry so
    # appending continues the chain rather than restarting at sequence 1.
    last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
    last_sequence, last_hash = last or (0, GENESIS_HASH)
    AuditHead.objects.get_or_create(
        pk=AuditHead.SINGLETON_ID, defaults={"last_sequence": last_sequence, "last_hash": last_hash}
    )
    return AuditHead.objects.select_for_update().get(pk=AuditHead.SINGLETON_ID)


def audit_record(
    *, actor, action, target=None, before=None, after=None, request=None, object_type=None, object_id=None,
    object_repr=None,
):
    """Append one entry to the audit chain and return it.

    `actor` is the user who acted (None for the system or an unknown visitor). `target` is the model
    instance acted on; `object_type`/`object_id`/`object_repr` name something that is not one, or
    override what `target` gives. `before`/`after` are JSON-safe values, usually from `model_snapshot`.
    """
    if not isinstance(action, str) or len(action) > 64 or not ACTION_PATTERN.match(action):
        raise ValueError(f"Audit action {action!r} is not a dotted lower-case code such as 'role.grant'.")
    if target is not None:
        object_type = object_type if object_type is not None else target._meta.label_lower
        object_id = object_id if object_id is not None else target.pk
        object_repr = object_repr if object_repr is not None else str(target)
    object_id = "" if object_id is None else json_safe(str(object_id))
    if len(object_id) > 64:
        raise ValueError("An audited object id is at most 64 characters.")

    actor_id = actor.pk if actor is not None else None
    fields = {
        "actor_id": actor_id,
        "actor_repr": _describe_actor(actor)[:255] if actor_id is not None else "",
        "action": action,
        "object_type": _text(object_type, 100),
        "object_id": object_id,
        "object_repr": _text(object_repr, 255),
        "before": json_safe(before),
        "after": json_safe(after),
        "ip_address": client_ip(request),
    }
    with transaction.atomic():
        head = _locked_head()
        entry = AuditEntry(
            sequence=head.last_sequence + 1, created_at=timezone.now(), prev_hash=head.last_hash, **fields
        )
        entry.hash = entry.compute_hash()
        entry._append()
        AuditHead.objects.filter(pk=head.pk).update(last_sequence=entry.sequence, last_hash=entry.hash)
    return entry


class ChainFault(models.TextChoices):
    HASH_MISMATCH = "hash_mismatch", gettext_lazy(
        "محتوای ردیف با درهم‌ساز ذخیره‌شده‌اش نمی‌خواند (ردیف ویرایش شده است)"
    )
    BROKEN_LINK = "broken_link", gettext_lazy("درهم‌ساز پیشینِ ردیف با درهم‌ساز ردیف قبلی نمی‌خواند")
    SEQUENCE_GAP = "sequence_gap", gettext_lazy("پیش از این ردیف، ردیف‌هایی حذف شده‌اند")
    TAIL_MISSING = "tail_missing", gettext_lazy("ردیف‌هایی از انتهای زنجیره حذف شده‌اند")
    HEAD_MISMATCH = "head_mismatch", gettext_lazy("سر زنجیره با ردیفی که به آن اشاره می‌کند نمی‌خواند")
    HEAD_MISSING = "head_missing", gettext_lazy("سر زنجیره حذف شده است")


@dataclass(frozen=True)
class ChainReport:
    """Outcome of `verify_chain`. When not ok, `sequence`/`entry_id` locate the first fault.

    `entry_id` is None when the faulty position holds no row (entries missing from the end) and
    `expected_sequence` is set for a gap: the first sequence number that is missing.
    """

    ok: bool
    checked: int
    sequence: int | None = None
    entry_id: int | None = None
    reason: ChainFault | None = None
    expected_sequence: int | None = None

    @property
    def message(self):
        # ASCII digits: operators grep and alert on this line.
        if self.ok:
            return _("زنجیره ممیزی سالم است: %(count)d ردیف بررسی شد.") % {"count": self.checked}
        if self.reason == ChainFault.HEAD_MISSING:
            where = ""
        elif self.entry_id is None:
            where = _("از ردیف شماره %(sequence)d به بعد: ") % {"sequence": self.sequence}
        else:
            where = _("ردیف شماره %(sequence)d (شناسه %(id)d): ") % {"sequence": self.sequence, "id": self.entry_id}
        detail = str(self.reason.label)
        if self.reason == ChainFault.SEQUENCE_GAP:
            first, last = self.expected_sequence, self.sequence - 1
            if first == last:
                detail += _(" (ردیف شماره %(first)d نیست)") % {"first": first}
            else:
                detail += _(" (ردیف‌های %(first)d تا %(last)d نیستند)") % {"first": first, "last": last}
        return _("زنجیره ممیزی شکسته است؛ %(where)s%(detail)s. %(count)d ردیف پیش از آن سالم بود.") % {
            "where": where,
            "detail": detail,
            "count": self.checked,
        }


def verify_chain(chunk_size=VERIFY_CHUNK_SIZE):
    """Walk the chain in sequence order and return a `ChainReport` naming the first fault, if any.

    Memory stays bounded: rows are streamed `chunk_size` at a time. Entries appended while the walk runs
    are checked too; the head is read before the walk so they never look like a mismatch.
    """
    head = AuditHead.objects.filter(pk=AuditHead.SINGLETON_ID).values_list("last_sequence", "last_hash").first()
    rows = AuditEntry.objects.order_by("sequence").values_list(*_ENTRY_FIELDS).iterator(chunk_size=chunk_size)

    checked = 0
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    head_seen = head is None or head[0] == 0
    for row in rows:
        entry = dict(zip(_ENTRY_FIELDS, row))
        sequence, entry_id = entry["sequence"], entry["id"]
        fault = None
        if sequence != expected_sequence:
            fault = ChainFault.SEQUENCE_GAP
        elif entry["prev_hash"] != prev_hash:
            fault = ChainFault.BROKEN_LINK
        elif chain_hash(**{k: entry[k] for k in _ENTRY_FIELDS if k not in ("id", "hash")}) != entry["hash"]:
            fault = ChainFault.HASH_MISMATCH
        elif head is not None and sequence == head[0]:
            if entry["hash"] != head[1]:
                fault = ChainFault.HEAD_MISMATCH
            head_seen = True
        if fault is not None:
            return ChainReport(
                ok=False, checked=checked, sequence=sequence, entry_id=entry_id, reason=fault,
                expected_sequence=expected_sequence if fault == ChainFault.SEQUENCE_GAP else None,
            )
        checked += 1
        expected_sequence = sequence + 1
        prev_hash = entry["hash"]

    if head is None and checked:
        return ChainReport(ok=False, checked=checked, reason=ChainFault.HEAD_MISSING)
    if not head_seen:
        return ChainReport(ok=False, checked=checked, sequence=expected_sequence, reason=ChainFault.TAIL_MISSING)
    return ChainReport(ok=True, checked=checked)
