"""Public tracking-code lookup (`/track/<code>.json`) against a bare Django view, both under gunicorn.

Fills a throwaway database with a million complaint cases and their history (bulk: executemany on SQLite,
COPY on PostgreSQL), starts two gunicorn servers on free 127.0.0.1 ports with the same number of sync
workers and the same settings (the product's, DEBUG off, through `bench/tracking_settings.py`, which only
adds the bare view `/bench/bare.json` and lifts the lookup rate limit), then drives both with the same
load generator in the same run:

* max throughput: N connections as fast as they go, in rounds that measure both back to back — the
  figure is the lookup's best round as a share of the bare view's best (goal ≥ 0.7), with the ratio of
  each pair of rounds beside it to show the spread;
* alongside, the CPU time the gunicorn processes spent per request (Linux /proc): with the database on
  the same cores the throughput ratio also pays for the database's work, this figure does not;
* fixed rate: 200 requests/s scheduled open-loop (latency counted from the scheduled send time, so a
  stalled server is not hidden), p50/p99/max — goal p99 < 100 ms for the lookup.

The servers keep their database connections (CONN_MAX_AGE=600), as a deployment should.

The load generator is `wrk` for the max-throughput rounds when it is installed, else a small
thread-per-connection `http.client` generator; the fixed-rate part always uses the latter. Every loop
stops by count and by time. Requests pick existing codes at random.

    .venv/bin/python bench/tracking_lookup.py [--cases 1000000] [--workers N] [--python-load]

PostgreSQL: set SAMANEH_BENCH_DATABASE_URL to an empty throwaway database (it is filled, not emptied).
"""
import argparse
import bisect
import datetime as dt
import http.client
import io
import itertools
import json
import math
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
BARE_PATH = "/bench/bare.json"
CHUNK = 50_000
USERS = 10_000
CODE_SAMPLE = 20_000
REQUEST_TIMEOUT = 10

# (weight, final state, closed, steps after "open": (action, to_state)); an escalation adds one more line.
FLOWS = [
    (25, "submitted", False, []),
    (20, "in_review", False, [("accept", "in_review")]),
    (5, "awaiting_info", False, [("accept", "in_review"), ("request_info", "awaiting_info")]),
    (30, "answered", False, [("accept", "in_review"), ("answer", "answered")]),
    (15, "closed", True, [("accept", "in_review"), ("answer", "answered"), ("accept_answer", "closed")]),
    (5, "objected", False, [("answer", "answered"), ("object", "objected")]),
]
LABELS = {
    "open": "ثبت", "accept": "پذیرش و آغاز بررسی", "request_info": "درخواست اطلاعات تکمیلی", "answer": "پاسخ",
    "accept_answer": "پذیرش پاسخ", "object": "اعتراض به پاسخ", "escalate": "ارجاع خودکار به بالادست",
}
CASE_COLUMNS = (
    "id", "tracking_code", "service", "applicant_id", "org_unit_id", "responsible_unit_id", "state", "title",
    "priority", "deadline", "escalations", "is_closed", "created_at", "updated_at", "closed_at", "public_history",
)
EVENT_COLUMNS = ("case_id", "at", "action", "label", "from_state", "to_state", "to_unit_id", "public", "note")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--round-seconds", type=float, default=8.0)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--rate-seconds", type=float, default=15.0)
    parser.add_argument("--python-load", action="store_true", help="use the Python generator even if wrk is installed")
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- filling the database -----------------------------------------------------------------------------


