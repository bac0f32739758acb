"""Figure: the landfill consolidation solver on Beasley's OR-Library capacitated warehouse set, next to the
same model in PuLP + CBC, both in this run.

Run from the repository root: `python bench/landfills.py [--data DIR] [--only cap41,capa:8000]
[--pulp-time-limit 300] [--time-limit S]`.

Instances: every file in ../shared/bench-data/orlib-cap/ listed in its optima.csv (cap41…cap134 and
capa/capb/capc at each of their four capacities: 49 problems), multi-source (splittable) variant.
Ours: `samaneh.services.landfills.planning.solver.solve` — what `manage.py landfills_solve` and the planner run
(Lagrangian bounds that find plans and prove them, or a branch and bound over the facilities with the
Lagrangian bound at every node). Its time is everything from reading the arrays to the answer.
Peer: the same strong formulation (x_ij ≤ y_i rows, aggregate capacity row, y binary, x in [0,1]) written
with PuLP and solved by its bundled CBC; its time is model building plus `prob.solve`, since building is
part of what a PuLP user pays. CBC runs with `--pulp-time-limit` seconds per instance (default 300); an
instance that passes it is marked and its objective is CBC's best at that moment (the ratio then
understates our lead). CBC does not look at the limit during its root LP: on capa it returned after
~1,000 s with a 300 s cap, so one PuLP+CBC run over all twelve large problems takes hours; `--pulp-on`
picks the problems CBC runs on (ours runs on all, the ratio counts only those both ran).
Printed per instance: our objective, seconds, proved-optimal flag; PuLP objective, seconds, status; the
known optimum and whether each side matched it (relative gap ≤ 1e-6, as check_optimum.py). Then the
totals and the ratio PuLP time / our time. Goal: the optimum everywhere and ≥ 10× in total.
"""
import argparse
import csv
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pulp  # noqa: E402

from samaneh.services.landfills.planning import orlib  # noqa: E402
from samaneh.services.landfills.planning.solver import solve  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "bench-data" / "orlib-cap"
REL_TOL = 1e-6


def pulp_solve(problem, time_limit):
    started = time.perf_counter()
    m, n = problem.m, problem.n
    prob = pulp.LpProblem("cflp", pulp.LpMinimize)
    y = [pulp.LpVariable(f"y{i}", cat="Binary") for i in range(m)]
    pairs = [(i, j) for i in range(m) for j in range(n) if np.isfinite(problem.cost[i, j])]
    x = {(i, j): pulp.LpVariable(f"x{i}_{j}", lowBound=0, upBound=1) for i, j in pairs}
    prob += pulp.lpSum(problem.fixed_cost[i] * y[i] for i in range(m)) + pulp.lpSum(
        problem.cost[i, j] * x[i, j] for i, j in pairs)
    by_customer = [[] for _ in range(n)]
    by_facility = [[] for _ in range(m)]
    for i, j in pairs:
        by_customer[j].append(x[i, j])
        by_facility[i].append(problem.demand[j] * x[i, j])
    for j in range(n):
        prob += pulp.lpSum(by_customer[j]) == 1
    for i in range(m):
        prob += pulp.lpSum(by_facility[i]) <= problem.capacity[i] * y[i]
    for i, j in pairs:
        prob += x[i, j] <= y[i]
    prob += pulp.lpSum(problem.capacity[i] * y[i] for i in range(m)) >= float(problem.demand.sum())
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=1e-9, threads=1)
    prob.solve(solver)
    seconds = time.perf_counter() - started
    hit_limit = seconds >= time_limit
    value = pulp.value(prob.objective)
    return value, seconds, pulp.LpStatus[prob.status], hit_limit


def instances(data_dir, only):
    with open(data_dir / "optima.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        label = f"{row['instance']}:{row['capacity']}" if row["capacity"] else row["instance"]
        if only and label not in only and row["instance"] not in only:
            continue
        yield label, row["instance"], (float(row["capacity"]) if row["capacity"] else None), float(row["optimum"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", default="", help="comma-separated instances, e.g. cap41,capa:8000 or capb")
    parser.add_argument("--pulp-time-limit", type=float, default=300.0)
    parser.add_argument("--time-limit", type=float, default=None, help="cap on our solver too (none by default)")
    parser.add_argument("--threads", type=int, default=1, help="HiGHS threads (1 = same as CBC)")
    parser.add_argument("--pulp-on", default="", help="run PuLP+CBC only on these (same syntax as --only); "
                        "the others print ours alone and stay out of the ratio")
    args = parser.parse_args()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    pulp_on = {s.strip() for s in args.pulp_on.split(",") if s.strip()}
    print(f"# machine: {os.cpu_count()} CPUs; HiGHS threads={args.threads}, CBC threads=1; "
          f"CBC capped at {args.pulp_time_limit:g} s per instance (marked *)")
    header = f"{'instance':<12} {'ours':>16} {'s':>8} {'opt?':>5} {'pulp+cbc':>16} {'s':>8} {'status':>11} " \
             f"{'known optimum':>16} {'ours=':>6} {'cbc=':>5}"
    print(header)
    totals = {"ours": 0.0, "ours_compared": 0.0, "pulp": 0.0}
    matched = {"ours": 0, "pulp": 0}
    count = compared = capped = 0
    for label, name, capacity, optimum in instances(args.data, only):
        problem = orlib.read(args.data / f"{name}.txt", capacity=capacity)
        ours = solve(problem, time_limit=args.time_limit, threads=args.threads)
        ours_ok = abs(ours.objective - optimum) / optimum <= REL_TOL
        totals["ours"] += ours.seconds
        matched["ours"] += ours_ok
        count += 1
        line = f"{label:<12} {ours.objective:16.3f} {ours.seconds:8.2f} {'yes' if ours.optimal else 'no':>5} "
        if pulp_on and label not in pulp_on and name not in pulp_on:
            print(f"{line}{'(not run)':>16} {'':>8} {'':>11} {optimum:16.3f} {'yes' if ours_ok else 'NO':>6}",
                  flush=True)
            continue
        value, pulp_seconds, status, hit_limit = pulp_solve(problem, args.pulp_time_limit)
        pulp_ok = value is not None and abs(value - optimum) / optimum <= REL_TOL
        totals["ours_compared"] += ours.seconds
        totals["pulp"] += pulp_seconds
        matched["pulp"] += pulp_ok
        compared += 1
        capped += hit_limit
        pulp_value = f"{value:16.3f}" if value is not None else f"{'-':>16}"
        print(f"{line}{pulp_value} {pulp_seconds:8.2f}{'*' if hit_limit else ' '}{status:>11} {optimum:16.3f} "
              f"{'yes' if ours_ok else 'NO':>6} {'yes' if pulp_ok else 'no':>5}", flush=True)
    if not count:
        print("no instance matched --only")
        return 1
    print(f"\ninstances: {count}; known optimum reached: ours {matched['ours']}/{count} in {totals['ours']:.2f} s; "
          f"PuLP+CBC ran on {compared} and reached it on {matched['pulp']}; CBC passed its time cap on {capped}")
    if compared:
        ratio = totals["pulp"] / totals["ours_compared"] if totals["ours_compared"] else float("inf")
        print(f"on the {compared} both solved: ours {totals['ours_compared']:.2f} s, PuLP+CBC {totals['pulp']:.2f} s "
              f"-> PuLP+CBC / ours = {ratio:.1f}x (goal >= 10x{'; a lower bound, CBC was capped' if capped else ''})")
    return 0 if matched["ours"] == count else 1


if __name__ == "__main__":
    sys.exit(main())
