"""Every problem code the parsers can emit is documented in parsers/PROBLEMS.md."""
from __future__ import annotations

import re
from pathlib import Path

PARSERS = Path(__file__).resolve().parent.parent.parent / "parsers"
# A problem is made as ("CODE", detail) or .problem("CODE", ...) / Problem("CODE", ...).
EMITTED = re.compile(r"""(?:problem\(|Problem\(|append\(\(|^\s*\(|return \()\s*"([A-Z][A-Z_]{3,})",""", re.M)


def test_every_emitted_code_is_documented():
    documented = set(re.findall(r"`([A-Z][A-Z_]{3,})`", (PARSERS / "PROBLEMS.md").read_text("utf-8")))
    emitted = {code for path in PARSERS.glob("*.py") for code in EMITTED.findall(path.read_text("utf-8"))}
    assert {"NOT_A_REPORT", "TABLE_INCOMPLETE", "ROW_REPAIRED", "UNSUPPORTED_FORMAT"} <= emitted
    assert emitted - documented == set()
