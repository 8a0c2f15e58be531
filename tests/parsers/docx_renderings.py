"""The made-up reports of renderings.py written as Word and WPS write .docx files, one markup
family per style, for the DOCX front-end's tests (tests/parsers/test_docx_renderings.py) and
benchmarks/docx_robustness.py.

Each style draws the official spanned grids (`renderings.official_grids`) as WordprocessingML
with the markup of one family seen in real files. `render_docx` gives the bytes and the keys
of the cells that style really loses (a figure Word computes from a field whose result was
never stored): those must be absent, with a problem; every other cell must read back as made.
"""
from __future__ import annotations

import io
import re
from html import escape

import docx
from docx.oxml import parse_xml

from renderings import SECTIONS, _origins, _prose, _width, official_grids

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')

# style → the markup changes it makes (each described in _cell_xml, _row_xml, _table_xml, _body)
DOCX_STYLES = {
    "plain": (),                         # gridSpan and vMerge restart/continue, one run per cell
    # tracked changes left in: figures corrected (old one in w:del, new in w:ins), moved
    # (w:moveFrom/w:moveTo), labels edited, a t3 row replaced (w:trPr/w:del and w:ins)
    "tracked": ("tracked",),
    # w:vanish, w:specVanish (directly or by a character style) and w:webHidden characters in
    # figures and labels; a figure with web-hidden text is printed with it: which it is cannot be told
    "hidden": ("hidden",),
    # text boxes (DrawingML in mc:AlternateContent with its VML fallback, and VML alone)
    # anchored in the title, headings, labels and figure cells; section 四's table inside one
    "textbox": ("textbox",),
    # w:customXml, w:sdt around rows, cells, runs and tables; w:smartTag, w:hyperlink around
    # runs; totals as fields with their result stored (w:fldSimple, w:fldChar/w:instrText)
    "wrappers": ("wrappers", "fields"),
    # totals as formula fields whose result Word never stored: not shown until updated
    "unstored_fields": ("unstored",),
    "legacy_merges": ("hmerge", "grid_before", "short_rows"),   # w:hMerge, w:gridBefore/gridAfter, rows short of the grid
    # cells of several paragraphs, soft breaks (w:br) in labels, figures cut into one run per
    # digit, full-width figures
    "paragraphs": ("paragraphs", "digit_runs", "fullwidth"),
    "numbering": ("numbering",),         # enumerators (一、 （一） 1.) drawn by Word from w:numPr
    # footnote/endnote references, typed marks raised directly or by a character style, after figures
    "notes": ("notes",),
    # figures typed as equations (OMML) or pasted as inline pictures: lost; t3's corner label in a
    # text box (a diagonal header); a label with a phonetic guide (w:ruby)
    "objects": ("objects",),
    "nested": ("nested",),               # each section's table inside a one-cell layout table, heading included
    "continued": ("continued",),         # t3 cut by a page break, its header rows repeated (w:tblHeader)
    "wps_combined": ("tracked", "hidden", "wrappers", "fields", "hmerge", "paragraphs", "digit_runs",
                     "numbering", "notes", "continued"),
}
# Character styles the styles hide or raise runs by (Word's own footnote mark style is one)
CHARACTER_STYLES = tuple(
    f'<w:style {NAMESPACES} w:type="character" w:customStyle="1" w:styleId="{name}"><w:name w:val="{name}"/>'
    f'{based}<w:rPr>{props}</w:rPr></w:style>'
    for name, based, props in (("RaisedBase", "", '<w:vertAlign w:val="superscript"/>'),
                               ("NoteMark", '<w:basedOn w:val="RaisedBase"/>', "<w:sz w:val=\"18\"/>"),
                               ("HiddenText", "", "<w:vanish/>")))
PLACEHOLDER = '<w:rStyle w:val="PlaceholderText"/>'
_ENUMERATOR = re.compile(r"^(?:([一二三四五六七八九十]+)、|（([一二三四五六七八九十]+)）|([0-9]+)\.)")
_CHINESE = "一二三四五六七八九十"


