"""The random draw of 双随机一公开, as a pure function of stored inputs.

Given the same seed, enterprise pool, inspector pool and conflict pairs, `draw` returns the
same result on any machine and Python version that implements `random.Random` version 2
seeding (strings are hashed with SHA-512, independent of PYTHONHASHSEED). The plan stores all
four inputs, so anyone can recompute the draw and compare (`verify` in selectors).

1. Enterprises: weighted sampling without replacement (Efraimidis–Spirakis): each enterprise
   gets the key u^(1/w) with u uniform in (0, 1) and w the weight of its risk colour; the
   `size` largest keys are drawn. A red enterprise (w=8) is far likelier than a blue one (w=1),
   and every enterprise has a chance.
2. Inspectors, per drawn enterprise in draw order: those without a recorded conflict with it,
   in a random order, then the least-loaded first (a stable sort, so ties stay random); the
   first `per_enterprise` form its team.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from .choices import DRAW_WEIGHT


class NotEnoughInspectors(Exception):
    def __init__(self, enterprise_id: int, eligible: int):
        super().__init__(enterprise_id, eligible)
        self.enterprise_id = enterprise_id
        self.eligible = eligible


@dataclass(frozen=True)
class Drawn:
    enterprise_id: int
    inspector_ids: tuple[int, ...]


def draw(*, seed: str, pool: list, inspectors: list[int], conflicts: list, size: int,
         per_enterprise: int) -> list[Drawn]:
    """`pool`: [[enterprise id, risk colour], …] in stored order; `conflicts`: [[inspector id,
    enterprise id], …]. Raises NotEnoughInspectors when an enterprise cannot get a team."""
    rng = random.Random(str(seed))
    keyed = []
    for enterprise_id, colour in pool:
        u = 1.0 - rng.random()  # (0, 1]: a zero would tie every key at 0
        keyed.append((u ** (1.0 / DRAW_WEIGHT.get(colour, 1)), int(enterprise_id)))
    keyed.sort(key=lambda pair: (-pair[0], pair[1]))
    chosen = [enterprise_id for _, enterprise_id in keyed[:size]]

    blocked = {(int(i), int(e)) for i, e in conflicts}
    load = {int(i): 0 for i in inspectors}
    result = []
    for enterprise_id in chosen:
        eligible = [i for i in sorted(load) if (i, enterprise_id) not in blocked]
        if len(eligible) < per_enterprise:
            raise NotEnoughInspectors(enterprise_id, len(eligible))
        rng.shuffle(eligible)
        eligible.sort(key=lambda i: load[i])
        team = tuple(sorted(eligible[:per_enterprise]))
        for i in team:
            load[i] += 1
        result.append(Drawn(enterprise_id, team))
    return result