def setup_django(database_url, var_dir):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.tracking_settings",
            "DATABASE_URL": database_url,
            "SAMANEH_VAR_DIR": str(var_dir),
            "SECRET_KEY": "samaneh-bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_MANIFEST": "false",
            "CONN_MAX_AGE": "600",
            "TRACKING_LOOKUPS_PER_MINUTE": str(10**9),
            "LOG_LEVEL": "ERROR",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_units():
    """A country, one province and county, four districts and twelve cities to spread cases over."""
    from samaneh.geo.models import OrgUnit

    K = OrgUnit.Kind
    country = OrgUnit.objects.create(kind=K.COUNTRY, name="ایران", code="B")
    province = OrgUnit.objects.create(kind=K.PROVINCE, name="البرز", code="B1", parent=country)
    county = OrgUnit.objects.create(kind=K.COUNTY, name="کرج", code="B101", parent=province)
    cities = []
    for d in range(4):
        district = OrgUnit.objects.create(kind=K.DISTRICT, name=f"بخش {d}", code=f"B101{d}", parent=county)
        for c in range(3):
            cities.append(OrgUnit.objects.create(kind=K.CITY, name=f"شهر {d}-{c}", code=f"B101{d}{c}", parent=district))
    units = {unit.pk: (unit.level, unit.name) for unit in OrgUnit.objects.all()}
    return county.pk, [(city.pk, city.parent_id) for city in cities], units


def make_users():
    from samaneh.accounts.models import User

    User.objects.bulk_create(
        [User(username=f"bench{n}", mobile=f"0912{n:07d}", is_citizen=True, password="!") for n in range(USERS)],
        batch_size=2000,
    )
    return list(User.objects.values_list("pk", flat=True))


def tracking_codes(count, rng):
    from samaneh.core.tracking import damm_check_digit

    return [f"{body}{damm_check_digit(str(body))}" for body in rng.sample(range(10**8, 10**9), count)]


def generate(codes, first_id, rng, county_id, cities, units, user_ids, stamp, boolean):
    """Rows for one chunk of cases and their public history, as tuples of database values."""
    cumulative = list(itertools.accumulate(f[0] for f in FLOWS))
    total_weight = cumulative[-1]
    start = dt.datetime(2024, 3, 20)  # naive UTC, the form both databases are given
    hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
    random_ = rng.random
    case_rows, event_rows = [], []
    for offset, code in enumerate(codes):
        pk = first_id + offset
        _w, state, closed, steps = FLOWS[bisect.bisect_right(cumulative, random_() * total_weight)]
        city, district = cities[int(random_() * len(cities))]
        created = start + dt.timedelta(seconds=int(random_() * 600 * 86_400))
        at = created
        events = [(pk, stamp(at), "open", LABELS["open"], "", "submitted", city, boolean(True), "")]
        previous = "submitted"
        for action, to_state in steps:
            at += hour * (2 + int(random_() * 70))
            events.append((pk, stamp(at), action, LABELS[action], previous, to_state, None, boolean(True), ""))
            previous = to_state
        escalated = not closed and random_() < 0.05
        responsible = city
        if escalated:
            at += 9 * day
            responsible = district if random_() < 0.7 else county_id
            events.append((pk, stamp(at), "escalate", LABELS["escalate"], "", "", responsible, boolean(True), ""))
        deadline = None if closed else stamp(at + 9 * day)
        case_rows.append((
            pk, code, "complaints", user_ids[int(random_() * len(user_ids))], city, responsible, state,
            "چراغ کوچه خاموش است", 2, deadline, int(escalated), boolean(closed), stamp(created), stamp(at),
            stamp(at) if closed else None, public_history(events, units),
        ))
        event_rows.extend(events)
    return case_rows, event_rows


def public_history(events, units):
    """The case's copy of its public history, as the engine writes it: [at, action, to_state, level, name]."""
    lines = []
    for _case, at, action, _label, _from, to_state, unit, _public, _note in events:
        level, name = units.get(unit, (None, None))
        lines.append([f"{str(at).removesuffix('+00')}+00:00".replace(" ", "T"), action, to_state, level, name])
    return json.dumps(lines, ensure_ascii=False)