def render_docx(title: str, edition: str, cells: dict, style: str) -> tuple[bytes, set[str]]:
    """(bytes of the .docx, keys of the cells the style loses) of a report in one style."""
    writer = _Writer(DOCX_STYLES[style])
    grids = official_grids(edition, cells)
    keys = _value_keys(edition, cells, grids)
    body = [writer.paragraph(title, "title")]
    for number, heading in SECTIONS.items():
        body.append(writer.paragraph(heading, "heading"))
        if _prose(number):
            body.append(writer.paragraph(_prose(number), "prose"))
        if number in grids:
            body += writer.tables(grids[number], keys.get(number, {}), heading)
    document = docx.Document()
    root = document.element.body
    section = root[-1]
    for element in parse_xml(f"<w:body {NAMESPACES}>{''.join(body)}</w:body>"):
        section.addprevious(element)
    if writer.numbered:
        writer.add_numbering(document)
    for style in CHARACTER_STYLES:
        document.styles.element.append(parse_xml(style))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), writer.lost


def _value_keys(edition: str, cells: dict, grids: dict) -> dict:
    """section → {(row, column) of a value cell in its grid: its key}, read off the template's
    order: values are laid out row by row in the keys' order (t2 blocks, t3 rows, t4)."""
    from parsers.template import TEMPLATE
    order = {2: [f"t2.{r}.{c}" for b in TEMPLATE.t2[edition] for r in b.rows for c in b.columns
                 if any(f"t2.{r}.{x}" in cells for x in b.columns)],
             3: [f"t3.{r}.{c}" for r in TEMPLATE.t3_rows for c in TEMPLATE.t3_columns
                 if any(f"t3.{r}.{x}" in cells for x in TEMPLATE.t3_columns)],
             4: list(TEMPLATE.t4_keys())}
    out = {}
    for number, grid in grids.items():
        places = [(r, c) for r, c, cell in _origins(grid) if cell.value]
        assert len(places) == len(order[number]), (number, len(places), len(order[number]))
        out[number] = dict(zip(places, order[number]))
    return out


