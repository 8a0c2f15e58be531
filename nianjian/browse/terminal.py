"""The printed-template layout (`nianjian.browse.report.printed_sections`) in a terminal: the
same Chinese labels as the report page, group rows as indented headings, and a table too wide
for a terminal (section 四's fifteen numbers) turned on its side."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from nianjian.browse.report import Label, PrintedTable, Section, Slot

_WIDEST = 8        # value columns a terminal table shows side by side; wider ones are turned


def column_paths(table: PrintedTable) -> list[list[str]]:
    """Each value column's header labels, top to bottom, from the spanning header rows."""
    width = sum(item.colspan for item in table.rows[0] if item.kind == "label") + len(
        [item for item in table.rows[0] if item.kind == "value"])
    grid: list[list[Label | None]] = [[None] * width for _ in table.head]
    for r, head in enumerate(table.head):
        c = 0
        for label in head:
            while grid[r][c] is not None:
                c += 1
            for dr in range(label.rowspan):
                for dc in range(label.colspan):
                    grid[r + dr][c + dc] = label
            c += label.colspan
    values = len(table.rows[0]) and sum(1 for item in table.rows[0] if item.kind == "value")
    paths = []
    for c in range(width - values, width):
        path: list[str] = []
        for r in range(len(table.head)):
            label = grid[r][c]
            if label is not None and (not path or path[-1] != label.text):
                path.append(label.text)
        paths.append(path)
    return paths


def _two_lines(label: str) -> str:
    if len(label) <= 3:
        return label
    half = -(-len(label) // 2)
    return f"{label[:half]}\n{label[half:]}"


def _text(slot: Slot) -> str:
    if slot.changed:
        before = slot.before.text if slot.before else ""
        return f"{before}→{slot.now.text if slot.now else ''}"
    return slot.now.text if slot.now else ""


def _style(slot: Slot, severities: dict[int, str]) -> str:
    if slot.changed:
        return "bold green"
    marks = [severities.get(n) for n in slot.marks]
    return "bold red" if "error" in marks else ("yellow" if marks else "")


def terminal_table(table: PrintedTable, severities: dict[int, str] | None = None) -> Table:
    """`severities`: finding number → severity, to colour the failing cells."""
    severities = severities or {}
    paths = column_paths(table)
    out = Table(title=table.caption, title_justify="left", show_lines=False)
    if len(paths) > _WIDEST and len(table.rows) == 1:
        out.add_column("")
        out.add_column("", justify="right")
        for path, slot in zip(paths, table.rows[0]):
            out.add_row(" ".join(path), _text(slot), style=_style(slot, severities))
        return out
    # row labels wrap rather than vanish into "…"; headers on two lines let seven numbers fit in
    # 80 columns (a run of Chinese is one word to rich, so it would not break it itself)
    out.add_column("", min_width=16, overflow="fold")
    for path in paths:
        out.add_column(_two_lines(path[-1]), justify="right")
    open_groups: list[int] = []            # rows left in each group being printed
    for row in table.rows:
        labels = [item for item in row if item.kind == "label"]
        for label in labels[:-1]:
            out.add_row("  " * len(open_groups) + label.text, style="bold")
            open_groups.append(label.rowspan)
        slots = [item for item in row if item.kind == "value"]
        cells = [(_text(s), _style(s, severities)) for s in slots]
        out.add_row("  " * len(open_groups) + labels[-1].text,
                    *(Text(text, style=style) for text, style in cells))
        open_groups = [n - 1 for n in open_groups if n > 1]
    return out


def print_sections(console: Console, sections: list[Section], severities: dict[int, str] | None = None) -> None:
    for section in sections:
        if not any(slot.now or slot.before for slot in section.slots()):
            continue
        console.print(f"[bold]{section.title}[/]")
        for table in section.tables:
            console.print(terminal_table(table, severities))
