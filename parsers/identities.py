"""The arithmetic identities of the report (spec/identities.yaml), shared by the checks and the parser.

The checks (nianjian/checks/arithmetic.py) evaluate them with messages; the parser uses the
within-report ones as linear equations over cell keys to cut flattened text (parsers/flattened.py).
Both expand groups and domains here, so they cannot disagree on what an identity means.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from itertools import product

import yaml

from parsers.template import TEMPLATE

PREVIOUS = "previous:"

DOMAINS = {
    "t3.rows": lambda: list(TEMPLATE.t3_rows),
    "t3.columns": lambda: list(TEMPLATE.t3_columns),
    "t4.rows": lambda: list(TEMPLATE.t4_order),
    "t4.columns": lambda: list(TEMPLATE.t4_columns),
}


@lru_cache(maxsize=1)
def identity_data() -> dict:
    """spec/identities.yaml: `groups`, `alternatives`, `identities`."""
    text = resources.files("parsers").joinpath("spec/identities.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def members(table: str, name: str) -> list[str] | None:
    """The members of group `name` of `table`: template.yaml's t3 groups, then identities.yaml's."""
    if table == "t3" and name in TEMPLATE.t3_groups:
        return TEMPLATE.t3_groups[name]
    return identity_data().get("groups", {}).get(table, {}).get(name)


def leaves(table: str, name: str) -> list[str]:
    """A group's rows or columns, groups inside it expanded; a plain name is its own leaf."""
    found = members(table, name)
    return [leaf for m in found for leaf in leaves(table, m)] if found else [name]


def uses_previous(identity: dict) -> bool:
    return any(PREVIOUS in t for t in identity["expected"] + identity["actual"])


def instances(identity: dict):
    """Each binding of the identity's variables ({"column": "natural"}, …)."""
    variables = list(identity["each"])
    domains = [d if isinstance(d, list) else DOMAINS[d]() for d in identity["each"].values()]
    for values in product(*domains):
        yield dict(zip(variables, values))


@lru_cache(maxsize=1)
def equations() -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """Every within-report identity instance as (rule, ((key, coefficient), …)): Σ coefficient ×
    value = 0. Keys of every alternative row form are included (`other_*` and `other_handling`);
    a caller drops the keys of the form a report does not use (`alternative_rows`)."""
    found = []
    for identity in identity_data()["identities"]:
        if uses_previous(identity):
            continue
        for bindings in instances(identity):
            terms: dict[str, int] = {}
            for side, specs in ((1, identity["expected"]), (-1, identity["actual"])):
                for spec in specs:
                    sign = -side if spec.startswith("-") else side
                    table, row, column = spec.lstrip("-").format(**bindings).split(".")
                    for r in _expand(table, row):
                        for c in _expand(table, column):
                            key = f"{table}.{r}.{c}"
                            terms[key] = terms.get(key, 0) + sign
            found.append((identity["rule"], tuple((k, v) for k, v in terms.items() if v)))
    return tuple(found)


def _expand(table: str, part: str) -> list[str]:
    return leaves(table, part[1:-1]) if part.startswith("<") else [part]


def alternative_rows(table: str) -> list[list[list[str]]]:
    """For `table`, each set of alternative row forms (only one form of a set is in a report)."""
    return [a["forms"] for a in identity_data().get("alternatives", {}).get(table, [])]
