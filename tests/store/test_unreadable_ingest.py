"""`nianjian ingest` of documents nianjian cannot read: after a readable version of the same
report they are recorded and refused (the readable version stays current, cell for cell); as the
only version they are stored as published but unreadable, and a readable one replaces them."""
from __future__ import annotations

import json
from pathlib import Path

from monitor.alerts import changed_conditions
from nianjian.browse.grid import load_grid
from nianjian.cli import main
from nianjian.store import Store

GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "filled_2021.pdf"
AGENCY, YEAR = "示例县人民政府", 2023          # the good PDF's own title


def ingest(capsys, db, *argv) -> tuple[int, list[dict], str]:
    code = main(["ingest", *map(str, argv), "--db", str(db), "--json"])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def current(db) -> dict:
    with Store(db) as store:
        [row] = store.reports()
        cells = list(store.db.query("SELECT key, value FROM cells WHERE version_id = ? ORDER BY key",
                                    [row["current_version"]]))
        rules = [f["rule"] for f in store.findings(report_id=row["id"])]
    return {"report": row, "cells": cells, "rules": rules}


def files(tmp_path, unreadable_pdfs) -> list[Path]:
    paths = []
    for name, body in unreadable_pdfs.items():
        (tmp_path / name).write_bytes(body)
        paths.append(tmp_path / name)
    return paths


def test_unreadable_copies_never_replace_the_readable_version(tmp_path, capsys, unreadable_pdfs):
    db = tmp_path / "nianjian.db"
    code, [first], _ = ingest(capsys, db, GOOD)
    assert (code, first["status"], first["agency"], first["year"]) == (0, "stored", AGENCY, YEAR)
    before = current(db)
    assert len(before["cells"]) == 200 and before["report"]["parse_status"] == "ok"

    code, results, err = ingest(capsys, db, *files(tmp_path, unreadable_pdfs),
                                "--agency", AGENCY, "--year", YEAR)
    assert code == 1                         # nothing of them could be read: the user is told
    assert [r["status"] for r in results] == ["unreadable"] * 3
    assert [r["problems"][0]["code"] for r in results] == ["SCANNED_PDF", "UNREADABLE_FILE", "UNREADABLE_FILE"]
    assert all(r["problems"][-1]["code"] == "KEPT_READABLE_VERSION" for r in results)
    assert all(r["report_id"] == first["report_id"] and r["version_id"] == first["version_id"]
               for r in results)
    assert "scan.pdf：无法读取 unreadable — SCANNED_PDF: no text layer" in " ".join(err.split())
    assert "请找一份带文字层的文件（或网页版）再核对" in "".join(err.split())

    after = current(db)
    assert after == before                   # same version, versions 1, same cells and findings
    assert after["report"]["versions"] == 1 and "UNREADABLE" not in after["rules"]


def test_an_unreadable_only_version_is_published_unreadable_until_a_readable_one(
        tmp_path, capsys, unreadable_pdfs):
    db = tmp_path / "nianjian.db"
    scan = files(tmp_path, {"scan.pdf": unreadable_pdfs["scan.pdf"]})[0]
    code, [stored], _ = ingest(capsys, db, scan, "--agency", AGENCY, "--year", YEAR)
    assert (code, stored["status"], stored["errors"]) == (1, "unreadable", 0)
    assert stored["report_id"] is not None
    only = current(db)
    assert (only["report"]["parse_status"], only["report"]["errors"], only["rules"]) == \
        ("unreadable", 0, ["UNREADABLE"])
    with Store(db) as store:
        cell = load_grid(store.db.conn).cell(AGENCY, YEAR)
    assert (cell.state, cell.text) == ("unreadable", "无法读取")
    assert "无法读取（扫描件、加密或损坏的文件），未核对" in cell.tooltip

    code, [read], _ = ingest(capsys, db, GOOD)
    assert (code, read["status"]) == (0, "new_version")
    replaced = current(db)
    assert (replaced["report"]["parse_status"], replaced["report"]["versions"], len(replaced["cells"])) == \
        ("ok", 2, 200)
    code, [again], _ = ingest(capsys, db, scan, "--agency", AGENCY, "--year", YEAR)
    assert again["status"] == "unreadable" and current(db) == replaced


def test_a_partly_read_copy_never_replaces_a_fully_read_version(tmp_path, capsys):
    """The same real report, once with a text layer on every page and once with three pages
    scanned: the partly read copy is refused, whichever came second, and no edit is claimed."""
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    full, partial = fixtures / "corpus" / "hongze_2023.pdf", fixtures / "pdf" / "partly_scanned_hongze.pdf"
    db = tmp_path / "nianjian.db"
    code, [first], _ = ingest(capsys, db, partial)
    assert (code, first["status"], first["agency"], first["year"]) == (0, "stored", "洪泽区人民政府", 2023)
    code, [second], _ = ingest(capsys, db, full)
    assert (code, second["status"]) == (0, "new_version")
    read = current(db)
    code, [third], _ = ingest(capsys, db, partial)
    assert (code, third["status"], third["problems"][-1]["code"]) == (1, "partly_read", "KEPT_READABLE_VERSION")
    assert current(db) == read and read["report"]["versions"] == 2 and len(read["cells"]) > 150
    with Store(db) as store:
        assert changed_conditions(store.db) == []      # reading more of it is no silent edit
