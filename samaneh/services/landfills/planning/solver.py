"""Capacitated facility location: which facilities to open and who is served by which.

Pure Python + numpy + HiGHS (`highspy`), no Django, so the OR-Library command, the bench and the
planner's Celery task all solve the very same model:

    minimise   Σ_i f_i y_i + Σ_ij c_ij x_ij
    subject to Σ_i x_ij = 1                      every customer fully served
               Σ_j d_j x_ij ≤ s_i y_i            capacity, only when open
               x_ij ≤ y_i                        the strong linking rows (tight LP bound)
               Σ_i s_i y_i ≥ Σ_j d_j             aggregate capacity (a valid cut that helps the bound)
               y_i ∈ {0,1}, x_ij ∈ [0,1] (split) or {0,1} (single source)

`c_ij` is the cost of serving ALL of customer j from facility i (OR-Library's convention; for the planner
it is distance × cost per tonne-km × tonnes). A pair whose cost is not finite is forbidden: it has no
variable at all. Facilities may be forced open (lower bound 1) or forced closed (upper bound 0).

`solve` first runs Lagrangian bounds (`lagrange.py`): its subgradient steps also turn the relaxation's open
facilities into feasible plans, the first of which is the quick answer. When the bound meets the best plan
the plan is proved optimal there; otherwise a split problem goes to `lagrange.search`, a branch and bound
over the facilities with the Lagrangian bound at every node. Single-source problems take their quick answer
from the greedy drop heuristic below (the Lagrangian plans are split ones), fix what the bound decides and
leave the rest to HiGHS on the strong model, keeping the better of its answer and the best plan — as does a
split problem for which no plan was found (HiGHS then proves it infeasible or finds one).
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import highspy
import numpy as np

from samaneh.core.text import to_persian_digits

FORCED_OPEN = "open"
FORCED_CLOSED = "closed"
_TOL = 1e-9


class PlanningError(ValueError):
    """A problem that cannot be solved as posed; the message is Persian and meant for the planner."""


@dataclass
class Problem:
    fixed_cost: np.ndarray  # (m,)
    capacity: np.ndarray  # (m,)
    demand: np.ndarray  # (n,)
    cost: np.ndarray  # (m, n) cost of serving all of customer j from i; inf/nan = forbidden
    facility_names: Sequence[str] | None = None
    customer_names: Sequence[str] | None = None
    forced: dict[int, str] = field(default_factory=dict)  # facility index -> FORCED_OPEN / FORCED_CLOSED
    single_source: bool = False

    def __post_init__(self):
        self.fixed_cost = np.asarray(self.fixed_cost, dtype=float)
        self.capacity = np.asarray(self.capacity, dtype=float)
        self.demand = np.asarray(self.demand, dtype=float)
        self.cost = np.array(self.cost, dtype=float)
        m, n = len(self.fixed_cost), len(self.demand)
        if self.capacity.shape != (m,) or self.cost.shape != (m, n):
            raise ValueError(f"shapes disagree: {m} facilities, {n} customers, cost {self.cost.shape}")
        self.cost[~np.isfinite(self.cost)] = np.inf

    @property
    def m(self):
        return len(self.fixed_cost)

    @property
    def n(self):
        return len(self.demand)

    def facility_name(self, i):
        return self.facility_names[i] if self.facility_names else str(i + 1)

    def customer_name(self, j):
        return self.customer_names[j] if self.customer_names else str(j + 1)

    def openable(self):
        closed = np.zeros(self.m, dtype=bool)
        for i, how in self.forced.items():
            if how == FORCED_CLOSED:
                closed[i] = True
        return ~closed

    def forced_open(self):
        mask = np.zeros(self.m, dtype=bool)
        for i, how in self.forced.items():
            if how == FORCED_OPEN:
                mask[i] = True
        return mask

    def y_bounds(self):
        """(lower, upper) of every facility's open/closed variable as 0/1 floats: 1 below where forced open,
        0 above where forced closed."""
        return self.forced_open().astype(float), self.openable().astype(float)

    def fixed(self, closed, opened):
        """The same problem with the facilities of the two masks forced closed and forced open (on top of
        the forcing it has)."""
        return Problem(
            fixed_cost=self.fixed_cost, capacity=self.capacity, demand=self.demand, cost=self.cost,
            single_source=self.single_source,
            forced={**self.forced, **{int(i): FORCED_CLOSED for i in np.flatnonzero(closed)},
                    **{int(i): FORCED_OPEN for i in np.flatnonzero(opened)}},
        )

    def allowed_cost(self):
        """`cost` with +inf also on every pair of a facility forced closed."""
        return np.where(self.openable()[:, None], self.cost, np.inf)


@dataclass
class Solution:
    objective: float
    fixed_cost: float
    transport_cost: float
    open_facilities: list[int]  # 0-based indices, ascending
    # assignment[j] = [(facility, fraction), ...]; one pair per customer when single-source
    assignment: list[list[tuple[int, float]]]
    optimal: bool
    seconds: float
    method: str  # "heuristic", "lagrange" (bound or branch and bound) or "highs"
    status: str = ""
    heuristic_objective: float | None = None
    heuristic_seconds: float | None = None
    mip_gap: float | None = None


def check_feasible(problem: Problem, unit: str = "تن"):
    """Raise PlanningError with a Persian message for the two failures visible before any solving."""
    allowed = np.isfinite(problem.cost) & problem.openable()[:, None]
    stranded = [j for j in range(problem.n) if problem.demand[j] > 0 and not allowed[:, j].any()]
    if stranded:
        names = "، ".join(problem.customer_name(j) for j in stranded[:10])
        more = f" و {_fa(len(stranded) - 10)} مورد دیگر" if len(stranded) > 10 else ""
        raise PlanningError(
            f"برای این نقاط هیچ مرکز مجازی در دسترس نیست (فاصله بیش از حداکثر مسافت حمل، نبود فاصله جاده‌ای "
            f"یا بسته‌بودن همه مراکز نزدیک): {names}{more}"
        )
    total_capacity = float(problem.capacity[problem.openable()].sum())
    total_demand = float(problem.demand.sum())
    if total_capacity + _TOL * max(1.0, total_demand) < total_demand:
        shortfall = total_demand - total_capacity
        raise PlanningError(
            f"ظرفیت کل مراکز مجاز ({_fa_amount(total_capacity)} {unit}) از کل پسماند "
            f"({_fa_amount(total_demand)} {unit}) کمتر است؛ کمبود ظرفیت: {_fa_amount(shortfall)} {unit}."
        )
    if problem.single_source:
        for j in range(problem.n):
            if not (allowed[:, j] & (problem.capacity >= problem.demand[j] - _TOL)).any():
                raise PlanningError(
                    f"در تخصیص تک‌مبدأ، هیچ مرکز مجازی ظرفیت کل پسماند «{problem.customer_name(j)}» "
                    f"({_fa_amount(problem.demand[j])} {unit}) را ندارد."
                )


def _fa(value):
    return to_persian_digits(str(value))


def _fa_amount(value):
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")
    return to_persian_digits(text.replace(",", "٬").replace(".", "٫"))


# ---------------------------------------------------------------------------------------------------
# Heuristic


def _assign(problem: Problem, open_mask: np.ndarray, order: str = "regret"):
    """Serve every customer from the open facilities, largest regret first; None if it cannot.

    Split mode fills the cheapest open facility and spills the rest over to the next; single-source mode
    gives each customer whole to the cheapest open facility with room left. Returns (transport cost, x)
    where x is a dense (m, n) matrix of fractions.
    """
    cost = np.where(open_mask[:, None], problem.cost, np.inf)
    demand = problem.demand
    residual = np.where(open_mask, problem.capacity, 0.0).astype(float)
    m, n = cost.shape
    x = np.zeros((m, n))
    order_by_cost = np.argsort(cost, axis=0)
    if m > 1:
        best_two = np.take_along_axis(cost, order_by_cost[:2], axis=0)
        regret = np.where(np.isfinite(best_two[1]), best_two[1] - best_two[0], np.inf)
    else:
        regret = np.zeros(n)
    # Customers with few options go first; among equals, larger demand first (harder to place). The
    # fallback order (fewest allowed sites, then largest demand) is first-fit-decreasing, for tight cases.
    if order == "regret":
        customers = np.lexsort((-demand, -regret))
    else:
        customers = np.lexsort((-demand, np.isfinite(cost).sum(axis=0)))
    total = 0.0
    for j in customers:
        need = demand[j]
        if need <= 0:
            i = order_by_cost[0, j]
            if not np.isfinite(cost[i, j]):
                return None
            x[i, j] = 1.0
            total += cost[i, j]
            continue
        left = 1.0
        for i in order_by_cost[:, j]:
            c = cost[i, j]
            if not np.isfinite(c):
                break
            if problem.single_source:
                if residual[i] + _TOL >= need:
                    residual[i] -= need
                    x[i, j] = 1.0
                    total += c
                    left = 0.0
                    break
                continue
            if residual[i] <= _TOL:
                continue
            share = min(left, residual[i] / need)
            residual[i] -= share * need
            x[i, j] += share
            total += share * c
            left -= share
            if left <= _TOL:
                left = 0.0
                break
        if left > 0:
            return None
    return total, x


def closing_savings(problem: Problem, open_mask, x):
    """[(saving, i)] for every open facility that may close: its fixed cost less the extra transport of
    moving its customers to their next-cheapest other open facility, capacity ignored — an estimate that
    ranks which closings to try. A facility whose customers have nowhere else to go is left out."""
    cost = np.where(open_mask[:, None], problem.cost, np.inf)
    savings = []
    for i in np.flatnonzero(open_mask & ~problem.forced_open()):
        others = np.delete(cost, i, axis=0)
        if not len(others):
            continue
        served = x[i] > 0
        extra = float((x[i, served] * (others[:, served].min(axis=0) - cost[i, served])).sum())
        if np.isfinite(extra):
            savings.append((problem.fixed_cost[i] - extra, i))
    return savings


def heuristic(problem: Problem, deadline: float | None = None):
    """Greedy drop: open everything allowed, then close the facility whose closing saves the most until no
    closing saves anything; finally try reopening each closed facility once (add step)."""
    openable = problem.openable()
    open_mask = openable.copy()
    current = _assign(problem, open_mask)
    order = "regret"
    if current is None:
        order = "fewest_options"
        current = _assign(problem, open_mask, order)
    if current is None:
        return None
    best_total = current[0] + problem.fixed_cost[open_mask].sum()
    best_x = current[1]
    improved = True
    while improved:
        improved = False
        if deadline and time.perf_counter() > deadline:
            break
        # The closings that look most worthwhile, each checked by a real assignment.
        candidates = sorted(closing_savings(problem, open_mask, best_x), reverse=True)
        capacity_left = problem.capacity[open_mask].sum()
        for estimate, i in candidates[:5]:
            if estimate <= 0:
                break
            if capacity_left - problem.capacity[i] + _TOL < problem.demand.sum():
                continue
            trial = open_mask.copy()
            trial[i] = False
            result = _assign(problem, trial, order)
            if result is None:
                continue
            total = result[0] + problem.fixed_cost[trial].sum()
            if total < best_total - 1e-9 * abs(best_total):
                open_mask, best_total, best_x = trial, total, result[1]
                improved = True
                break
    for i in np.flatnonzero(openable & ~open_mask):
        if deadline and time.perf_counter() > deadline:
            break
        trial = open_mask.copy()
        trial[i] = True
        result = _assign(problem, trial, order)
        if result is not None and result[0] + problem.fixed_cost[trial].sum() < best_total - 1e-9 * abs(best_total):
            open_mask, best_total, best_x = trial, result[0] + problem.fixed_cost[trial].sum(), result[1]
    return open_mask, best_x, best_total


# ---------------------------------------------------------------------------------------------------
# Exact model


def _build(problem: Problem):
    """Column-wise sparse arrays of the model without its strong rows. Columns: y_0..y_{m-1}, then one x
    per allowed pair. Rows: n assignment rows, m capacity rows, one aggregate-capacity row. The strong rows
    x_ij ≤ y_i follow in one `addRows` call (`_add_strong_rows`).

    Generating the strong rows lazily (only those the LP violates) was measured on capa (10^5 pairs): each
    warm re-solve still took 10–20 s and the loop as long as the full model's root, so all go in."""
    m, n = problem.m, problem.n
    openable = problem.openable()
    allowed = np.isfinite(problem.cost) & openable[:, None]
    pair_i, pair_j = np.nonzero(allowed)
    k = len(pair_i)
    demand, capacity = problem.demand, problem.capacity
    row_capacity = n
    row_total = n + m

    # y_i column: capacity row i (-s_i), aggregate row (+s_i); x_p column: assignment row j, capacity row i
    y_index = np.column_stack((row_capacity + np.arange(m), np.full(m, row_total))).ravel()
    y_value = np.column_stack((-capacity, capacity)).ravel()
    x_index = np.column_stack((pair_j, row_capacity + pair_i)).ravel()
    x_value = np.column_stack((np.ones(k), demand[pair_j])).ravel()
    a_start = (2 * np.arange(m + k + 1)).astype(np.int32)
    a_index = np.concatenate((y_index, x_index)).astype(np.int32)
    a_value = np.concatenate((y_value, x_value))

    col_cost = np.concatenate((problem.fixed_cost, problem.cost[pair_i, pair_j]))
    col_lower = np.zeros(m + k)
    col_upper = np.ones(m + k)
    col_lower[:m], col_upper[:m] = problem.y_bounds()
    inf = highspy.kHighsInf
    row_lower = np.concatenate((np.ones(n), np.full(m, -inf), [demand.sum()]))
    row_upper = np.concatenate((np.ones(n), np.zeros(m), [inf]))
    arrays = dict(
        num_col=m + k, num_row=n + m + 1, col_cost=col_cost, col_lower=col_lower, col_upper=col_upper,
        row_lower=row_lower, row_upper=row_upper, a_start=a_start, a_index=a_index, a_value=a_value,
        integrality=np.zeros(m + k, dtype=np.int32),
    )
    return arrays, pair_i, pair_j


