"""One module per `nianjian` subcommand; each defines `register(subparsers)`. What they print
in words lives in `words.yaml` (the user's mistakes under `errors:`), what `--help` says in
`help.yaml`."""
from __future__ import annotations

from importlib import resources

import yaml

WORDS: dict = yaml.safe_load(resources.files("nianjian.commands").joinpath("words.yaml").read_text("utf-8"))


def run_summary(summary: dict) -> str:
    """A crawl run's one-line summary (`crawl`, `ingest-redis`, `python -m crawler.run`)."""
    words, reason = WORDS["runs"], summary["finish_reason"]
    return words["summary"].format(run=summary["run_id"], reason=words["reasons"].get(reason, reason),
                                   fetched=summary["fetched"], lists=summary["lists"],
                                   reports=summary["reports"], errors=summary["errors"])


def outcome(name: str) -> str:
    """What became of a document, in words: "已入库 stored"."""
    return WORDS["outcomes"].get(name, name)


def outcomes(counts: dict[str, int]) -> str:
    """What became of the documents, e.g. "已入库 stored 3，无变化 unchanged 1"."""
    return "，".join(f"{outcome(name)} {count}" for name, count in sorted(counts.items()))


def print_record_header(console, report) -> None:
    """A parsed report's title, facts and parse problems, as `parse` and `check` print them."""
    from rich.markup import escape

    words = WORDS["record"]
    console.print(f"[bold]{escape(report.title or words['no_title'])}[/bold]")
    console.print(words["facts"].format(agency=report.agency or "-", year=report.year or "-",
                                        template=report.template or "-", published=report.published or "-"),
                  markup=False, highlight=False)
    console.print(words["found"].format(sections="、".join(map(str, report.sections)) or words["none"],
                                        cells=len(report.cells)), markup=False, highlight=False)
    if report.problems:
        console.print(words["problems"], style="bold")
        for problem in report.problems:
            console.print(f"  {problem.code}: {problem.detail}", style="dim", markup=False, highlight=False)
