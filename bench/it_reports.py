"""Figure: the IT supervisory and heterogeneity reports for 100 and for 1,000 municipality profiles.

Run from the repository root: `python bench/it_reports.py [--repeats 3]`.

Setup (timed and printed, not the figure): a fresh throwaway database — a SQLite file in a temporary
SAMANEH_VAR_DIR, or PostgreSQL when SAMANEH_BENCH_DATABASE_URL or DATABASE_URL is set (it must be empty) —
migrated; the demo catalogue; two synthetic provinces, one with 100 and one with 1,000 municipalities spread
over 16 counties, each municipality with approved profiles for two Jalali years written by the demo's bulk
generator (software in every domain it runs, all 44 controls answered, scores computed).

Measured: each report page rendered whole through Django's test client (view, scope, report queries,
template) as a province reviewer — best of `--repeats` after a warm-up — with its SQL query count
(CaptureQueriesContext). The limits, checked in the same run: the query count at 1,000 equals the count at
100, and the time at 1,000 is within 12× the time at 100 (ten times the profiles).
"""
import argparse
import random
import sys
import time

from _throwaway import throwaway_django  # bench/ is on sys.path when run as a script

SIZES = (100, 1000)
TIME_LIMIT = 12.0
COUNTIES = ["تهران", "ری", "شمیرانات", "اسلامشهر", "شهریار", "ورامین", "پاکدشت", "دماوند", "فیروزکوه",
            "رباط کریم", "بهارستان", "ملارد", "قدس", "پیشوا", "قرچک", "پردیس"]


def _say(text):
    print(text, flush=True)


def _province(name, municipalities, country):
    from samaneh.geo.models import Administration, OrgUnit

    K = OrgUnit.Kind
    province = OrgUnit.objects.create(kind=K.PROVINCE, name=name, parent=country, code=name)
    districts = []
    for i, county_name in enumerate(COUNTIES):
        county = OrgUnit.objects.create(kind=K.COUNTY, name=county_name, parent=province, code=f"{name}-{i}")
        districts.append(OrgUnit.objects.create(kind=K.DISTRICT, name=f"مرکزی {county_name}", parent=county,
                                                code=f"{name}-{i}-d"))
    admins = []
    for i in range(municipalities):
        city = OrgUnit.objects.create(kind=K.CITY, name=f"شهر {i}", parent=districts[i % len(districts)],
                                      code=f"{name}-c{i}")
        admins.append(Administration(kind="municipality", org_unit=city, name=f"شهرداری {name} {i}"))
    return province, Administration.objects.bulk_create(admins)


def _measure(client, url, params, repeats):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm-up: templates compiled, caches filled
    best, queries = None, None
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, params)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        best = elapsed if best is None else min(best, elapsed)
        queries = len(ctx.captured_queries)
    return best, queries, len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with throwaway_django():
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import reverse

        from samaneh.accounts.models import RoleAssignment
        from samaneh.accounts.roles import Role
        from samaneh.geo.models import OrgUnit
        from samaneh.itgov import demo
        from tests.factories import UserFactory

        setup_test_environment()
        if OrgUnit.objects.exists():
            sys.exit("The bench database already holds units; give it an empty, throwaway database.")
        _say(f"database: {connection.vendor}")
        started = time.perf_counter()
        demo.create_demo_catalogue()
        country = OrgUnit.objects.create(kind=OrgUnit.Kind.COUNTRY, name="ایران", code="IR")
        catalogue = demo._Catalogue()
        user = UserFactory()
        years = [1403, 1404]
        provinces = {}
        for size in SIZES:
            province, admins = _province(f"استان {size}", size, country)
            demo.profiles_bulk_create(admins, years, user=user, rng=random.Random(size), catalogue=catalogue)
            provinces[size] = province
            RoleAssignment.objects.create(user=user, role=Role.PROVINCE_REVIEWER, org_unit=province)
        _say(f"setup: {time.perf_counter() - started:.1f} s ({sum(SIZES)} municipalities × {len(years)} years)")

        client = Client()
        client.force_login(user)
        results = {}
        for name in ("supervisory", "heterogeneity"):
            for size in SIZES:
                params = {"unit": provinces[size].pk, "year": years[-1], "date": "1404/12/29"}
                results[(name, size)] = _measure(client, reverse(f"itgov:{name}"), params, args.repeats)
        ok = True
        _say(f"{'report':<15}{'profiles':>9}{'time (ms)':>12}{'queries':>9}{'page (kB)':>11}")
        for (name, size), (elapsed, queries, length) in results.items():
            _say(f"{name:<15}{size:>9}{elapsed * 1000:>12.1f}{queries:>9}{length / 1024:>11.0f}")
        for name in ("supervisory", "heterogeneity"):
            small, large = results[(name, SIZES[0])], results[(name, SIZES[1])]
            ratio = large[0] / small[0]
            same = small[1] == large[1]
            ok &= same and ratio <= TIME_LIMIT
            _say(f"{name}: time ×{ratio:.1f} for ×10 profiles (limit ×{TIME_LIMIT:g}) — "
                 f"queries {small[1]} → {large[1]} ({'constant' if same else 'GROWS'})")
        _say("PASS" if ok else "FAIL")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