def _add_strong_rows(h, m, pair_i, pairs):
    """Add x_p − y_i ≤ 0 for the given pair indices, in one call."""
    count = len(pairs)
    if not count:
        return
    index = np.column_stack((m + pairs, pair_i[pairs])).ravel().astype(np.int32)
    value = np.tile([1.0, -1.0], count)
    start = (2 * np.arange(count)).astype(np.int32)
    h.addRows(count, np.full(count, -highspy.kHighsInf), np.zeros(count), 2 * count, start, index, value)


_banner_done = False


def _new_highs(threads=None):
    """A silent Highs (on `threads` threads: HiGHS refuses to run when instances in one process ask for
    different thread counts, so every instance of a solve gets the same setting). HiGHS prints its banner to file descriptor 1 on the first construction in a process,
    which would break the one-JSON-line output of `landfills_solve`; that one time, fd 1 points elsewhere."""
    global _banner_done
    if _banner_done:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _banner_done = True
    h.setOptionValue("output_flag", False)
    if threads:
        h.setOptionValue("threads", threads)
    return h


def _highs_model(arrays, threads=None):
    h = _new_highs(threads)
    status = h.passModel(
        arrays["num_col"], arrays["num_row"], len(arrays["a_value"]), int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize), 0.0,
        arrays["col_cost"], arrays["col_lower"], arrays["col_upper"],
        arrays["row_lower"], arrays["row_upper"],
        arrays["a_start"], arrays["a_index"], arrays["a_value"], arrays["integrality"],
    )
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS refused the model")
    return h