class _Writer:
    def __init__(self, changes: tuple):
        self.changes = changes
        self.at = 0                       # cells written so far: picks each cell's variant
        self.ids = 100                    # w:id of revisions, bookmarks, shapes
        self.lost: set[str] = set()
        self.numbered = False
        self.counters: dict[int, list[int]] = {}          # list kind → its counters by level
        self.restarts: list[tuple[int, int, int]] = []    # (kind, level, number) of each list restarted

    def next_id(self) -> int:
        self.ids += 1
        return self.ids

    # ------------------------------------------------------------ paragraphs and runs
    def paragraph(self, text: str, role: str) -> str:
        inner, props = self.label_runs(text)
        if "textbox" in self.changes and role in ("title", "heading"):
            inner += self.textbox("2023" if role == "title" else "附", vml_only=role == "heading")
        if "wrappers" in self.changes and role == "heading":
            return f'<w:customXml w:element="heading"><w:p>{props}{inner}</w:p></w:customXml>'
        return f"<w:p>{props}{inner}</w:p>"

    def run(self, text: str, props: str = "") -> str:
        if not text:
            return ""
        rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
        return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'

    def label_runs(self, text: str) -> tuple[str, str]:
        """(runs, w:pPr) of a label, heading or prose line."""
        props = ""
        if "numbering" in self.changes:
            text, props = self.numbered_label(text)
        runs = self.run(text)
        if "tracked" in self.changes and len(text) > 3:
            author = 'w:author="张三" w:date="2023-01-10T09:00:00Z"'
            runs = (self.run(text[:2]) + f'<w:del w:id="{self.next_id()}" {author}><w:r><w:delText>原</w:delText></w:r></w:del>'
                    + f'<w:ins w:id="{self.next_id()}" {author}>{self.run(text[2:3])}</w:ins>' + self.run(text[3:]))
            if self.at % 3 == 0:
                runs += (f'<w:moveFrom w:id="{self.next_id()}" {author}>{self.run("（已移）")}</w:moveFrom>')
        if "hidden" in self.changes and len(text) > 1:
            mark = '<w:rStyle w:val="HiddenText"/>' if self.at % 2 else "<w:vanish/>"
            runs = self.run(text[:1]) + self.run("隐", mark) + self.run(text[1:])
        if "paragraphs" in self.changes and len(text) > 4 and self.at % 2:
            cut = _ENUMERATOR.match(text)
            at = cut.end() if cut and cut.end() < len(text) else len(text) // 2
            runs = self.run(text[:at]) + "<w:r><w:br/></w:r>" + self.run(text[at:])
        if "objects" in self.changes and text.endswith("予以公开"):
            runs = (self.run(text[:-4]) + '<w:r><w:ruby><w:rubyPr><w:rubyAlign w:val="center"/></w:rubyPr>'
                    f'<w:rt>{self.run("yǔ yǐ gōng kāi")}</w:rt><w:rubyBase>{self.run("予以公开")}</w:rubyBase></w:ruby></w:r>')
        if "objects" in self.changes and text.startswith("（本列数据"):     # a diagonal header's words in a text box
            runs = self.textbox(text)
        if "wrappers" in self.changes and len(text) > 3:
            runs = (f'<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="PersonName">'
                    f"{self.run(text[:2])}</w:smartTag>{self.run(text[2:])}")
        return runs, props

    def numbered_label(self, text: str) -> tuple[str, str]:
        """The label without its enumerator, and the w:numPr that makes Word draw it: one list
        per enumerator kind, counted by Word as the labels come."""
        match = _ENUMERATOR.match(text)
        if not match:
            return text, ""
        chinese, bracketed, decimal = match.groups()
        if decimal:
            level, number = 1, int(decimal)
        else:
            level, number = 0, _CHINESE.index(chinese or bracketed) + 1
        kind = 0 if chinese else 1         # 一、 lists, and the （一）/1. two-level list
        counters = self.counters.setdefault(kind, [0, 0])
        counters[level] += 1
        if level == 0:
            counters[1] = 0
        if counters[level] != number:       # not the next number of its list: a list restarted here
            self.restarts.append((kind, level, number))
            counters[level] = number
            if level == 0:
                counters[1] = 0
            num = 10 + len(self.restarts)
        else:
            num = 1 + kind
        self.numbered = True
        return text[match.end():], f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr></w:pPr>'

    def add_numbering(self, document) -> None:
        """The two lists' definitions (一、 and （一）/1.) and a w:num per restarted list."""
        levels = {0: [("chineseCounting", "%1、")], 1: [("chineseCounting", "（%1）"), ("decimal", "%2.")]}
        xml = []
        for kind, lvls in levels.items():
            body = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                           f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
                           for i, (fmt, text) in enumerate(lvls))
            xml.append(f'<w:abstractNum {NAMESPACES} w:abstractNumId="{90 + kind}">'
                       f'<w:multiLevelType w:val="multilevel"/>{body}</w:abstractNum>')
        nums = [f'<w:num {NAMESPACES} w:numId="{1 + kind}"><w:abstractNumId w:val="{90 + kind}"/></w:num>'
                for kind in levels]
        for at, (kind, level, number) in enumerate(self.restarts):
            nums.append(f'<w:num {NAMESPACES} w:numId="{11 + at}"><w:abstractNumId w:val="{90 + kind}"/>'
                        f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{number}"/></w:lvlOverride></w:num>')
        numbering = document.part.numbering_part.element
        for element in xml:
            numbering.insert(0, parse_xml(element))
        for element in nums:
            numbering.append(parse_xml(element))

    def textbox(self, text: str, vml_only: bool = False, raw: bool = False) -> str:
        """A text box anchored in the paragraph: DrawingML with its VML fallback (Word 2010+),
        or VML alone (older Word, WPS); `raw`: `text` is the box's blocks (a table)."""
        box = f'<w:txbxContent>{text if raw else f"<w:p>{self.run(text)}</w:p>"}</w:txbxContent>'
        vml = f'<w:pict><v:shape id="box{self.next_id()}" style="width:40pt;height:20pt"><v:textbox>{box}</v:textbox></v:shape></w:pict>'
        if vml_only:
            return f"<w:r>{vml}</w:r>"
        drawing = (f'<w:drawing><wp:anchor behindDoc="0" distT="0" distB="0" distL="0" distR="0" simplePos="0" '
                   f'relativeHeight="1" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
                   f'<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
                   f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
                   f'<wp:extent cx="508000" cy="254000"/><wp:wrapNone/><wp:docPr id="{self.next_id()}" name="文本框"/>'
                   f'<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
                   f'<wps:wsp><wps:txbx>{box}</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>'
                   f'</wp:anchor></w:drawing>')
        return (f'<w:r><mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
                f"<mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></w:r>")

    def figure_runs(self, text: str, key: str | None) -> str:
        """The paragraph content of a figure cell (`text` as printed, "" for a blank)."""
        at = self.at
        if "fullwidth" in self.changes:
            text = text.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
        runs = self.run(text)
        if "digit_runs" in self.changes and text:
            runs = "".join(self.run(ch, '<w:rFonts w:ascii="Times New Roman"/>') for ch in text)
        author = f'w:author="李四" w:date="2023-01-11T10:00:00Z"'
        if "tracked" in self.changes:
            old = self.run(str(at % 90 + 10))
            if text and at % 3 == 0:        # corrected: the old figure deleted, the new inserted
                runs = (f'<w:del w:id="{self.next_id()}" {author}>{old.replace("w:t ", "w:delText ").replace("</w:t>", "</w:delText>")}</w:del>'
                        f'<w:ins w:id="{self.next_id()}" {author}>{runs}</w:ins>')
            elif text and at % 3 == 1:      # moved here from elsewhere; the old figure moved away
                runs = (f'<w:moveFrom w:id="{self.next_id()}" {author}>{old}</w:moveFrom>'
                        f'<w:moveTo w:id="{self.next_id()}" {author}>{runs}</w:moveTo>')
            elif not text:                  # a 0 deleted, leaving the cell blank; some tools keep w:t in w:del
                runs = f'<w:del w:id="{self.next_id()}" {author}>{old if at % 2 else old.replace("w:t ", "w:delText ").replace("</w:t>", "</w:delText>")}</w:del>'
        if "hidden" in self.changes and text:
            mark = ("<w:vanish/>", "<w:vanish/><w:specVanish/>", "<w:webHidden/>")[at % 3]
            runs = self.run(text[:1]) + self.run("7", mark) + self.run(text[1:])
            if at % 3 == 2 and key:     # hidden on the web only, printed: which the figure is cannot be told
                self.lost.add(key)
        if "textbox" in self.changes and text:
            runs += self.textbox(str(at % 9 + 1), vml_only=at % 2 == 1) if at % 3 == 0 else ""
        if "wrappers" in self.changes and text:
            wrap = at % 5
            if wrap == 0:
                runs = f'<w:customXml w:element="figure">{runs}</w:customXml>'
            elif wrap == 1:
                runs = f'<w:sdt><w:sdtPr><w:id w:val="{self.next_id()}"/></w:sdtPr><w:sdtContent>{runs}</w:sdtContent></w:sdt>'
            elif wrap == 2:
                runs = f'<w:hyperlink w:anchor="t{at}">{runs}</w:hyperlink>'
            elif wrap == 3:
                runs = f'<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="chmetcnv">{runs}</w:smartTag>'
        if "wrappers" in self.changes and not text and at % 2:     # a content control left at its prompt
            runs = (f'<w:sdt><w:sdtPr><w:id w:val="{self.next_id()}"/><w:showingPlcHdr/></w:sdtPr>'
                    f"<w:sdtContent>{self.run('单击或点击此处输入文字。', PLACEHOLDER)}</w:sdtContent></w:sdt>")
        if "objects" in self.changes and text and key and at % 5 == 0:
            self.lost.add(key)
            if at % 2:            # the figure typed as an equation
                runs = f"<m:oMath><m:r><m:t>{escape(text)}</m:t></m:r></m:oMath>"
            else:                 # the figure pasted as a picture of it
                runs = (f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="300000" cy="150000"/>'
                        f'<wp:docPr id="{self.next_id()}" name="图片"/><a:graphic><a:graphicData '
                        f'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
                        f'<pic:cNvPr id="0" name="figure.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill/><pic:spPr/>'
                        f'</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
        if "fields" in self.changes and key and key.endswith(".total") and text:
            if at % 2:
                runs = f'<w:fldSimple w:instr=" =SUM(LEFT) ">{runs}</w:fldSimple>'
            else:
                runs = (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> =SUM(LEFT) \\# "0" </w:instrText></w:r>'
                        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{runs}<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        if "unstored" in self.changes and key and key.endswith(".total") and text:
            self.lost.add(key)
            if at % 2:
                runs = '<w:fldSimple w:instr=" =SUM(LEFT) " w:dirty="true"/>'
            else:
                runs = ('<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve"> =SUM(LEFT) </w:instrText></w:r>'
                        '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        if "notes" in self.changes and text and at % 4 == 0:
            runs += ('<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r>',
                     '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>1</w:t></w:r>',
                     '<w:r><w:rPr><w:rStyle w:val="EndnoteReference"/></w:rPr><w:endnoteReference w:id="2"/></w:r>',
                     '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>注2</w:t></w:r>',
                     '<w:r><w:rPr><w:rStyle w:val="NoteMark"/></w:rPr><w:t>3</w:t></w:r>',
                     '<w:r><w:rPr><w:vertAlign w:val="subscript"/></w:rPr><w:t>4</w:t></w:r>')[at // 4 % 6]
        return runs

    # ------------------------------------------------------------ cells, rows, tables
    def cell(self, cell, key: str | None, span: int, merge: str) -> list[str]:
        """The w:tc (several with w:hMerge) of one grid position; `merge`: "", "restart",
        "continue" (w:vMerge)."""
        self.at += 1
        vmerge = {"": "", "restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}[merge]
        if merge == "continue":
            content = "<w:p/>"
        elif cell.value:
            runs = self.figure_runs(cell.text, key)
            paragraph = f"<w:p><w:pPr><w:jc w:val=\"right\"/></w:pPr>{runs}</w:p>"
            if "paragraphs" in self.changes and self.at % 3 == 0:
                paragraph = "<w:p/>" + paragraph + "<w:p/>"      # figures centred down with empty paragraphs
            content = paragraph
        else:
            runs, props = self.label_runs(cell.text)
            if "textbox" in self.changes and cell.text and self.at % 4 == 0:
                runs += self.textbox(str(self.at % 7 + 1))
            content = f"<w:p>{props}{runs}</w:p>"
            if "paragraphs" in self.changes and self.at % 3 == 0 and len(cell.text) > 6:
                half = len(cell.text) // 2     # a label in two paragraphs: the second line pressed Enter
                content = f"<w:p>{self.run(cell.text[:half])}</w:p><w:p>{self.run(cell.text[half:])}</w:p>"
        if span > 1 and "hmerge" in self.changes:
            first = f"<w:tc><w:tcPr><w:hMerge w:val=\"restart\"/>{vmerge}</w:tcPr>{content}</w:tc>"
            rest = f"<w:tc><w:tcPr><w:hMerge/>{vmerge}</w:tcPr><w:p/></w:tc>"
            tcs = [first] + [rest] * (span - 1)
        else:
            grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            tcs = [f"<w:tc><w:tcPr>{grid_span}{vmerge}</w:tcPr>{content}</w:tc>"]
        if "wrappers" in self.changes:
            wrap = self.at % 7
            if wrap == 0:
                tcs = [f'<w:customXml w:element="cell">{"".join(tcs)}</w:customXml>']
            elif wrap == 3:
                tcs = [f'<w:sdt><w:sdtPr><w:id w:val="{self.next_id()}"/></w:sdtPr><w:sdtContent>{"".join(tcs)}</w:sdtContent></w:sdt>']
        return tcs

    def rows(self, grid, keys: dict) -> list[str]:
        """Every row of the grid as a w:tr (spans as gridSpan/vMerge or hMerge)."""
        from nianjian.demo_portal.markup import expand_cells
        matrix = expand_cells(grid)
        width = _width(grid)
        owner = {}
        for r, c, cell in _origins(grid):
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    owner[r + dr, c + dc] = (r, c, cell)
        out = []
        for r in range(len(matrix)):
            tcs, c = [], 0
            while c < width:
                top, left, cell = owner[r, c]
                merge = "" if cell.rowspan == 1 else "restart" if top == r else "continue"
                tcs += self.cell(cell, keys.get((r, c)), cell.colspan, merge)
                c += cell.colspan
            caption = len(tcs) == 1 and width > 1
            props = ""
            if "short_rows" in self.changes and caption:   # a caption row: one cell, the rest of the grid absent
                tcs = [re.sub(r'<w:gridSpan w:val="\d+"/>', "", tcs[0])]
            if "grid_before" in self.changes:       # the table drawn indented by an empty grid column, a spare one after
                props = '<w:trPr><w:gridBefore w:val="1"/><w:wBefore w:w="200" w:type="dxa"/><w:gridAfter w:val="1"/></w:trPr>'
            if "continued" in self.changes and r < _header_rows_of(grid):
                props = "<w:trPr><w:tblHeader/></w:trPr>"
            out.append(f"<w:tr>{props}{''.join(tcs)}</w:tr>")
        return out

    def tables(self, grid, keys: dict, heading: str) -> list[str]:
        width = _width(grid) + (2 if "grid_before" in self.changes else 0)
        columns = "".join('<w:gridCol w:w="700"/>' for _ in range(width))
        rows = self.rows(grid, keys)
        if "wrappers" in self.changes:
            rows = [f'<w:customXml w:element="row">{row}</w:customXml>' if at % 4 == 0 else
                    f'<w:sdt><w:sdtPr><w:id w:val="{self.next_id()}"/></w:sdtPr><w:sdtContent>{row}</w:sdtContent></w:sdt>'
                    if at % 4 == 3 else row for at, row in enumerate(rows)]
        if "tracked" in self.changes and "t3.granted.total" in keys.values():
            rows = self.replaced_row(rows, grid, keys)

        def table(part: list[str]) -> str:
            return (f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
                    f"<w:tblGrid>{columns}</w:tblGrid>{''.join(part)}</w:tbl>")
        head = _header_rows_of(grid)
        if "continued" in self.changes and len(rows) - head > 6:
            cut = head + (len(rows) - head) // 2
            page_break = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
            out = [table(rows[:cut]), page_break, table(rows[:head] + rows[cut:])]
        else:
            out = [table(rows)]
        if "wrappers" in self.changes:
            out = [f'<w:customXml w:element="table">{out[0]}</w:customXml>'] + out[1:]
        if "textbox" in self.changes and heading.startswith("四"):     # the table drawn in a text box
            out = [f"<w:p>{self.textbox(''.join(out), raw=True)}</w:p>"]
        if "nested" in self.changes:
            inner = f"<w:p>{self.run(heading + '（续表）')}</w:p>" if heading else ""
            out = [f'<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="9000"/></w:tblGrid><w:tr><w:tc><w:tcPr/>'
                   f"{inner}{''.join(out)}<w:p/></w:tc></w:tr></w:tbl>"]
        return out

    def replaced_row(self, rows: list[str], grid, keys: dict) -> list[str]:
        """The （一）予以公开 row as first typed, deleted with tracked changes (w:trPr/w:del),
        followed by the corrected row, inserted (w:trPr/w:ins)."""
        r = next(r for (r, c), key in keys.items() if key == "t3.granted.total")
        author = 'w:author="王五" w:date="2023-01-12T11:00:00Z"'
        old = re.sub(r'(<w:t xml:space="preserve">)(\d+)(</w:t>)', lambda m: m.group(1) + str(int(m.group(2)) + 5) + m.group(3), rows[r])
        old = old.replace("<w:tr>", f'<w:tr><w:trPr><w:del w:id="{self.next_id()}" {author}/></w:trPr>', 1)
        new = rows[r].replace("<w:tr>", f'<w:tr><w:trPr><w:ins w:id="{self.next_id()}" {author}/></w:trPr>', 1)
        return rows[:r] + [old, new] + rows[r + 1:]


def _header_rows_of(grid) -> int:
    return next(i for i, line in enumerate(grid) if any(c.value for c in line))


STYLES = tuple(DOCX_STYLES)


def title_of(edition: str) -> str:
    return f"青山县人民政府{2020 if edition == '2019' else 2022}年政府信息公开工作年度报告"

