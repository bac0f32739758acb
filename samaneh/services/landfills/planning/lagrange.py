"""Lagrangian bounds for capacitated facility location, after Beasley (1988, "An algorithm for solving
large capacitated warehouse location problems", EJOR 33:314–325).

Relaxing "every customer fully served" (Σ_i x_ij = 1) with a price λ_j per customer splits the problem:

    L(λ) = Σ_j λ_j + min Σ_i g_i(λ) y_i   s.t.  Σ_i s_i y_i ≥ Σ_j d_j,  y binary (forced ones kept)
    g_i(λ) = f_i + min { Σ_j (c_ij − λ_j) x_ij : Σ_j d_j x_ij ≤ s_i, 0 ≤ x_ij ≤ 1 }

Each g_i is a continuous knapsack (take customers by most negative (c_ij − λ_j)/d_j until s_i is full) and the
outer problem is a 0–1 covering knapsack solved by dynamic programming. L(λ) is a lower bound on the split
problem for every λ, hence also on the single-source one; subgradient steps raise it. On OR-Library's
capa/capb/capc it closes to within 0.1 % of the optimum, where the LP of the strong model needs minutes.

Three uses: (1) every few steps the facilities open in the relaxation are handed to an exact transportation
LP, which gives feasible plans (upper bounds) that are usually optimal or nearly so; (2) once the bound has
settled, a facility whose opening (or closing) alone lifts the bound above the best plan can be fixed that
way; (3) `search` branches on the facilities still undecided, with the same bound under each node's
fixings — Beasley's own scheme. When the bound meets the best plan, the plan is proved optimal without any
search.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NamedTuple

import highspy
import numpy as np

from .solver import _new_highs, closing_savings

_DP_CELLS = 2000
# A relaxation's open set is tried as a plan only when its bound is within this share of the best bound so
# far: the early, far-off sets almost never beat the plan in hand and each costs an LP (measured on cap41–134:
# 0.001 saved about a sixth of the time over trying every new set).
NEAR = 0.001


def _subproblems(cost, demand, capacity, fixed, lam):
    """g_i for every facility and the fractions x_ij that attain them, as sparse (rows, cols, fractions).
    `cost` holds +inf where a pair is not allowed, so such a pair never looks profitable."""
    n = len(demand)
    flat = np.flatnonzero((cost - lam[None, :]).ravel() < 0)
    rows = flat // n
    cols = flat - rows * n
    r = cost.ravel()[flat] - lam[cols]
    d = demand[cols]
    # Per facility, most negative reduced cost per tonne first; a customer with no waste costs no capacity
    # and goes first. One argsort on row + ratio scaled into [0, 0.5] (half the time of a two-key lexsort);
    # ratios closer than ~1e-14 of their range may swap, which moves g by far less than the 1e-9 gap.
    ratio = r / np.where(d > 0, d, 1.0)
    if len(ratio):
        low, high = ratio.min(), ratio.max()
        ratio = np.where(d > 0, ratio, low - (high - low) - 1.0)
        low = ratio.min()
        order = np.argsort(rows + 0.5 * (ratio - low) / (high - low + 1e-300))
    else:
        order = np.arange(0)
    rows, cols, r, d = rows[order], cols[order], r[order], d[order]
    cum = np.cumsum(d)
    starts = np.searchsorted(rows, np.arange(len(fixed)))
    offset = np.concatenate(([0.0], cum))[starts][rows]
    before = cum - d - offset
    frac = np.where(d > 0, np.clip((capacity[rows] - before) / np.where(d > 0, d, 1.0), 0.0, 1.0), 1.0)
    g = fixed + np.bincount(rows, weights=r * frac, minlength=len(fixed))
    return g, rows, cols, frac


def cover(g, capacity, total_demand, lower, upper):
    """min Σ g_i y_i subject to Σ s_i y_i ≥ D, lower ≤ y ≤ upper, y binary — exactly when the capacities
    share a divisor that keeps the table small, otherwise on capacities rounded UP to a grid (a relaxation,
    so the value stays a valid lower bound). Returns (value, y); value is inf when no y covers D."""
    y = lower.astype(float).copy()
    y[(g < 0) & (upper > 0)] = 1.0
    need = total_demand - float(capacity @ y)
    if need <= 1e-9 * max(1.0, total_demand):
        return float(g @ y), y
    candidates = np.flatnonzero((y < 1) & (upper > 0))
    sizes = capacity[candidates]
    if len(sizes) and np.all(sizes == sizes[0]):
        # Equal capacities (OR-Library's capa/capb/capc): the cheapest ⌈need/s⌉ of them, no table needed.
        count = int(np.ceil(need / sizes[0] - 1e-9))
        if count > len(sizes):
            return np.inf, y
        y[candidates[np.argsort(g[candidates], kind="stable")[:count]]] = 1.0
        return float(g @ y), y
    unit = need / _DP_CELLS
    whole = np.round(sizes)
    if len(sizes) and np.allclose(sizes, whole) and abs(need - round(need)) < 1e-9:
        divisor = int(np.gcd.reduce(np.append(whole.astype(np.int64), int(round(need)))))
        if divisor > 0 and need / divisor <= 4 * _DP_CELLS:
            unit = float(divisor)
    weight = np.ceil(sizes / unit - 1e-9).astype(np.int64)
    target = int(np.ceil(need / unit - 1e-9))
    best = np.full(target + 1, np.inf)
    best[0] = 0.0
    cells = np.arange(target + 1)
    took = np.zeros((len(candidates), target + 1), dtype=bool)
    for k, i in enumerate(candidates):
        trial = best[np.maximum(0, cells - weight[k])] + g[i]
        took[k] = trial < best
        best = np.where(took[k], trial, best)
    if not np.isfinite(best[target]):
        return np.inf, y
    cell = target
    for k in range(len(candidates) - 1, -1, -1):
        if took[k, cell]:
            y[candidates[k]] = 1.0
            cell = max(0, cell - weight[k])
    return float(g @ y), y


class Plan(NamedTuple):
    cost: float  # transport only
    x: np.ndarray  # dense (m, n) fractions
    prices: np.ndarray  # the LP's dual per customer: what serving one more of it would cost


def transport(problem, open_mask, threads=None):
    """The cheapest split assignment of every customer to the open facilities (an LP), or None when they
    cannot serve everyone."""
    rows_open = np.flatnonzero(open_mask)
    allowed = np.isfinite(problem.cost[rows_open])
    local_i, pair_j = np.nonzero(allowed)
    pair_i = rows_open[local_i]
    k, n, m_open = len(pair_i), problem.n, len(rows_open)
    if k == 0 or np.bincount(pair_j, minlength=n).min() == 0:
        return None
    if problem.capacity[rows_open].sum() + 1e-9 < problem.demand.sum():
        return None
    h = _new_highs(threads)
    index = np.column_stack((pair_j, n + local_i)).ravel().astype(np.int32)
    value = np.column_stack((np.ones(k), problem.demand[pair_j])).ravel()
    inf = highspy.kHighsInf
    h.passModel(
        k, n + m_open, 2 * k, int(highspy.MatrixFormat.kColwise), int(highspy.ObjSense.kMinimize), 0.0,
        problem.cost[pair_i, pair_j], np.zeros(k), np.ones(k),
        np.concatenate((np.ones(n), np.full(m_open, -inf))),
        np.concatenate((np.ones(n), problem.capacity[rows_open])),
        (2 * np.arange(k + 1)).astype(np.int32), index, value, np.zeros(k, dtype=np.int32),
    )
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = h.getSolution()
    x = np.zeros((problem.m, n))
    x[pair_i, pair_j] = np.clip(np.asarray(solution.col_value), 0.0, 1.0)
    return Plan(float(h.getInfo().objective_function_value), x, np.asarray(solution.row_dual)[:n].copy())


def improve(problem, open_mask, plan, *, threads=None, deadline=None, tries=4, rounds=25):
    """Local search from a plan: open one facility, close one, or swap a pair, each move judged by an exact
    transportation LP, until no move among the most promising `tries` of each kind helps.

    Which moves are promising comes from the LP's prices: opening k is worth about g_k(prices) (the same
    knapsack as the bound's, with the prices as multipliers — negative means it pays for itself); closing i
    costs about moving its customers to their next-cheapest open facility, less f_i. Returns
    (total, open_mask, plan) of the best plan found."""
    fixed = problem.fixed_cost
    openable = problem.openable()
    cost = problem.allowed_cost()
    total = plan.cost + float(fixed[open_mask].sum())
    tried = {open_mask.tobytes()}

    def attempt(mask):
        key = mask.tobytes()
        if key in tried:
            return None
        tried.add(key)
        found = transport(problem, mask, threads)
        return None if found is None else (found.cost + float(fixed[mask].sum()), mask, found)

    for _ in range(rounds):
        if deadline and time.perf_counter() > deadline:
            break
        g, *_unused = _subproblems(cost, problem.demand, problem.capacity, fixed, plan.prices)
        closed = np.flatnonzero(openable & ~open_mask)
        adds = list(closed[np.argsort(g[closed])][:tries])
        savings = sorted(closing_savings(problem, open_mask, plan.x), key=lambda saving: -saving[0])
        drops = [i for _, i in savings[:tries]]
        moves = []
        for k in adds:
            mask = open_mask.copy()
            mask[k] = True
            moves.append(mask)
        for i in drops:
            mask = open_mask.copy()
            mask[i] = False
            moves.append(mask)
            for k in adds[:2]:
                swap = mask.copy()
                swap[k] = True
                moves.append(swap)
        best = None
        for mask in moves:
            result = attempt(mask)
            if result and result[0] < total - 1e-9 * abs(total) and (best is None or result[0] < best[0]):
                best = result
        if best is None:
            break
        total, open_mask, plan = best
    return total, open_mask, plan


@dataclass
class Bound:
    value: float  # the best Lagrangian lower bound found
    g: np.ndarray  # facility values at the multipliers of that bound
    multipliers_sum: float
    multipliers: np.ndarray
    y: np.ndarray  # the relaxation's open facilities there
    y_mean: np.ndarray | None  # running mean of the relaxation's open sets over the ascent
    upper: float  # best feasible plan (inf if none)
    upper_open: np.ndarray | None
    upper_x: np.ndarray | None
    iterations: int
    seconds: float


def bound(problem, *, upper=np.inf, upper_open=None, upper_x=None, max_iterations=3000, deadline=None,
          plans=True, gap=1e-9, on_plan=None, threads=None, patience=20, min_step=1e-4, step=2.0,
          lower_y=None, upper_y=None, multipliers=None, tried=None, cost=None):
    """Subgradient ascent on L(λ) (Held–Karp steps toward the best plan). With `plans`, the relaxation's
    open facilities are turned into a feasible plan by `transport` whenever they change (split only: for
    single-source problems the caller's plan is kept). Stops when the bound meets the best plan within
    `gap`, when the step has shrunk to nothing, or at the deadline. `on_plan(total, open_mask, x)` hears of
    every better plan as it is found.

    `lower_y`/`upper_y` (0/1 floats, given together) narrow the facilities further than the problem's own
    forcing (a node of `search`), `multipliers` starts from given prices instead of each customer's second-cheapest cost,
    `tried` is a set of open sets already turned into plans (shared between calls), `cost` the problem's
    `allowed_cost()` when the caller already has it. A bound whose facilities cannot cover the demand is
    infinite: nothing under those fixings is feasible."""
    started = time.perf_counter()
    if lower_y is None:
        lower_y, upper_y = problem.y_bounds()
    if cost is None:
        cost = problem.allowed_cost()
    demand, capacity, fixed = problem.demand, problem.capacity, problem.fixed_cost
    total_demand = float(demand.sum())
    if multipliers is None:
        cheapest = np.sort(cost, axis=0)
        lam = cheapest[1] if problem.m > 1 else cheapest[0]
        lam = np.where(np.isfinite(lam), lam, cheapest[0])
    else:
        lam = multipliers.copy()
    best_value, best_lam, best_g, best_y = -np.inf, lam.copy(), None, None
    y_mean = None
    stall = 0
    tried = set() if tried is None else tried
    iteration = 0
    for iteration in range(1, max_iterations + 1):
        g, rows, cols, frac = _subproblems(cost, demand, capacity, fixed, lam)
        value, y = cover(g, capacity, total_demand, lower_y, upper_y)
        if not np.isfinite(value):
            best_value = np.inf
            break
        bound_value = float(lam.sum()) + value
        # A running mean of the relaxation's open sets: near the end of the ascent it approximates the
        # LP's fractional y (as in Barahona and Anbil's volume algorithm), which `search` branches on.
        y_mean = y.copy() if y_mean is None else 0.9 * y_mean + 0.1 * y
        if bound_value > best_value + 1e-12 * abs(bound_value):
            best_value, best_lam, best_g, best_y, stall = bound_value, lam.copy(), g, y, 0
        else:
            stall += 1
            if stall >= patience:
                step, stall = step / 2, 0
        if plans and not problem.single_source and y.any():
            key = (y > 0.5).tobytes()
            # Serving everyone from the nearest open facility, capacity ignored, already costs at least
            # this much; a set that cannot beat the best plan even so is not worth an LP.
            floor = float(fixed[y > 0.5].sum() + cost[y > 0.5].min(axis=0).sum())
            if key not in tried and floor < upper and bound_value >= best_value - NEAR * abs(best_value):
                tried.add(key)
                plan = transport(problem, y > 0.5, threads)
                if plan is not None:
                    total = plan.cost + float(fixed[y > 0.5].sum())
                    if total < upper:
                        upper, upper_open, upper_x = total, y > 0.5, plan.x
                        if on_plan:
                            on_plan(upper, upper_open, upper_x)
        if np.isfinite(upper) and best_value >= upper - gap * abs(upper):
            break
        if step < min_step or (deadline and time.perf_counter() > deadline):
            break
        served = np.bincount(cols, weights=frac * y[rows], minlength=problem.n)
        direction = 1.0 - served
        norm = float(direction @ direction)
        if norm < 1e-12:
            break
        target = upper if np.isfinite(upper) else best_value + abs(best_value) * 0.05 + 1.0
        lam = lam + step * max(target - bound_value, 1e-9 * abs(target)) / norm * direction
    return Bound(
        value=best_value, g=best_g, multipliers_sum=float(best_lam.sum()), multipliers=best_lam, y=best_y,
        y_mean=y_mean, upper=upper, upper_open=upper_open, upper_x=upper_x, iterations=iteration,
        seconds=time.perf_counter() - started,
    )


def fixings(problem, result: Bound, *, upper: float, gap: float = 1e-9, lower_y=None, upper_y=None):
    """Facilities whose every plan with the other decision costs at least `upper`: (closed, opened) masks.
    A plan as good as `upper` is already in hand, so the exact search may leave those out. `lower_y` and
    `upper_y` (given together) are the fixings the bound was computed under (default: the problem's own)."""
    if lower_y is None:
        lower_y, upper_y = problem.y_bounds()
    total_demand = float(problem.demand.sum())
    closed = upper_y < 0.5
    opened = lower_y > 0.5
    if result.g is None or not np.isfinite(upper):
        return closed, opened
    threshold = upper - gap * abs(upper)
    for i in np.flatnonzero(~closed & ~opened):
        lo, hi = lower_y.copy(), upper_y.copy()
        if result.y[i] > 0.5:
            hi[i] = 0.0
        else:
            lo[i] = 1.0
        value, _ = cover(result.g, problem.capacity, total_demand, lo, hi)
        if result.multipliers_sum + value >= threshold:
            if result.y[i] > 0.5:
                opened[i] = True
            else:
                closed[i] = True
    return closed, opened


class Found(NamedTuple):
    total: float  # best plan's cost, fixed + transport
    open_mask: np.ndarray
    x: np.ndarray
    proved: bool  # every node was settled: the plan is optimal within the gap
    nodes: int


def search(problem, root: Bound, *, deadline=None, threads=None, gap=1e-9, node_iterations=80,
           on_progress=None):
    """Branch and bound over the facilities, with the Lagrangian bound at every node (split assignment).

    Starts from `root` (its bound, multipliers and best plan, which must exist). A node is a set of
    facilities forced open and forced closed; its bound is `bound` under those fixings, warm-started from
    its parent's multipliers for at most `node_iterations` steps, and it is dropped as soon as that bound
    reaches the best plan. Otherwise the penalty tests of `fixings` decide more facilities, and the node
    splits on the undecided facility whose running-mean relaxation is nearest ½ — first the child the
    relaxation leans to (depth first, so that plans keep improving). A node with every facility decided is
    one transportation LP. Every relaxation's open set is also tried as a plan along the way.

    On capb (100 facilities, 1,000 customers) the bound closes the root gap of ~0.3 % in 150–450 nodes,
    where HiGHS's LP of the strong model alone took 20–60 s. `on_progress(nodes, fraction)` hears of the
    share of the tree settled so far (Σ 2^-depth over settled nodes). `node_iterations`: 80 measured
    best on capb:6000/7000 and capc:5750 (fewer steps leave looser bounds and two to four times the nodes,
    more spend the time on nodes that would have been dropped anyway); 30–60 suit the 50-site problems.
    Returns a `Found`; `proved` is False only when the deadline stopped the search."""
    cost = problem.allowed_cost()
    tried = set()
    best = [root.upper, root.upper_open, root.upper_x]

    def threshold():
        return best[0] - gap * abs(best[0])

    def keep(total, open_mask, x):
        if total < best[0]:
            best[:] = [total, open_mask, x]

    settled = 0.0
    nodes = 1
    stack = []

    def expand(node, lower_y, upper_y, depth):
        """Fix what the node's bound decides, then push its children; False when the node is settled."""
        closed, opened = fixings(problem, node, upper=best[0], gap=gap, lower_y=lower_y, upper_y=upper_y)
        lower_y, upper_y = opened.astype(float), (~closed).astype(float)
        free = np.flatnonzero(~closed & ~opened)
        if not len(free):
            plan = transport(problem, opened, threads)
            if plan is not None:
                keep(plan.cost + float(problem.fixed_cost[opened].sum()), opened, plan.x)
            return False
        leaning = node.y_mean if node.y_mean is not None else node.y
        k = free[np.argmin(np.abs(leaning[free] - 0.5))]
        shut_lower, shut_upper = lower_y, upper_y.copy()
        shut_upper[k] = 0.0
        open_lower, open_upper = lower_y.copy(), upper_y
        open_lower[k] = 1.0
        children = [(shut_lower, shut_upper), (open_lower, open_upper)]
        if leaning[k] < 0.5:
            children.reverse()
        for lower, upper in children:  # the last pushed is explored first
            stack.append((lower, upper, node.multipliers, node.value, depth + 1))
        return True

    if not expand(root, None, None, 0):
        settled = 1.0
    while stack:
        if deadline and time.perf_counter() > deadline:
            return Found(best[0], best[1], best[2], False, nodes)
        lower_y, upper_y, multipliers, parent_value, depth = stack.pop()
        if parent_value < threshold():
            nodes += 1
            node = bound(problem, upper=best[0], upper_open=best[1], upper_x=best[2],
                         max_iterations=node_iterations, deadline=deadline, gap=gap, threads=threads, patience=5,
                         step=0.5, lower_y=lower_y, upper_y=upper_y, multipliers=multipliers, tried=tried,
                         cost=cost)
            keep(node.upper, node.upper_open, node.upper_x)
            if node.value < threshold() and expand(node, lower_y, upper_y, depth):
                continue
        settled += 0.5 ** depth
        if on_progress:
            on_progress(nodes, min(1.0, settled))
    return Found(best[0], best[1], best[2], True, nodes)