def fill(count, rng):
    """Insert `count` cases and their history in bulk; return (sample of codes, events inserted)."""
    from django.db import connection

    county_id, cities, units = make_units()
    user_ids = make_users()
    codes = tracking_codes(count, rng)
    events_total = 0
    connection.ensure_connection()
    raw = connection.connection
    postgres = connection.vendor == "postgresql"
    if postgres:
        # The rows reference users and units made just above; skipping the per-row foreign-key triggers
        # needs a superuser (the throwaway cluster's), and without one the load is only slower.
        from psycopg.errors import InsufficientPrivilege

        with raw.cursor() as cursor:
            try:
                cursor.execute("SET session_replication_role = replica")
            except InsufficientPrivilege:
                print("note: not a superuser, so foreign keys are checked row by row (slower load)")

        def stamp(value):
            return f"{value}+00"

        def boolean(value):
            return "t" if value else "f"
    else:
        # A throwaway file: no fsync, and room to keep the indexes being filled in memory.
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-500000")
        stamp = str

        def boolean(value):
            return int(value)

    # Secondary indexes are rebuilt once after the load: far cheaper than keeping them up to date row by row.
    rebuild = drop_secondary_indexes(connection, ("cases_case", "cases_caseevent"))
    for start in range(0, count, CHUNK):
        cases, events = generate(
            codes[start:start + CHUNK], start + 1, rng, county_id, cities, units, user_ids, stamp, boolean
        )
        events_total += len(events)
        if postgres:
            copy_rows(raw, "cases_case", CASE_COLUMNS, cases)
            copy_rows(raw, "cases_caseevent", EVENT_COLUMNS, events)
        else:
            raw.execute("BEGIN")
            raw.executemany(insert_sql("cases_case", CASE_COLUMNS), cases)
            raw.executemany(insert_sql("cases_caseevent", EVENT_COLUMNS), events)
            raw.execute("COMMIT")
    with connection.cursor() as cursor:
        for statement in rebuild:
            cursor.execute(statement)
        if postgres:
            cursor.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [count])
            cursor.execute("VACUUM ANALYZE cases_case")
            cursor.execute("VACUUM ANALYZE cases_caseevent")
        else:
            cursor.execute("ANALYZE")
    return rng.sample(codes, min(CODE_SAMPLE, count)), events_total


