"""The facility-location model on cases small enough to solve by hand, the OR-Library reader and the command."""
import itertools
import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samaneh.services.landfills.planning import orlib
from samaneh.services.landfills.planning.solver import (
    FORCED_CLOSED, FORCED_OPEN, PlanningError, Problem, heuristic, solve,
)

ORLIB_DIR = Path(__file__).resolve().parents[5].parent / "shared" / "bench-data" / "orlib-cap"

# Two facilities A (cheap to open, far) and B (dear, near), three villages of 4, 4 and 2 tonnes.
# cost[i][j] is the cost of serving all of village j from facility i.
SPLIT_CASE = dict(
    fixed_cost=[10, 30],
    capacity=[6, 100],
    demand=[4, 4, 2],
    cost=[[8, 8, 4], [2, 2, 1]],
)


def brute_force_single_source(problem):
    best = None
    for choice in itertools.product(range(problem.m), repeat=problem.n):
        load = np.zeros(problem.m)
        for j, i in enumerate(choice):
            load[i] += problem.demand[j]
        if (load > problem.capacity + 1e-9).any() or any(not np.isfinite(problem.cost[i, j]) for j, i in enumerate(choice)):
            continue
        opened = sorted(set(choice))
        value = sum(problem.fixed_cost[i] for i in opened) + sum(problem.cost[i, j] for j, i in enumerate(choice))
        if best is None or value < best[0]:
            best = (value, opened)
    return best


def test_split_assignment_hand_solved():
    # Only B: 30 + 5 = 35. Only A: capacity 6 < 10, impossible. Both: 40 + 5 = 45. Optimum: B alone.
    solution = solve(Problem(**SPLIT_CASE))
    assert solution.optimal
    assert solution.objective == pytest.approx(35)
    assert solution.open_facilities == [1]
    assert all(served == [(1, 1.0)] for served in solution.assignment)


def test_split_beats_single_source_when_a_village_must_be_divided():
    # A: cap 5, fixed 0; B: cap 5, fixed 0; C: cap 10, fixed 100. Villages of 6 and 4 tonnes.
    # Split: A and B share the 6-tonne village (A takes 5, B takes 1 ... ) at transport cost 10 per village.
    # Single-source: the 6-tonne village fits nowhere but C, so C (100) must open.
    case = dict(fixed_cost=[0, 0, 100], capacity=[5, 5, 10], demand=[6, 4],
                cost=[[10, 10], [10, 10], [10, 10]])
    split = solve(Problem(**case))
    single = solve(Problem(**case, single_source=True))
    assert split.objective == pytest.approx(20)
    assert 2 not in split.open_facilities
    village_one = dict(split.assignment[0])
    assert len(village_one) == 2 and sum(village_one.values()) == pytest.approx(1)
    assert single.objective == pytest.approx(120)
    assert 2 in single.open_facilities
    assert all(len(served) == 1 for served in single.assignment)
    assert single.optimal and split.optimal


def test_single_source_matches_brute_force_on_a_small_random_case():
    rng = np.random.default_rng(7)
    problem = Problem(fixed_cost=rng.integers(20, 80, 4), capacity=rng.integers(8, 16, 4),
                      demand=rng.integers(1, 6, 6), cost=rng.integers(1, 30, (4, 6)), single_source=True)
    solution = solve(problem)
    value, _opened = brute_force_single_source(problem)
    assert solution.optimal
    assert solution.objective == pytest.approx(value)


def test_forced_open_and_forced_closed_are_obeyed():
    forced_open = solve(Problem(**SPLIT_CASE, forced={0: FORCED_OPEN}))
    assert 0 in forced_open.open_facilities
    assert forced_open.objective == pytest.approx(45)  # A forced open still serves nothing cheaper than B
    case = dict(fixed_cost=[10, 30, 5], capacity=[100, 100, 100], demand=[4, 4, 2],
                cost=[[8, 8, 4], [2, 2, 1], [1, 1, 1]])
    assert solve(Problem(**case)).open_facilities == [2]
    closed = solve(Problem(**case, forced={2: FORCED_CLOSED}))
    assert 2 not in closed.open_facilities
    assert closed.objective == pytest.approx(min(10 + 20, 30 + 5))


def test_forbidden_pairs_are_never_used():
    # Village 0 may only go to A (B is beyond the haul limit), even though B is far cheaper.
    case = dict(fixed_cost=[10, 10], capacity=[100, 100], demand=[1, 1],
                cost=[[50, 50], [np.inf, 1]])
    solution = solve(Problem(**case))
    assert solution.assignment[0] == [(0, 1.0)]
    assert solution.objective == pytest.approx(10 + 50 + 10 + 1)


