"""The audit chain: writing, tamper detection, signals and the read-only admin.

Tampering is done with raw SQL through `connection.cursor()`, the way someone with database access would,
so the same tests run on SQLite and PostgreSQL.
"""
import datetime as dt
import hashlib
import json
import threading
from decimal import Decimal

import pytest
from django.contrib.admin.sites import AdminSite
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test import RequestFactory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from samaneh.accounts.roles import Role
from samaneh.core.admin import AuditEntryAdmin
from samaneh.core.audit import (
    ChainFault,
    audit_context,
    audit_record,
    json_safe,
    model_snapshot,
    verify_chain,
)
from samaneh.core.models import GENESIS_HASH, AuditEntry, AuditHead, canonical_json, chain_hash, chain_payload
from tests.factories import RoleFactory, UserFactory

WRONG_PASSWORD = "not-the-password-7351"


def quoted(name):
    return connection.ops.quote_name(name)


def raw_update(entry_id, **columns):
    table = quoted(AuditEntry._meta.db_table)
    assignments = ", ".join(f"{quoted(column)} = %s" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} WHERE {quoted('id')} = %s", [*columns.values(), entry_id])
        assert cursor.rowcount == 1


def raw_delete(entry_id):
    table = quoted(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {quoted('id')} = %s", [entry_id])
        assert cursor.rowcount == 1


def record_many(count, actor=None):
    return [
        audit_record(
            actor=actor,
            action="dehyari.import",
            object_type="geo.administration",
            object_id=str(n),
            object_repr=f"دهیاری شماره {n}",
            before={"households": n},
            after={"households": n + 1, "name": "کلاک بالا", "checked_on": dt.date(2024, 3, 20)},
        )
        for n in range(count)
    ]


def verify_audit_failure():
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")
    return str(raised.value)


@pytest.fixture
def entries(db):
    return record_many(12)


# --- writing -------------------------------------------------------------------------------------------


def test_chain_verifies_after_many_records_across_chunks(db, capsys):
    actor = UserFactory()
    stored = record_many(250, actor=actor)

    report = verify_chain(chunk_size=7)
    assert report.ok and report.checked == 250

    assert [e.sequence for e in stored] == list(range(1, 251))
    assert stored[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(stored, stored[1:]))
    head = AuditHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (250, stored[-1].hash)

    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "سالم" in out and "250" in out


def test_hashed_bytes_are_pinned():
    # Changing this form would make every chain already stored fail verification.
    fields = dict(
        sequence=1,
        created_at=dt.datetime(2024, 3, 20, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3, minutes=30))),
        actor_id=7,
        actor_repr="علی",
        action="role.grant",
        object_type="accounts.roleassignment",
        object_id="3",
        object_repr="x",
        before=None,
        after={"role": "dehyari_staff", "org_unit_id": 5},
        ip_address="192.0.2.1",
        prev_hash=GENESIS_HASH,
    )
    expected = (
        '{"action":"role.grant","actor_id":7,"actor_repr":"علی","after":{"org_unit_id":5,"role":"dehyari_staff"},'
        '"before":null,"created_at":"2024-03-20T08:30:00.000000+00:00","ip_address":"192.0.2.1","object_id":"3",'
        f'"object_repr":"x","object_type":"accounts.roleassignment","prev_hash":"{GENESIS_HASH}","sequence":1}}'
    ).encode("utf-8")
    assert chain_payload(**fields) == expected
    assert chain_hash(**fields) == hashlib.sha256(expected).hexdigest()


