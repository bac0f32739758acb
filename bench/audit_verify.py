"""Audit chain verification: `verify_chain()` against bare SHA-256 over the same bytes.

Appends N entries (default 20,000) through `audit_record` to a fresh SQLite database, then times
`verify_chain()` (stream rows, rebuild each canonical payload, hash, compare links) and, as the peer, a loop
of `hashlib.sha256` over those very payload bytes already in memory. The ratio is what reading and
re-serialising costs on top of the hashing itself. Best of three runs each.

    .venv/bin/python bench/audit_verify.py [N]
"""
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3


def best_of(runs, work):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - started)
    return min(timings), result


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["SAMANEH_VAR_DIR"] = tmp
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samaneh.settings_test")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import transaction

        from samaneh.core.audit import audit_record, verify_chain
        from samaneh.core.models import AuditEntry, chain_payload

        call_command("migrate", verbosity=0)

        started = time.perf_counter()
        with transaction.atomic():
            for n in range(count):
                audit_record(
                    actor=None,
                    action="dehyari.import",
                    object_type="geo.administration",
                    object_id=str(n),
                    object_repr=f"دهیاری روستای شماره {n}",
                    before={"households": n, "name": "کلاک بالا"},
                    after={"households": n + 3, "name": "کلاک بالا", "established": "2024-03-20"},
                )
        append_seconds = time.perf_counter() - started

        fields = (
            "sequence", "created_at", "actor_id", "actor_repr", "action", "object_type", "object_id",
            "object_repr", "before", "after", "ip_address", "prev_hash",
        )
        payloads = [
            chain_payload(**dict(zip(fields, row)))
            for row in AuditEntry.objects.order_by("sequence").values_list(*fields).iterator(chunk_size=2000)
        ]

        verify_seconds, report = best_of(RUNS, verify_chain)
        assert report.ok and report.checked == count, report
        hash_seconds, _ = best_of(RUNS, lambda: [hashlib.sha256(p).hexdigest() for p in payloads])

    megabytes = sum(map(len, payloads)) / 1e6
    print(f"append via audit_record: {count} entries in {append_seconds:.2f} s ({count / append_seconds:,.0f}/s)")
    print(f"verify_chain():          {count} entries in {verify_seconds:.3f} s ({count / verify_seconds:,.0f}/s)")
    print(f"peer, sha256 alone:      {count} payloads, {megabytes:.1f} MB, in {hash_seconds:.3f} s")
    print(f"ratio verify_chain / sha256: {verify_seconds / hash_seconds:.1f}x")


if __name__ == "__main__":
    main()