def drop_secondary_indexes(connection, tables):
    """Drop the tables' indexes that no constraint needs; return the statements that recreate them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                [list(tables)],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (%s)"
                % ", ".join("%s" for _t in tables),
                list(tables),
            )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in indexes]


def insert_sql(table, columns):
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _c in columns)})"


def copy_rows(raw, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if value is None else str(value) for value in row))
        buffer.write("\n")
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
    raw.commit()


# --- servers ------------------------------------------------------------------------------------------


def start_gunicorn(port, workers, log):
    command = [
        str(GUNICORN), "samaneh.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "sync", "--chdir", str(ROOT), "--log-level", "warning", "--timeout", "60",
    ]
    return subprocess.Popen(command, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_serving(port, path, process, limit=60.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} exited with {process.returncode}")
        try:
            if get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not answer within {limit:.0f} s")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


# --- load generators ----------------------------------------------------------------------------------


def python_closed_loop(port, paths, connections, seconds):
    """Each thread sends requests one after another on its connection until time is up."""
    stop_at = time.perf_counter() + seconds
    max_per_thread = int(seconds * 20_000)  # a bound far above anything reachable, so the loop also ends by count
    ok = [0] * connections
    errors = [0] * connections

    def run(slot):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        index = slot * 7919
        for _n in range(max_per_thread):
            if time.perf_counter() >= stop_at:
                break
            index += 1
            try:
                connection.request("GET", paths[index % len(paths)])
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    ok[slot] += 1
                else:
                    errors[slot] += 1
            except (OSError, http.client.HTTPException):
                errors[slot] += 1
                connection.close()
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 2 * REQUEST_TIMEOUT)
    elapsed = time.perf_counter() - started
    return sum(ok) / elapsed, sum(errors), sum(ok) + sum(errors)


def wrk_closed_loop(port, paths, connections, seconds, workdir):
    script = Path(workdir) / "paths.lua"
    listed = ",\n".join(f'"{p}"' for p in paths)
    script.write_text(
        f"local paths = {{\n{listed}\n}}\nlocal i = math.random(#paths)\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n"
    )
    threads = max(1, min(connections, os.cpu_count() or 1))
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", f"{REQUEST_TIMEOUT}s",
         "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", result.stdout)
    timeouts = re.search(r"timeout (\d+)", result.stdout)
    sent = int(re.search(r"(\d+) requests in", result.stdout).group(1))
    return rate, (int(bad.group(1)) if bad else 0) + (int(timeouts.group(1)) if timeouts else 0), sent


def fixed_rate(port, paths, rate, seconds, threads=32):
    """Open loop: request i is due at start + i/rate; its latency runs from when it was due."""
    total = int(rate * seconds)
    start = time.perf_counter() + 0.5
    hard_stop = start + seconds + 3 * REQUEST_TIMEOUT
    lock = threading.Lock()
    counter = iter(range(total))
    latencies, errors = [], []

    def run(slot):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        while True:
            with lock:
                index = next(counter, None)
            if index is None or time.perf_counter() > hard_stop:
                break
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                connection.request("GET", paths[(index * 7919) % len(paths)])
                response = connection.getresponse()
                response.read()
                finished = time.perf_counter()
                (latencies if response.status == 200 else errors).append(finished - due)
            except (OSError, http.client.HTTPException):
                errors.append(None)
                connection.close()
        connection.close()

    workers = [threading.Thread(target=run, args=(slot,)) for slot in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(max(0.0, hard_stop - time.perf_counter()) + REQUEST_TIMEOUT)
    latencies.sort()
    return latencies, len(errors)


def server_cpu_seconds(master_pid):
    """CPU time used so far by a gunicorn master and its workers (Linux /proc), or None elsewhere."""
    if not Path("/proc").is_dir():
        return None
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(entry.name) == master_pid or int(fields[1]) == master_pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def percentile(sorted_values, share):
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


# --- main ---------------------------------------------------------------------------------------------


def main():
    args = parse_args()
    if args.cases < 1:
        sys.exit("--cases must be at least 1")
    use_wrk = bool(shutil.which("wrk")) and not args.python_load
    rng = random.Random(1404)
    with tempfile.TemporaryDirectory(prefix="samaneh-bench-") as tmp:
        database_url = os.environ.get("SAMANEH_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/tracking.sqlite3"
        setup_django(database_url, tmp)
        from django.db import connection

        vendor = connection.vendor
        started = time.perf_counter()
        codes, events = fill(args.cases, rng)
        fill_seconds = time.perf_counter() - started
        from samaneh.cases.models import Case

        stored = Case.objects.count()
        connection.close()

        track_paths = [f"/track/{code}.json" for code in codes]
        bare_paths = [BARE_PATH]
        log_path = Path(tmp) / "gunicorn.log"
        servers = {}
        with open(log_path, "w") as log:
            try:
                for name in ("bare", "track"):
                    port = free_port()
                    servers[name] = (port, start_gunicorn(port, args.workers, log))
                for name, (port, process) in servers.items():
                    wait_until_serving(port, BARE_PATH, process)
                status, body = get(servers["track"][0], track_paths[0])
                if status != 200 or codes[0].encode() not in body:
                    raise RuntimeError(f"the tracking lookup answered {status}: {body[:200]!r}")

                targets = {"bare": bare_paths, "track": track_paths}
                for name, paths in targets.items():  # warm both: imports, connections, caches
                    python_closed_loop(servers[name][0], paths, args.connections, 2.0)

                throughput = {"bare": [], "track": []}
                failed = {"bare": 0, "track": 0}
                cpu = {"bare": [0.0, 0], "track": [0.0, 0]}  # server CPU seconds, requests
                for round_number in range(args.rounds):
                    # Each round measures both, back to back, in alternating order so drift favours neither.
                    order = ("bare", "track") if round_number % 2 == 0 else ("track", "bare")
                    for name in order:
                        paths, (port, process) = targets[name], servers[name]
                        cpu_before = server_cpu_seconds(process.pid)
                        if use_wrk:
                            rate, bad, sent = wrk_closed_loop(port, paths, args.connections, args.round_seconds, tmp)
                        else:
                            rate, bad, sent = python_closed_loop(port, paths, args.connections, args.round_seconds)
                        if cpu_before is not None:
                            cpu[name][0] += server_cpu_seconds(process.pid) - cpu_before
                            cpu[name][1] += sent
                        throughput[name].append(rate)
                        failed[name] += bad

                latency = {}
                for name, paths in targets.items():
                    latency[name] = fixed_rate(servers[name][0], paths, args.rate, args.rate_seconds)
            finally:
                for _port, process in servers.values():
                    stop(process)

        # Other work on the machine only ever takes throughput away, so the best round is the least
        # disturbed one (as timeit keeps the fastest run); the paired rounds' ratios show the spread.
        bare, track = max(throughput["bare"]), max(throughput["track"])
        paired = sorted(t / b for t, b in zip(throughput["track"], throughput["bare"]))
        database = "PostgreSQL" if vendor == "postgresql" else "SQLite file (WAL)"
        print(f"database: {database}, {stored:,} cases and {events:,} history lines, filled in {fill_seconds:.1f} s")
        print(f"servers: gunicorn, {args.workers} sync workers each, 127.0.0.1; product settings, DEBUG off; "
              f"{os.cpu_count()} CPUs shared with the load generator")
        generator = "wrk" if use_wrk else "Python http.client threads"
        print(f"max throughput ({generator}, {args.connections} connections, best of {args.rounds} paired rounds of "
              f"{args.round_seconds:.0f} s):")
        print(f"  bare Django view     {bare:8.0f} req/s   rounds {', '.join(f'{r:.0f}' for r in throughput['bare'])}"
              f"   errors {failed['bare']}")
        print(f"  tracking lookup      {track:8.0f} req/s   rounds {', '.join(f'{r:.0f}' for r in throughput['track'])}"
              f"   errors {failed['track']}")
        print(f"  ratio lookup / bare  {track / bare:8.2f}   (goal ≥ 0.7); paired rounds "
              f"{', '.join(f'{r:.2f}' for r in paired)}, median {statistics.median(paired):.2f}")
        if cpu["bare"][1] and cpu["track"][1]:
            bare_cpu, track_cpu = (cpu[n][0] / cpu[n][1] * 1000 for n in ("bare", "track"))
            print(f"  gunicorn CPU per request: bare {bare_cpu:.3f} ms, lookup {track_cpu:.3f} ms, ratio "
                  f"{bare_cpu / track_cpu:.2f} (the throughput share an app server of its own would reach; the "
                  f"database's own CPU is not in it)")
        print(f"fixed rate {args.rate} req/s for {args.rate_seconds:.0f} s (open loop, Python http.client threads):")
        for name, label in (("bare", "bare Django view"), ("track", "tracking lookup")):
            values, bad = latency[name]
            if not values:
                print(f"  {label:20s} no successful requests, errors {bad}")
                continue
            p50, p99 = percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000
            print(f"  {label:20s} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   max {values[-1] * 1000:6.1f} ms"
                  f"   n {len(values)}   errors {bad}")
        p99 = percentile(latency["track"][0], 0.99) * 1000 if latency["track"][0] else float("nan")
        print(f"  lookup p99 {p99:.1f} ms (goal < 100 ms)")


if __name__ == "__main__":
    main()