def test_entry_fields_round_trip_and_hash_matches_stored_row(db):
    actor = UserFactory(first_name="مریم", last_name="احمدی")
    entry = audit_record(
        actor=actor,
        action="role.grant",
        target=actor,
        after={"when": dt.datetime(2024, 3, 20, 8, 30, tzinfo=dt.timezone.utc), "amount": Decimal("12.50")},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor_id == actor.pk
    assert stored.actor_repr == f"{actor.username} (مریم احمدی)"
    assert (stored.object_type, stored.object_id) == ("accounts.user", str(actor.pk))
    assert stored.after == {"when": "2024-03-20T08:30:00+00:00", "amount": "12.50"}
    assert stored.created_at.utcoffset() == dt.timedelta(0)
    assert stored.hash == stored.compute_hash() == entry.hash
    assert len(stored.hash) == 64 and int(stored.hash, 16) >= 0


def test_floats_read_back_identically_so_the_chain_still_verifies(db):
    # jsonb turns 1.0 into 1 and 1e300 into plain digits; the stored hash must survive the round trip.
    audit_record(actor=None, action="stats.value_set", after={"whole": 1.0, "huge": 1e300, "part": 0.1, "tiny": 1.5e-7})
    stored = AuditEntry.objects.get()
    assert stored.after == {"whole": 1, "huge": 10**300, "part": 0.1, "tiny": 1.5e-7}
    assert verify_chain().ok


def test_nul_characters_do_not_make_an_entry_unwritable(db):
    audit_record(actor=None, action="auth.login_failed", object_repr="a\x00b", after={"username": "x\x00y"})
    stored = AuditEntry.objects.get()
    assert stored.after == {"username": "x\ufffdy"} and stored.object_repr == "a\ufffdb"
    assert verify_chain().ok


def test_ip_is_taken_from_remote_addr_not_forwarded_for(db):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert audit_record(actor=None, action="auth.login_failed", request=request).ip_address == "192.0.2.10"
    mapped = RequestFactory().get("/", REMOTE_ADDR="::ffff:192.0.2.11")
    assert audit_record(actor=None, action="auth.login_failed", request=mapped).ip_address == "192.0.2.11"
    assert AuditEntry.objects.filter(ip_address="192.0.2.11").exists()
    assert verify_chain().ok


@pytest.mark.parametrize("action", ["", "login", "Auth.Login", "auth.", "auth login", "a." + "x" * 70])
def test_malformed_action_codes_are_refused(db, action):
    with pytest.raises(ValueError):
        audit_record(actor=None, action=action)
    assert not AuditEntry.objects.exists()


def test_model_snapshot_is_json_safe_and_never_holds_a_password(tree):
    user = UserFactory()
    snapshot = model_snapshot(user)
    assert "password" not in snapshot
    assert snapshot["username"] == user.username
    assert snapshot["date_joined"] == user.date_joined.astimezone(dt.timezone.utc).isoformat()
    assert json.loads(canonical_json(snapshot)) == snapshot
    with pytest.raises(ValueError):
        model_snapshot(user, fields=["username", "password"])

    assignment = RoleFactory(user=user, role=Role.PROVINCE_REVIEWER, org_unit=tree["p1"])
    assert model_snapshot(assignment, fields=["user", "role", "org_unit_id"]) == {
        "user_id": user.pk,
        "role": "province_reviewer",
        "org_unit_id": tree["p1"].pk,
    }


def test_json_safe_converts_what_models_hold():
    assert json_safe({"d": dt.date(2024, 3, 20), "n": Decimal("1.50"), 3: {1, 2}, "t": (1, 2)}) == {
        "d": "2024-03-20",
        "n": "1.50",
        "3": [1, 2],
        "t": [1, 2],
    }
    assert json_safe(dt.datetime(2024, 3, 20, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3, minutes=30)))) == (
        "2024-03-20T08:30:00+00:00"
    )
    with pytest.raises(ValueError):
        json_safe(float("nan"))
    with pytest.raises(TypeError):
        json_safe(object())


# --- append-only ---------------------------------------------------------------------------------------


def test_stored_entries_cannot_be_changed_or_deleted(entries):
    entry = AuditEntry.objects.get(pk=entries[3].pk)
    entry.after = {"households": 0}
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="auth.login")
    assert AuditEntry.objects.get(pk=entry.pk).after == entries[3].after
    assert verify_chain().ok


def test_entries_are_not_created_by_plain_save(db):
    with pytest.raises(PermissionError):
        AuditEntry.objects.create(sequence=1, created_at=dt.datetime.now(dt.timezone.utc), action="auth.login")
    assert not AuditEntry.objects.exists()


def test_deleting_the_acting_user_leaves_the_chain_intact(db):
    actor = UserFactory(username="departing")
    entry = audit_record(actor=actor, action="dehyari.import", object_id="7")
    actor_pk = actor.pk
    actor.delete()
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor_id == actor_pk and stored.actor_repr.startswith("departing")
    assert verify_chain().ok


# --- tamper detection ----------------------------------------------------------------------------------


