"""A red team for reading HTML tables as a browser shows them: made-up reports of both editions
(renderings.consistent_cells) printed as the official HTML grid, each cell's figure or label
dressed in one quirk of a family, the way portals hide anti-copy characters and mark cells.

A quirk is `(css, markup, kind)`: `css` goes into the page's `<style>` (or, starting with `<`,
into its head as it is), `markup` dresses a cell's text (`{t}` the text, `{a}` its first
character, `{b}` the rest, `{d}` a decoy the browser must not show: 7 in a figure, 据 in a
label). The page has no document type (quirks mode, as many portals' pages). `kind` says what
Chromium shows, checked once by check_visibility_with_chromium.py and written here:

- `hidden`: the decoy is not shown: the cell reads as its text;
- `shown`: markup that only looks hidden; the cell reads as its text, all of it;
- `mark`: a footnote mark after the text: read as the text (FOOTNOTE_MARK); `mark figure`: the
  same, after figures only (a character after a label is part of the label);
- `struck`: a struck figure beside the right one: the cell is absent (CELL_AMBIGUOUS).
"""
from __future__ import annotations

from html import escape

import renderings as R

DECOY = {True: "7", False: "据"}

FAMILIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    # hidden by the page's own <style> rules: class, id, tag, descendant and child selectors, !important
    "style_rules": (
        (".k-a{display:none}", '{a}<span class="k-a">{d}</span>{b}', "hidden"),
        ("#report .k-b{visibility:hidden}", '{a}<font class="k-b">{d}</font>{b}', "hidden"),
        ("span.k-c{font-size:0}", '{a}<span class="k-c">{d}</span>{b}', "hidden"),
        ("td .k-d{opacity:0}", '{a}<span class="k-d">{d}</span>{b}', "hidden"),
        (".k-e{color:transparent}", '{a}<span class="k-e">{d}</span>{b}', "hidden"),
        (".k-f{position:absolute;left:-9999px}", '{a}<span class="k-f">{d}</span>{b}', "hidden"),
        (".k-g{position:absolute;clip:rect(0 0 0 0)}", '{a}<span class="k-g">{d}</span>{b}', "hidden"),
        (".k-h{clip-path:inset(50%)}", '{a}<span class="k-h">{d}</span>{b}', "hidden"),
        (".k-i{display:inline-block;width:0;height:0;overflow:hidden}", '{a}<span class="k-i">{d}</span>{b}', "hidden"),
        ("em{display:none}", "{a}<em>{d}</em>{b}", "hidden"),
        (".k-j{display:none!important} #report td .k-j{display:inline}", '{a}<span class="k-j">{d}</span>{b}', "hidden"),
        (".k-k{display:inline} .k-k{display:none}", '{a}<span class="k-k">{d}</span>{b}', "hidden"),
        ("tr > td > .k-l{visibility:collapse}", '{a}<span class="k-l">{d}</span>{b}', "hidden"),
        (".k-m{font:0/0 a}", '{a}<span class="k-m">{d}</span>{b}', "hidden"),
        (".k-n{color:rgba(0,0,0,0)}", '{a}<span class="k-n">{d}</span>{b}', "hidden"),
        ("@media screen{.k-o{display:none}}", '{a}<span class="k-o">{d}</span>{b}', "hidden"),
        ("<style><!-- .k-p{display:none} --></style>", '{a}<span class="k-p">{d}</span>{b}', "hidden"),
        (".k-q.k-r{opacity:0.0}", '{a}<span class="k-q k-r">{d}</span>{b}', "hidden"),
        # the page has no document type: quirks mode, where ids and classes match case-blind
        (".K-Upper{display:none}", '{a}<span class="k-upper">{d}</span>{b}', "hidden"),
    ),
    "hidden_attribute": (
        ("", "{a}<span hidden>{d}</span>{b}", "hidden"),
        ("", '{a}<b hidden="hidden">{d}</b>{b}', "hidden"),
        (".k-s{color:#c00}", '{a}<span hidden class="k-s">{d}</span>{b}', "hidden"),
    ),
    "unshown_elements": (
        ("", '{a}<input type="hidden" value="{d}">{b}', "hidden"),
        ("", "{a}<template>{d}</template>{b}", "hidden"),
        ("", "{a}<noscript>{d}</noscript>{b}", "hidden"),
    ),
    # marks after a figure (and, raised, after a label)
    "footnote_marks": (
        ("", "{t}<sup>1</sup>", "mark"),
        ("", "{t}<sup>注</sup>", "mark"),
        (".k-t{vertical-align:super;font-size:smaller}", '{t}<span class="k-t">2</span>', "mark"),
        ("", "{t}①", "mark figure"),
        ("", "{t}*", "mark figure"),
    ),
    "struck": (
        ("", "<del>{d}</del>{t}", "struck"),
        ("", "<s>{d}</s> {t}", "struck"),
        ("", "<strike>{d}</strike><br>{t}", "struck"),
        (".k-u{text-decoration:line-through}", '<span class="k-u">{d}</span>{t}', "struck"),
    ),
    "format_characters": tuple(("", "{a}" + char + "{b}", "hidden") for char in
                               ("\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad")),
    # visible text that only looks hidden: the parser must read it
    "looks_hidden": (
        ("/* .k-v{display:none} */", '{a}<span class="k-v">{b}</span>', "shown"),
        ("<!-- <style>.k-w{display:none}</style> -->", '{a}<span class="k-w">{b}</span>', "shown"),
        (".nav .k-x{display:none}", '{a}<span class="k-x">{b}</span>', "shown"),
        (".k-y{visibility:hidden} .k-y span{visibility:visible}", '<span class="k-y">{d}<span>{t}</span></span>', "shown"),
        (".k-z{font-size:0} .k-z span{font-size:16px}", '<span class="k-z">{d}<span>{t}</span></span>', "shown"),
        (".k-0:hover{display:none}", '{a}<span class="k-0">{b}</span>', "shown"),
        (".k-1{clip:rect(0 0 0 0)}", '{a}<span class="k-1">{b}</span>', "shown"),
        (".k-2{width:0;height:0;overflow:hidden}", '{a}<span class="k-2">{b}</span>', "shown"),
        (".k-3{display:inline}", '{a}<span hidden class="k-3">{b}</span>', "shown"),
        (".k-4{display:none} .k-4{display:inline}", '{a}<span class="k-4">{b}</span>', "shown"),
        ("<noscript><style>.k-5{display:none}</style></noscript>", '{a}<span class="k-5">{b}</span>', "shown"),
    ),
}
# One struck figure in this many: a table of struck figures would leave little to read.
STRUCK_EVERY = 5


