"""Reader for J.E. Beasley's OR-Library capacitated warehouse location files (cap41…cap134, capa/b/c).

The format is a stream of whitespace-separated tokens, so the original layout (costs wrapped at seven per
line, fixed costs written `7500.`) and the one-line-per-customer copies read the same:

    m n
    capacity_i fixed_cost_i        m times
    d_j c_1j … c_mj                n times; c_ij = cost of serving ALL of customer j from warehouse i

In capa, capb and capc every capacity is the literal word `capacity`; the caller supplies the number
(Beasley 1988, Table 1: capa 8000–14000, capb 5000–8000, capc 5000–7250).
"""
from pathlib import Path

import numpy as np

from .solver import Problem


class OrlibFormatError(ValueError):
    pass


def parse(text: str, *, capacity: float | None = None, single_source: bool = False) -> Problem:
    tokens = text.split()
    if len(tokens) < 2:
        raise OrlibFormatError("the file is empty or has no 'm n' header")
    try:
        m, n = int(tokens[0]), int(tokens[1])
    except ValueError:
        raise OrlibFormatError(f"header must be two integers, got {tokens[0]!r} {tokens[1]!r}") from None
    expected = 2 + 2 * m + n * (1 + m)
    if len(tokens) != expected:
        raise OrlibFormatError(f"{m} warehouses and {n} customers need {expected} numbers, the file has {len(tokens)}")
    warehouse = tokens[2: 2 + 2 * m]
    capacities = []
    for word in warehouse[0::2]:
        if word.lower() == "capacity":
            if capacity is None:
                raise OrlibFormatError("the capacities are the word 'capacity': give --capacity N")
            capacities.append(float(capacity))
        else:
            capacities.append(float(word))
    try:
        fixed = np.array(warehouse[1::2], dtype=float)
        body = np.array(tokens[2 + 2 * m:], dtype=float).reshape(n, 1 + m)
    except ValueError as error:
        raise OrlibFormatError(f"not a number: {error}") from None
    return Problem(
        fixed_cost=fixed, capacity=np.array(capacities), demand=body[:, 0], cost=body[:, 1:].T.copy(),
        single_source=single_source,
    )


def read(path, *, capacity: float | None = None, single_source: bool = False) -> Problem:
    return parse(Path(path).read_text(), capacity=capacity, single_source=single_source)