def test_editing_a_rows_after_by_raw_sql_is_caught_at_that_row(entries):
    victim = entries[5]
    raw_update(victim.pk, after=json.dumps({"households": 999}))

    report = verify_chain()
    assert not report.ok
    assert (report.sequence, report.entry_id, report.reason) == (victim.sequence, victim.pk, ChainFault.HASH_MISMATCH)
    assert report.checked == 5

    message = verify_audit_failure()
    assert f"ردیف شماره {victim.sequence} (شناسه {victim.pk})" in message
    assert "ویرایش" in message


def test_recomputing_an_edited_rows_hash_still_breaks_the_next_link(entries):
    victim, following = entries[5], entries[6]
    forged = AuditEntry.objects.get(pk=victim.pk)
    forged.after = {"households": 999}
    raw_update(victim.pk, after=json.dumps(forged.after), hash=forged.compute_hash())

    report = verify_chain()
    assert (report.ok, report.sequence, report.entry_id, report.reason) == (
        False, following.sequence, following.pk, ChainFault.BROKEN_LINK,
    )
    assert f"ردیف شماره {following.sequence} (شناسه {following.pk})" in verify_audit_failure()


def test_deleting_a_middle_row_is_reported_as_a_gap(entries):
    raw_delete(entries[4].pk)

    report = verify_chain()
    assert (report.ok, report.sequence, report.entry_id, report.reason) == (
        False, entries[5].sequence, entries[5].pk, ChainFault.SEQUENCE_GAP,
    )
    assert report.expected_sequence == entries[4].sequence
    message = verify_audit_failure()
    assert f"ردیف شماره {entries[5].sequence} (شناسه {entries[5].pk})" in message
    assert f"ردیف شماره {entries[4].sequence} نیست" in message


def test_deleting_the_first_row_is_reported_as_a_gap(entries):
    raw_delete(entries[0].pk)
    report = verify_chain()
    assert (report.ok, report.sequence, report.reason, report.checked) == (False, 2, ChainFault.SEQUENCE_GAP, 0)


def test_deleting_the_last_row_is_caught_by_the_head(entries):
    raw_delete(entries[-1].pk)

    report = verify_chain()
    assert (report.ok, report.sequence, report.entry_id, report.reason) == (
        False, entries[-1].sequence, None, ChainFault.TAIL_MISSING,
    )
    assert report.checked == len(entries) - 1
    assert f"از ردیف شماره {entries[-1].sequence} به بعد" in verify_audit_failure()


def test_deleting_every_row_is_caught_by_the_head(entries):
    for entry in entries:
        raw_delete(entry.pk)
    report = verify_chain()
    assert (report.ok, report.sequence, report.reason) == (False, 1, ChainFault.TAIL_MISSING)


def test_a_missing_head_with_entries_is_reported(entries):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quoted(AuditHead._meta.db_table)}")
    report = verify_chain()
    assert (report.ok, report.reason) == (False, ChainFault.HEAD_MISSING)
    verify_audit_failure()

    # Appending again restarts the head from the last stored entry instead of forking the chain.
    audit_record(actor=None, action="auth.login_failed")
    assert verify_chain().ok and verify_chain().checked == len(entries) + 1


def test_an_empty_chain_verifies(db):
    assert verify_chain() == verify_chain().__class__(ok=True, checked=0)
    call_command("verify_audit")


# --- concurrency ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_appenders_do_not_fork_the_chain():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("in-memory SQLite shares one cache between threads and does not honour busy_timeout")
    workers, per_worker = 6, 25
    start = threading.Barrier(workers)
    failures = []

    def append(worker):
        try:
            start.wait()
            for n in range(per_worker):
                audit_record(actor=None, action="dehyari.import", object_id=f"{worker}-{n}")
        except Exception as error:  # surfaced by the assertion below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    report = verify_chain()
    assert report.ok and report.checked == workers * per_worker
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, workers * per_worker + 1)
    )


# --- signals -------------------------------------------------------------------------------------------


def test_failed_login_is_recorded_with_the_username_but_never_the_password(db):
    UserFactory(username="kargozar")
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.7")

    assert authenticate(request, username="kargozar", password=WRONG_PASSWORD) is None

    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.actor_id is None
    assert entry.after == {"username": "kargozar"}
    assert entry.ip_address == "198.51.100.7"
    everything = canonical_json(
        [entry.actor_repr, entry.object_type, entry.object_id, entry.object_repr, entry.before, entry.after]
    )
    assert WRONG_PASSWORD not in everything and "****" not in everything
    assert verify_chain().ok