def _solution_from(problem, y, x_dense, optimal, seconds, method, status=""):
    open_mask = y > 0.5
    transport = float((np.where(np.isfinite(problem.cost), problem.cost, 0.0) * x_dense).sum())
    fixed = float(problem.fixed_cost[open_mask].sum())
    assignment = []
    for j in range(problem.n):
        column = x_dense[:, j]
        served = np.flatnonzero(column > 1e-7)
        assignment.append([(int(i), float(column[i])) for i in served[np.argsort(-column[served])]])
    return Solution(
        objective=fixed + transport, fixed_cost=fixed, transport_cost=transport,
        open_facilities=[int(i) for i in np.flatnonzero(open_mask)], assignment=assignment,
        optimal=optimal, seconds=seconds, method=method, status=status,
    )


Progress = Callable[[str, float, str], None]  # (stage, fraction 0..1, Persian note)


def solve(problem: Problem, *, time_limit: float | None = None, exact: bool = True,
          progress: Progress | None = None, threads: int | None = None,
          on_heuristic: Callable[[Solution], None] | None = None) -> Solution:
    """A quick plan first, then (if `exact`) Lagrangian bounds and, unless they already prove the best plan
    optimal, the branch and bound of `lagrange.search` (split) or HiGHS on what the bounds leave undecided
    (single source, or no plan in hand).

    The quick plan is the first one the Lagrangian finds (split assignment) or the greedy heuristic's
    (single-source, or when the Lagrangian finds none); `on_heuristic` receives it as soon as it exists.
    `progress` is called along the way. The returned `optimal` is True only when the bound meets the plan,
    the search settles every node, or HiGHS proves the reduced model optimal, each within a relative gap of
    1e-9.
    """
    from . import lagrange

    started = time.perf_counter()
    deadline = started + time_limit if time_limit else None
    check_feasible(problem)
    if progress:
        progress("heuristic", 0.05, "جواب سریع (ابتکاری) در حال محاسبه است")
    first = []

    def first_plan(total, open_mask, x_dense):
        if first:
            return
        seconds = time.perf_counter() - started
        quick = _solution_from(problem, open_mask.astype(float), x_dense, False, seconds, "heuristic")
        quick.heuristic_objective, quick.heuristic_seconds = quick.objective, seconds
        first.append(quick)
        if on_heuristic:
            on_heuristic(quick)
        if progress:
            progress("heuristic_done", 0.2, "جواب سریع آماده است؛ جست‌وجوی جواب دقیق آغاز شد")

    upper, upper_open, upper_x = np.inf, None, None
    if not exact or problem.single_source:
        greedy = heuristic(problem, deadline=deadline)
        if greedy is not None:
            first_plan(greedy[2], greedy[0], greedy[1])
            upper_open, upper_x, upper = greedy
        if not exact:
            if not first:
                raise PlanningError("جواب سریع پیدا نشد؛ اجرای دقیق را امتحان کنید.")
            return first[0]
    relaxed = lagrange.bound(problem, upper=upper, upper_open=upper_open, upper_x=upper_x, deadline=deadline,
                             plans=not problem.single_source, on_plan=first_plan, threads=threads)

    def plan_in_hand(optimal, status):
        return _solution_from(problem, relaxed.upper_open.astype(float), relaxed.upper_x, optimal,
                              time.perf_counter() - started, "lagrange", status)

    if not first and problem.n:
        greedy = heuristic(problem, deadline=deadline)
        if greedy is not None:
            first_plan(greedy[2], greedy[0], greedy[1])
            if greedy[2] < relaxed.upper:
                relaxed.upper, relaxed.upper_open, relaxed.upper_x = greedy[2], greedy[0], greedy[1]
    # A better plan fixes more facilities below; on capb:7000 the search took the plan from 2.5 % to 0.7 %
    # above the optimum in about a second and the whole solve from 469 s to 366 s.
    if relaxed.upper_open is not None and not problem.single_source:
        start = lagrange.transport(problem, relaxed.upper_open, threads)
        if start is not None:
            total, open_mask, plan = lagrange.improve(problem, relaxed.upper_open, start, threads=threads,
                                                      deadline=deadline)
            if total < relaxed.upper:
                relaxed.upper, relaxed.upper_open, relaxed.upper_x = total, open_mask, plan.x
    upper = relaxed.upper
    gap = 1e-9
    if np.isfinite(upper) and relaxed.value >= upper - gap * abs(upper):
        return _finish(plan_in_hand(True, "Optimal"), first, progress, 0.0)
    if progress:
        progress("bound", 0.3, "کران پایین محاسبه شد؛ جست‌وجوی جواب دقیق")
    if relaxed.upper_open is not None and not problem.single_source:
        return _finish(_branch(problem, relaxed, started, deadline, threads, gap, progress), first, progress, None)

    # The fixings may cut off the plan in hand too (only plans at least as dear as it go); it is kept aside
    # and compared with HiGHS's answer below.
    closed, opened = lagrange.fixings(problem, relaxed, upper=upper, gap=gap)
    reduced = problem.fixed(closed, opened)
    arrays, pair_i, pair_j = _build(reduced)
    h = _highs_model(arrays, threads)
    # x_ij ≤ y_i says nothing when y_i is fixed: only the undecided facilities get their strong rows.
    _add_strong_rows(h, problem.m, pair_i, np.flatnonzero(~opened[pair_i]))
    m = problem.m
    integer_cols = np.arange(m if not problem.single_source else arrays["num_col"], dtype=np.int32)
    h.changeColsIntegrality(len(integer_cols), integer_cols, np.ones(len(integer_cols), dtype=np.uint8))
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("mip_abs_gap", 1e-7)
    if deadline:
        h.setOptionValue("time_limit", max(0.1, deadline - time.perf_counter()))
    # No start solution is handed to HiGHS: highspy 1.16, given one by `setSolution`, can report the optimum's
    # objective while `getSolution()` returns the start's values (found by the single-source test against
    # enumeration). The plan in hand is compared after the run instead.
    if progress:
        def report(event):
            mip_gap = event.data_out.mip_gap
            if np.isfinite(mip_gap) and mip_gap < 1:
                fraction = 0.3 + 0.65 * max(0.0, min(1.0, 1 - mip_gap * 10))
            else:
                fraction = 0.35
            progress("exact", fraction, "جست‌وجوی جواب دقیق")

        h.cbMipInterrupt.subscribe(_at_most_every(REPORT_SECONDS, report))
    h.run()
    model_status = h.getModelStatus()
    seconds = time.perf_counter() - started
    if model_status == highspy.HighsModelStatus.kInfeasible:
        if relaxed.upper_open is not None:
            # Only reachable when every plan the fixings allow is worse than the one in hand.
            return _finish(plan_in_hand(True, "Optimal"), first, progress, 0.0)
        raise PlanningError(
            "با این ظرفیت‌ها، حداکثر مسافت حمل و مراکز اجباری هیچ برنامه شدنی وجود ندارد؛ ظرفیت یا فاصله مجاز "
            "را افزایش دهید یا مراکز بیشتری را مجاز کنید."
        )
    info = h.getInfo()
    has_solution = info.primal_solution_status == int(highspy.SolutionStatus.kSolutionStatusFeasible)
    if not has_solution:
        if relaxed.upper_open is not None:
            return _finish(plan_in_hand(False, h.modelStatusToString(model_status)), first, progress, None)
        raise PlanningError("در زمان مجاز هیچ جواب شدنی پیدا نشد؛ زمان بیشتری بدهید.")
    values = np.asarray(h.getSolution().col_value)
    y = np.round(values[: problem.m])
    x_dense = np.zeros((problem.m, problem.n))
    x_dense[pair_i, pair_j] = np.clip(values[problem.m:], 0.0, 1.0)
    if problem.single_source:
        x_dense = np.round(x_dense)
    optimal = model_status == highspy.HighsModelStatus.kOptimal
    result = _solution_from(problem, y, x_dense, optimal, seconds, "highs", h.modelStatusToString(model_status))
    reported = float(info.objective_function_value)
    if abs(result.objective - reported) > 1e-6 * max(1.0, abs(reported)):
        # The values do not add up to the objective HiGHS reports: nothing proved, keep the better plan.
        result.optimal, result.status = False, "Inconsistent solution"
    if relaxed.upper_open is not None and relaxed.upper < result.objective - gap * abs(result.objective):
        return _finish(plan_in_hand(result.optimal and reported >= relaxed.upper - gap * abs(relaxed.upper),
                                    result.status), first, progress, None)
    return _finish(result, first, progress, float(info.mip_gap) if np.isfinite(info.mip_gap) else None)