def applies(kind: str, figure: bool) -> bool:
    """Whether a quirk of this kind dresses a figure (a label)."""
    return figure or kind in ("hidden", "shown", "mark")


def dressed(text: str, quirk: tuple[str, str, str], figure: bool) -> str:
    _, markup, _ = quirk
    return markup.format(t=escape(text), a=escape(text[:1]), b=escape(text[1:]), d=DECOY[figure])


def head(quirks) -> str:
    """The page's style sheet and head markup for the quirks."""
    sheet = " ".join(css for css, _, _ in quirks if css and not css.startswith("<"))
    raw = "".join(css for css, _, _ in quirks if css.startswith("<"))
    return (f"<style>{sheet}</style>" if sheet else "") + raw


def _keyed_grids(edition: str, cells: dict) -> tuple[dict, dict, list[str]]:
    """The report's grids, the same grids with every printed figure replaced by a number naming
    its key (which key each figure cell holds), and the keys so numbered."""
    keys = sorted(cells)
    probe = {k: None if cells[k] is None else 900000 + at for at, k in enumerate(keys)}
    return R._changed_grids(edition, cells, ()), R._changed_grids(edition, probe, ()), keys


def render(title: str, edition: str, cells: dict, family: str) -> tuple[bytes, dict]:
    """(page bytes, the cells a reader must get: absent where the family leaves a cell unreadable)."""
    quirks = FAMILIES[family]
    grids, probes, keys = _keyed_grids(edition, cells)
    expected = dict(cells)
    at = figures = 0
    body = [f"<h1>{escape(title)}</h1>"]
    for number, heading in R.SECTIONS.items():
        body.append(f"<p>{heading}</p>")
        if R._prose(number):
            body.append(f"<p>{R._prose(number)}</p>")
        for grid, probe in zip(grids.get(number, []), probes.get(number, [])):
            rows = []
            for line, probe_line in zip(grid, probe):
                tds = []
                for cell, probe_cell in zip(line, probe_line):
                    text = escape(cell.text)
                    if cell.text:
                        usable = [q for q in quirks if applies(q[2], cell.value)]
                        quirk = usable[at % len(usable)] if usable else None
                        at += 1
                        if quirk and quirk[2] == "struck":
                            figures += 1
                            if figures % STRUCK_EVERY:
                                quirk = None
                            else:
                                del expected[keys[int(probe_cell.text) - 900000]]
                        if quirk:
                            text = dressed(cell.text, quirk, cell.value)
                    spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
                            (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
                    tds.append(f"<td{spans}>{text}</td>")
                rows.append("<tr>" + "".join(tds) + "</tr>")
            body.append('<table border="1" cellspacing="0">' + "\n".join(rows) + "</table>")
    page = (f'<html><head><meta charset="utf-8"><title>{escape(title)}</title>{head(quirks)}</head>'
            f'<body><div id="report">{"".join(body)}</div></body></html>')
    return page.encode("utf-8"), expected