def test_capacity_shortfall_is_named_in_persian_tonnes():
    case = dict(fixed_cost=[1, 1], capacity=[3, 4], demand=[5, 4], cost=[[1, 1], [1, 1]])
    with pytest.raises(PlanningError) as caught:
        solve(Problem(**case))
    message = str(caught.value)
    assert "کمبود ظرفیت" in message and "۲" in message and "تن" in message
    # A forced-closed facility's capacity does not count.
    case = dict(fixed_cost=[1, 1], capacity=[10, 4], demand=[5, 4], cost=[[1, 1], [1, 1]])
    with pytest.raises(PlanningError, match="۵"):
        solve(Problem(**case, forced={0: FORCED_CLOSED}))


def test_village_with_no_allowed_site_is_named():
    case = dict(fixed_cost=[1, 1], capacity=[10, 10], demand=[1, 1], cost=[[1, np.inf], [1, np.nan]],
                customer_names=["کلاته", "درکه"])
    with pytest.raises(PlanningError) as caught:
        solve(Problem(**case))
    assert "درکه" in str(caught.value) and "کلاته" not in str(caught.value)


def test_single_source_village_larger_than_every_site_is_refused():
    case = dict(fixed_cost=[1, 1], capacity=[5, 5], demand=[6, 1], cost=[[1, 1], [1, 1]],
                customer_names=["کن", "سولقان"], single_source=True)
    with pytest.raises(PlanningError, match="کن"):
        solve(Problem(**case))


def test_solver_infeasibility_found_only_by_the_mip_is_persian():
    # Total capacity is enough and every village has a site, but village 0 (5 t) may use only site A (4 t).
    case = dict(fixed_cost=[1, 1], capacity=[4, 10], demand=[5, 1], cost=[[1, 1], [np.inf, 1]])
    with pytest.raises(PlanningError) as caught:
        solve(Problem(**case))
    assert "شدنی" in str(caught.value)
    assert "HiGHS" not in str(caught.value) and "Traceback" not in str(caught.value)


def test_heuristic_gives_a_feasible_first_answer():
    problem = Problem(**SPLIT_CASE)
    open_mask, x, total = heuristic(problem)
    assert np.allclose(x.sum(axis=0), 1)
    assert ((x * problem.demand).sum(axis=1) <= problem.capacity * open_mask + 1e-9).all()
    assert total >= 35


TINY = """ 2 3
 6 10.
 capacity 30.
 4
 8 2
 4
 8 2
 2
 4 1
"""


def test_reader_parses_tokens_and_fills_capacity():
    problem = orlib.parse(TINY, capacity=100)
    assert problem.m == 2 and problem.n == 3
    assert list(problem.capacity) == [6, 100]
    assert list(problem.fixed_cost) == [10, 30]
    assert list(problem.demand) == [4, 4, 2]
    assert problem.cost.tolist() == [[8, 8, 4], [2, 2, 1]]
    assert solve(problem).objective == pytest.approx(35)


def test_reader_refuses_missing_capacity_and_short_files():
    with pytest.raises(orlib.OrlibFormatError, match="--capacity"):
        orlib.parse(TINY)
    with pytest.raises(orlib.OrlibFormatError, match="need"):
        orlib.parse(TINY.rsplit("\n", 2)[0], capacity=1)


@pytest.mark.skipif(not (ORLIB_DIR / "cap41.txt").exists(), reason="OR-Library data not present")
def test_command_reaches_the_cap41_optimum():
    out = StringIO()
    call_command("landfills_solve", "--orlib", str(ORLIB_DIR / "cap41.txt"), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert abs(answer["objective"] - 1040444.375) / 1040444.375 <= 1e-6
    assert answer["optimal"] is True
    assert answer["open_facilities"] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14]
    assert answer["seconds"] > 0


@pytest.mark.skipif(not (ORLIB_DIR / "cap92.txt").exists(), reason="OR-Library data not present")
def test_command_single_source_reaches_its_own_optimum():
    out = StringIO()
    call_command("landfills_solve", "--orlib", str(ORLIB_DIR / "cap92.txt"), "--single-source", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["objective"] == pytest.approx(858109.32, abs=0.01)  # optima_single_source.csv
    assert answer["objective"] > 855733.5  # the split optimum is lower


def test_command_refuses_a_missing_file_and_a_missing_capacity(tmp_path):
    with pytest.raises(CommandError, match="پیدا نشد"):
        call_command("landfills_solve", "--orlib", str(tmp_path / "nope.txt"))
    path = tmp_path / "tiny.txt"
    path.write_text(TINY)
    with pytest.raises(CommandError, match="--capacity"):
        call_command("landfills_solve", "--orlib", str(path))