def _branch(problem, relaxed, started, deadline, threads, gap, progress):
    """The split problem's exact search: `lagrange.search` from the root bound and the plan in hand."""
    from . import lagrange

    report = None
    if progress:
        def report(nodes, fraction):
            progress("exact", 0.3 + 0.65 * fraction, f"جست‌وجوی جواب دقیق ({_fa(nodes)} گره بررسی شد)")

        report = _at_most_every(REPORT_SECONDS, report)
    found = lagrange.search(problem, relaxed, deadline=deadline, threads=threads, gap=gap, on_progress=report)
    return _solution_from(problem, found.open_mask.astype(float), found.x, found.proved,
                          time.perf_counter() - started, "lagrange",
                          "Optimal" if found.proved else "Time limit reached")


# The exact search reports its progress at most this often (each report is a database write in the planner).
REPORT_SECONDS = 0.5


def _at_most_every(seconds, call):
    """`call`, passed on at most once every `seconds`; the calls in between are dropped."""
    last = [-np.inf]

    def throttled(*args):
        now = time.perf_counter()
        if now - last[0] >= seconds:
            last[0] = now
            call(*args)

    return throttled


def _finish(result, first, progress, mip_gap):
    result.mip_gap = mip_gap
    if first:
        result.heuristic_objective = first[0].objective
        result.heuristic_seconds = first[0].heuristic_seconds
    if progress:
        progress("done", 1.0, "جواب دقیق پیدا شد" if result.optimal else "بهترین جواب در زمان مجاز")
    return result