def test_force_login_and_logout_are_recorded(client, db):
    user = UserFactory()
    client.force_login(user)
    client.logout()

    login, logout = AuditEntry.objects.order_by("sequence")
    assert (login.action, login.actor_id, login.object_id) == ("auth.login", user.pk, str(user.pk))
    assert login.object_type == "accounts.user"
    assert (logout.action, logout.actor_id) == ("auth.logout", user.pk)
    assert verify_chain().ok


def test_role_grant_and_revoke_are_recorded(tree):
    granter = UserFactory()
    assignment = RoleFactory(role=Role.DEHYARI_STAFF, org_unit=tree["v1"], granted_by=granter)
    holder_id, assignment_id = assignment.user_id, assignment.pk
    expected = {"user_id": holder_id, "role": "dehyari_staff", "org_unit_id": tree["v1"].pk}

    grant = AuditEntry.objects.get(action="role.grant")
    assert grant.actor_id == granter.pk
    assert (grant.object_type, grant.object_id) == ("accounts.roleassignment", str(assignment_id))
    assert grant.before is None and grant.after == expected
    assert tree["v1"].name in grant.object_repr

    assignment.delete()
    revoke = AuditEntry.objects.get(action="role.revoke")
    assert revoke.actor_id == granter.pk
    assert revoke.object_id == str(assignment_id)
    assert revoke.before == expected and revoke.after is None
    assert verify_chain().ok


def test_role_without_granter_is_recorded_with_no_actor(tree):
    RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p2"])
    grant = AuditEntry.objects.get(action="role.grant")
    assert grant.actor_id is None and grant.actor_repr == ""


def test_role_change_records_before_and_after_and_unchanged_saves_record_nothing(tree):
    assignment = RoleFactory(role=Role.DEHYARI_STAFF, org_unit=tree["v1"])
    assignment.save()
    assert not AuditEntry.objects.filter(action="role.change").exists()

    assignment.org_unit = tree["v1b"]
    assignment.save()
    change = AuditEntry.objects.get(action="role.change")
    assert change.before["org_unit_id"] == tree["v1"].pk
    assert change.after["org_unit_id"] == tree["v1b"].pk


def test_revocation_inside_an_audit_context_names_who_revoked(tree):
    granter, revoker = UserFactory(), UserFactory()
    assignment = RoleFactory(role=Role.COUNTY_REVIEWER, org_unit=tree["c1"], granted_by=granter)
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.44")

    with audit_context(actor=revoker, request=request):
        assignment.delete()

    revoke = AuditEntry.objects.get(action="role.revoke")
    assert (revoke.actor_id, revoke.ip_address) == (revoker.pk, "192.0.2.44")


def test_deleting_a_user_revokes_their_roles_in_the_log(tree):
    assignment = RoleFactory(role=Role.DEHYARI_STAFF, org_unit=tree["v2"])
    assignment.user.delete()
    revoke = AuditEntry.objects.get(action="role.revoke")
    assert revoke.before["org_unit_id"] == tree["v2"].pk
    assert verify_chain().ok


# --- admin ---------------------------------------------------------------------------------------------


def test_admin_is_read_only(entries):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/core/auditentry/")
    request.user = superuser
    model_admin = AuditEntryAdmin(AuditEntry, AdminSite())
    entry = AuditEntry.objects.first()

    assert model_admin.has_view_permission(request, entry)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_delete_permission(request, entry)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_admin_pages_render_for_a_verified_superuser(client, entries):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=superuser, name="test", confirmed=True)
    client.force_login(superuser)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # the admin site admits only OTP-verified staff
    session.save()
    listing = client.get("/admin/core/auditentry/", {"q": "شماره 3", "action__exact": "dehyari.import"}, secure=True)
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "دهیاری شماره 3" in page and "دهیاری شماره 4" not in page
    detail = client.get(f"/admin/core/auditentry/{entries[0].pk}/change/", secure=True)
    assert detail.status_code == 200
    assert entries[0].hash in detail.content.decode()
    assert client.post(f"/admin/core/auditentry/{entries[0].pk}/delete/", secure=True).status_code == 403
