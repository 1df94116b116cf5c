"""The OpenSanctions matcher as a peer: nomenklatura's ``logic-v2`` through FollowTheMoney.

Run by ``bench_names.py`` with the Python of a separate virtualenv that holds
``nomenklatura`` (it pins ``duckdb<2``, which Asylon's ``duckdb==2.0.0`` excludes, so it
cannot share Asylon's environment). Reads JSON lines ``{"q": {...}, "r": {...}}`` on standard
input, each side ``{"names": [...], "birth_dates": [...], "countries": [...]}``, and writes
one score per line (``qid``/``rid`` name the records: nomenklatura caches its name analysis
by entity id, so equal ids must mean equal records). Imports nothing from Asylon. Logic-v2 is the algorithm yente's ``/match``
uses by default (name matching with rigour's cross-script name data, then date and country
qualifiers).
"""

from __future__ import annotations

import json
import sys
import time

from followthemoney import model
from nomenklatura.matching import LogicV2, ScoringConfig


def _entity(side: dict[str, list[str]], key: str):  # type: ignore[no-untyped-def]
    entity = model.make_entity("Person")
    entity.id = key  # unique per record: nomenklatura caches name analysis by entity id
    for name in side.get("names", []):
        entity.add("name", name)
    for born in side.get("birth_dates", []):
        entity.add("birthDate", born)
    for country in side.get("countries", []):
        entity.add("nationality", country.lower())
    return entity


def main() -> int:
    config = ScoringConfig(weights={}, config={k: v.default for k, v in LogicV2.CONFIG.items()})
    started = time.perf_counter()
    count = 0
    out = sys.stdout
    for line in sys.stdin:
        pair = json.loads(line)
        query = _entity(pair["q"], pair.get("qid") or f"q{count}")
        result = LogicV2.compare(query, _entity(pair["r"], pair.get("rid") or f"r{count}"), config)
        out.write(f"{result.score:.4f}\n")
        count += 1
    out.flush()
    sys.stderr.write(
        f"nomenklatura logic-v2: {count} pairs in {time.perf_counter() - started:.2f} s\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
