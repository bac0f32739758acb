"""Budget allocation as an exact 0/1 knapsack: choose sites maximising total priority within the budget.

Costs are money, so they are whole units: the dynamic programme runs over integer cost units
(one million rials by default). When the budget spans more than MAX_CELLS units, the unit grows
by powers of ten and every cost is rounded UP to it (the budget down), so the chosen set always fits
the real budget; the answer is then exact for the rounded costs and `unit` says which unit was used.

The table is a NumPy array of best values per budget; one boolean row per item records whether
taking it improved that budget, and walking those rows backwards recovers the chosen set.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_CELLS = 2_000_000


@dataclass
class Allocation:
    chosen: list[int]  # indexes into the items, in input order
    value: float
    cost: float  # the real (unrounded) cost of the chosen items
    budget: float
    unit: float


def knapsack(values, costs, budget, unit=1.0) -> Allocation:
    """Exact best subset of items (value_i ≥ 0, cost_i ≥ 0) with Σ cost ≤ budget."""
    if budget < 0:
        raise ValueError("بودجه نمی‌تواند منفی باشد")
    if any(c < 0 for c in costs) or any(v < 0 for v in values):
        raise ValueError("هزینه و امتیاز نمی‌توانند منفی باشند")
    while budget / unit > MAX_CELLS:
        unit *= 10
    capacity = int(math.floor(budget / unit + 1e-9))
    weights = [int(math.ceil(c / unit - 1e-9)) for c in costs]
    best = np.zeros(capacity + 1)
    taken = np.zeros((len(values), capacity + 1), dtype=bool)
    for i, (value, weight) in enumerate(zip(values, weights)):
        if weight > capacity or value <= 0:
            continue
        candidate = best[: capacity + 1 - weight] + value
        improved = candidate > best[weight:]
        taken[i, weight:] = improved
        best[weight:] = np.where(improved, candidate, best[weight:])
    chosen, room = [], capacity
    for i in range(len(values) - 1, -1, -1):
        if taken[i, room]:
            chosen.append(i)
            room -= weights[i]
    chosen.reverse()
    return Allocation(
        chosen=chosen, value=float(sum(values[i] for i in chosen)), cost=float(sum(costs[i] for i in chosen)),
        budget=budget, unit=unit,
    )
