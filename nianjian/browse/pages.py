"""The report and changes pages rendered from their models (`nianjian.browse.report`), with
links into the Datasette that serves them."""
from __future__ import annotations

from importlib import resources

import jinja2

from nianjian.browse.agency import AgencyView
from nianjian.browse.grid import STATES
from nianjian.browse.links import SiteLinks
from nianjian.browse.report import WORDS, Changes, ReportView, sums

_ENV = jinja2.Environment(
    loader=jinja2.FunctionLoader(
        lambda name: resources.files("nianjian.browse").joinpath(name).read_text("utf-8")),
    autoescape=True, trim_blocks=True, lstrip_blocks=True)


def render_report(view: ReportView, links: SiteLinks) -> str:
    return _ENV.get_template("report.html").render(view=view, links=links, words=WORDS, sums=sums)


def render_changes(changes: Changes, links: SiteLinks) -> str:
    return _ENV.get_template("changes.html").render(changes=changes, links=links, words=WORDS)


def render_agency(view: AgencyView, links: SiteLinks) -> str:
    return _ENV.get_template("agency.html").render(view=view, links=links, words=WORDS, states=STATES)
