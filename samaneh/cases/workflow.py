"""How a service declares its state machine: a table of steps, read by the engine.

Each row says: in `state`, `action` may be taken by these `actors` (roles, which fix the level, or the
applicant), leads to `next_state`, and gives the new holder `sla_days` working days. Nothing else in
the engine knows any service's states.
"""
from dataclasses import dataclass, field

from samaneh.accounts.roles import Role

APPLICANT = "applicant"  # the person who filed the case, acting on their own case


@dataclass(frozen=True)
class State:
    code: str
    label: str  # what staff read
    public_label: str  # what the applicant and the public status page read
    closed: bool = False
    sla_paused: bool = False  # waiting on the applicant: the clock stops


@dataclass(frozen=True)
class Step:
    state: str
    action: str
    label: str
    actors: frozenset
    next_state: str
    sla_days: int | None = None  # None: no deadline in the next state
    needs_text: bool = False  # a public answer or a reason is required
    public: bool = True  # shown in the applicant's history


@dataclass
class Workflow:
    states: list
    steps: list
    initial_state: str
    initial_sla_days: int
    _states: dict = field(init=False, repr=False)

    def __post_init__(self):
        self._states = {s.code: s for s in self.states}
        for step in self.steps:
            if step.state not in self._states or step.next_state not in self._states:
                raise ValueError(f"step {step.action!r} names an unknown state")
            for actor in step.actors:
                if actor != APPLICANT:
                    Role(actor)
        if self.initial_state not in self._states:
            raise ValueError("unknown initial state")

    def state(self, code):
        return self._states[code]

    def steps_from(self, state):
        return [s for s in self.steps if s.state == state]

    def step(self, state, action):
        for s in self.steps:
            if s.state == state and s.action == action:
                return s
        return None

    def staff_roles(self):
        """Every role that takes some step: these roles see the service's queue."""
        return {a for s in self.steps for a in s.actors if a != APPLICANT}


def actors(*items):
    return frozenset(items)
