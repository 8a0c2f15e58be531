"""The catalogue as data agrees with the spec's rule table, and every message renders."""
from __future__ import annotations

import re
from pathlib import Path

from nianjian.checks.catalogue import CATALOGUE, SEVERITIES
from parsers.identities import DOMAINS, members

SPEC = Path(__file__).resolve().parents[2] / "docs" / "spec" / "README.md"


def test_rules_match_the_spec_table():
    rows = re.findall(r"^\| ([A-Z0-9_]+) \| (error|warning|info) \|", SPEC.read_text("utf-8"), re.M)
    assert rows, "the spec's rule table was not found"
    assert {rule: entry["severity"] for rule, entry in CATALOGUE.rules.items()} == dict(rows)


def test_every_identity_refers_to_known_rules_domains_and_groups():
    for identity in CATALOGUE.identities:
        assert identity["rule"] in CATALOGUE.rules
        for domain in identity["each"].values():
            assert isinstance(domain, list) or domain in DOMAINS
        for term in identity["expected"] + identity["actual"]:
            table = term.lstrip("-").removeprefix("previous:").split(".")[0]
            for group in re.findall(r"<(\w+)>", term):
                assert members(table, group), f"{term}: unknown group {group}"


def test_every_label_is_a_pair_and_severities_are_known():
    for table, labels in CATALOGUE.rules_data["labels"].items():
        assert all(len(pair) == 2 for pair in labels.values()), table
    assert all(entry["severity"] in SEVERITIES for entry in CATALOGUE.rules.values())


def test_the_checks_use_the_identities_the_parser_cuts_flattened_text_by():
    from parsers.identities import equations, identity_data

    assert CATALOGUE.identities is identity_data()["identities"]
    assert CATALOGUE.rules_data["alternatives"] is identity_data()["alternatives"]
    # every within-report identity instance reaches the parser: 7 + 7 columns, 26 t3 rows (both
    # forms of (六)其他处理), 3 t4 rows
    assert sorted({rule for rule, _ in equations()}) == ["T3_BALANCE", "T3_OUTCOMES", "T3_ROW_TOTAL", "T4_TOTAL"]
    assert len(equations()) == 7 + 7 + 26 + 3
