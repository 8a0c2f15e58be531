"""What a browser shows of an HTML page: one pass over the article body that drops what it does
not show and marks what it shows ambiguously, before the text is read.

Hidden is decided the way Chromium decides it, for what this module can evaluate: the inline
`style` attributes, the page's own `<style>` rules with simple selectors (tag, `#id`, `.class`,
descendant and child combinators, `!important`, specificity and order, ids and classes
case-blind in quirks mode; a rule with anything else is not applied), the `hidden` attribute, and elements whose content is never shown
(`<template>`, `<noscript>`, scripts). An element is dropped when its box shows nothing
(display:none, opacity:0, far off-screen, a clip or clip-path of no area, a zero-sized box that
hides its overflow); its text alone when an inherited property hides it (visibility:hidden,
color:transparent, font-size:0), unless a descendant shows it again (visibility:visible).

What is shown but cannot be read as one figure is marked: struck text (`<del>`, `<s>`,
`<strike>`, text-decoration:line-through) becomes `<s>`, raised text (vertical-align:super)
`<sup>`, and a clip-path this module cannot evaluate is `doubtful`; the HTML front-end then
reads the table cells holding them (`parsers.html`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

# Words of declarations that may hide (or strike, or raise) text, in lower case: an inline style
# without any is not looked into. Plain substring tests: a regular expression over the joined
# styles of a Word-exported table (25 KB of them) would cost more than the rest of the page.
_MAY_HIDE_WORDS = ("display", "visibility", "opacity", "transparent", "rgba", "hsla", "clip", "line-through",
                   "super", "overflow", "position")
_ZERO_FONT = re.compile(r"font(?:-size)?\s*:\s*0")


def _may_hide_style(style: str) -> bool:
    """Whether a style (in lower case) may hide, strike or raise something."""
    return any(word in style for word in _MAY_HIDE_WORDS) or bool(_ZERO_FONT.search(style))


# The properties that decide what is shown; other declarations are not kept.
_PROPERTIES = frozenset({"display", "visibility", "opacity", "color", "font-size", "font", "position", "left",
                         "top", "clip", "clip-path", "width", "height", "overflow", "overflow-x", "overflow-y",
                         "float", "text-decoration", "text-decoration-line", "vertical-align"})
# Inherited properties that hide text while a descendant may show it again.
_INHERITED = ("visibility", "color", "font-size")
# Elements whose content the browser never shows; what a script writes in their place cannot be told.
NEVER_SHOWN = ("template", "noscript", "style", "script")
# Struck text and raised text, as marked up (the pass gives styled ones these tags).
MARK_TAGS = ("sup", "s", "del", "strike")
# A row or cell whose text is all hidden is a hidden row or column of the table (Excel, Word),
# read as not there.
_TABLE_PARTS = frozenset({"tr", "td", "th", "tbody", "thead", "tfoot"})
# An offset this far to the left or top (px; em taken as 16 px) puts a box off the screen.
OFF_SCREEN_PX = -1000
# A box put back this far from where it stood (position:relative) may be off the page or not.
NEAR_OFF_SCREEN_PX = -100

_STYLE_TEXTS = etree.XPath("descendant::*/@style", smart_strings=False)
_STYLED = etree.XPath("descendant::*[@style]")
_HIDDEN_ATTRIBUTE = etree.XPath("descendant::*/@hidden")
# A sheet inside <noscript> or <template> is not applied (a browser running scripts does not read them).
_SHEETS = etree.XPath("descendant::style[not(ancestor::noscript or ancestor::template)]/text()", smart_strings=False)


@dataclass(frozen=True)
class _Rule:
    chain: tuple            # compounds right to left, each (combinator to its left, tag, id, classes)
    specificity: tuple[int, int, int]
    order: int
    declarations: tuple     # (property, value, important)


# ---------------------------------------------------------------- declarations and rules
_DECLARATION = re.compile(r"([-a-zA-Z]+)\s*:\s*([^;]*)")


def declarations(style: str) -> list[tuple[str, str, bool]]:
    """(property, value, important) of a style's declarations that decide what is shown."""
    out = []
    for name, value in _DECLARATION.findall(style):
        name = name.lower()
        if name in _PROPERTIES:
            value = value.strip().lower()
            important = value.endswith("important") and "!" in value
            value = value.split("!")[0].strip() if important else value
            if name == "font":          # the shorthand sets the size: font:0/0 a hides text
                size = _FONT_SIZE.match(value)
                if not size:
                    continue
                name, value = "font-size", size.group(1)
            out.append((name, value, important))
    return out


_FONT_SIZE = re.compile(r"(?:[a-z-]+\s+)*([\d.]+[a-z%]*)")


_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_COMPOUND = re.compile(r"([a-zA-Z][\w-]*)?((?:[#.][\w-]+)*)$")
_COMBINATOR = re.compile(r"\s*>\s*|\s+")
_SCREEN_MEDIA = re.compile(r"@media\s+(?:only\s+)?(?:screen|all)\s*(?:,\s*(?:screen|all|print)\s*)*$", re.I)


_BRACES = re.compile(r"[{}]")


def _blocks(css: str):
    """(prelude, body) of each top-level block of a style sheet, nested blocks left inside; a
    block left open at the end runs to the end (as browsers close it)."""
    depth = start = at = 0
    for brace in _BRACES.finditer(css):
        if brace.group() == "{":
            if not depth:
                start = brace.start()
            depth += 1
        elif depth:
            depth -= 1
            if not depth:
                prelude = css[at:start]
                yield prelude[prelude.rfind("}") + 1:].strip(), css[start + 1:brace.start()]
                at = brace.end()
    if depth:
        prelude = css[at:start]
        yield prelude[prelude.rfind("}") + 1:].strip(), css[start + 1:]


def _selector(text: str):
    """A selector as compounds right to left, or None when it is not a simple one."""
    parts = _COMBINATOR.split(text.strip())
    combinators = _COMBINATOR.findall(text.strip())
    if len(parts) > MAX_COMPOUNDS:
        return None
    chain = []
    for at, part in enumerate(parts):
        found = _COMPOUND.match(part)
        if not part or not found:
            return None
        tag, rest = found.group(1), found.group(2)
        ids = re.findall(r"#([\w-]+)", rest)
        chain.append((">" if at and ">" in combinators[at - 1] else " ", (tag or "").lower() or None,
                      ids[0] if len(ids) == 1 else None if not ids else "\x00",
                      frozenset(re.findall(r"\.([\w-]+)", rest))))
    return tuple(reversed(chain))


@dataclass
class Sheet:
    """The page's simple style rules that decide what is shown, indexed by what their last
    compound asks (an id, a class, a tag)."""
    by_key: dict
    hiding: list        # rules with declarations that may hide, alone or with other rules' help

    folded: dict | None = None      # by_key with ids and classes in lower case (quirks mode)

    def index(self, fold: bool) -> dict:
        if not fold:
            return self.by_key
        if self.folded is None:
            self.folded = {}
            for (kind, name), rules in self.by_key.items():
                self.folded.setdefault((kind, name if kind == "tag" else name.lower()), []).extend(rules)
        return self.folded

    def weighings(self, element, fold: bool) -> int:
        """How many rules a cascade weighs for an element."""
        index = self.index(fold)
        return sum(len(index.get(key, ())) for key in _keys(element, fold))

    def rules_for(self, element, fold: bool) -> list[_Rule]:
        index = self.index(fold)
        return [rule for key in _keys(element, fold) for rule in index.get(key, ())]


def _keys(element, fold: bool) -> list:
    """The keys of Sheet.by_key an element's tag, id and classes name."""
    id_, classes = element.get("id"), element.get("class") or ""
    if fold:
        id_, classes = id_ and id_.lower(), classes.lower()
    return [("tag", element.tag)] + ([("id", id_)] if id_ else []) + [("class", name) for name in classes.split()]


# Rules read of a page's sheets that decide what is shown (a real portal's run to a few hundred;
# a hostile page's further ones are not applied).
MAX_RULES = 5000
# Beyond these a page's sheet is not evaluated and its table cells are left out, as what they
# show cannot be told (hostile pages): compounds of a selector, selectors that may hide looked
# for, rules weighed for the elements they may hide.
MAX_COMPOUNDS, MAX_SELECTORS, MAX_WEIGHINGS = 12, 300, 100_000
# Sheets compiled, by the lengths of their style texts: portals serve the same sheet on every
# page. Found by lengths and then compared (tens of KB compare faster than they hash).
_SHEETS_SEEN: dict[tuple[int, ...], tuple[tuple[str, ...], "Sheet"]] = {}
SHEETS_REMEMBERED = 64


def page_sheet(texts: tuple[str, ...]) -> "Sheet":
    """The page's style texts compiled, remembered (bounded memory: cleared when full)."""
    key = tuple(map(len, texts))
    seen = _SHEETS_SEEN.get(key)
    if seen is not None and seen[0] == texts:
        return seen[1]
    if len(_SHEETS_SEEN) >= SHEETS_REMEMBERED:
        _SHEETS_SEEN.clear()
    compiled = sheet("\n".join(texts))
    _SHEETS_SEEN[key] = (texts, compiled)
    return compiled


def sheet(css: str) -> Sheet:
    """A style sheet's simple rules that decide what is shown."""
    css = _COMMENT.sub("", css).replace("<!--", "").replace("-->", "")
    rules: list[_Rule] = []

    def read(text: str, nested: bool) -> None:
        for prelude, body in _blocks(text):
            if prelude.startswith("@"):
                if not nested and _SCREEN_MEDIA.match(prelude):     # one level: hostile nesting is no sheet
                    read(body, True)
                continue
            kept = tuple(declarations(body))
            if not kept:
                continue
            for selector in prelude.split(","):
                if len(rules) >= MAX_RULES:
                    return
                chain = _selector(selector)
                if chain is None:
                    continue        # not a simple selector: not applied
                specificity = (sum(c[2] is not None for c in chain), sum(len(c[3]) for c in chain),
                               sum(c[1] is not None for c in chain))
                rules.append(_Rule(chain, specificity, len(rules), kept))
    read(css, False)
    by_key: dict = {}
    for rule in rules:
        _, tag, id_, classes = rule.chain[0]
        key = ("id", id_) if id_ else ("class", min(classes)) if classes else ("tag", tag)
        by_key.setdefault(key, []).append(rule)
    hiding = [r for r in rules if _may_hide(r.declarations)]
    return Sheet(by_key, hiding)


def _may_hide(declared) -> bool:
    """Whether declarations may hide (strike, raise) on their own or with others' help (a
    position, a display, an overflow from another rule)."""
    values = {name: value for name, value, _ in declared}
    if verdict(values) is not None:
        return True
    get = values.get
    return _zero(get("width")) or _zero(get("height")) or (get("clip") or "auto") != "auto" or \
        any((_length(get(side)) or 0) < 0 for side in ("left", "top"))


def _compound_matches(element, compound, fold: bool) -> bool:
    """Whether an element matches a compound; `fold`: ids and classes matched case-blind, as
    in quirks mode."""
    _, tag, id_, classes = compound
    if tag and element.tag != tag:
        return False
    own_id, own_classes = element.get("id"), element.get("class") or ""
    if fold:
        id_, classes = id_ and id_.lower(), {name.lower() for name in classes}
        own_id, own_classes = own_id and own_id.lower(), own_classes.lower()
    if id_ and own_id != id_:
        return False
    return not classes or classes <= set(own_classes.split())


def _matches(element, chain, fold: bool) -> bool:
    if not _compound_matches(element, chain[0], fold):
        return False
    return _ancestors_match(element, chain, 1, set(), fold)


def _ancestors_match(element, chain, at: int, failed: set, fold: bool) -> bool:
    """Whether the ancestors of `element` match chain[at:]; `failed`: (ancestor, at) already
    tried in vain (no backtracking twice through the same place: bounded work)."""
    if at == len(chain):
        return True
    child_only = chain[at - 1][0] == ">"
    for ancestor in element.iterancestors():
        if (ancestor, at) not in failed and _compound_matches(ancestor, chain[at], fold):
            if _ancestors_match(ancestor, chain, at + 1, failed, fold):
                return True
            failed.add((ancestor, at))
        if child_only:
            return False
    return False


_UPPER, _LOWER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"


def _xpath(chain, fold: bool) -> str:
    """An XPath finding the elements a selector matches, below the context element (`fold`:
    ids and classes case-blind)."""
    id_attr, class_attr = (f"translate(@id,'{_UPPER}','{_LOWER}')", f"translate(@class,'{_UPPER}','{_LOWER}')") \
        if fold else ("@id", "@class")

    def test(compound) -> str:
        _, tag, id_, classes = compound
        tests = ([f"{id_attr}='{id_.lower() if fold else id_}'"] if id_ else []) + \
            [f"contains(concat(' ',normalize-space({class_attr}),' '),' {c.lower() if fold else c} ')"
             for c in sorted(classes)]
        return (tag or "*") + "".join(f"[{t}]" for t in tests)
    path = test(chain[0])
    inner = ""
    for at in range(len(chain) - 1, 0, -1):
        axis = "parent" if chain[at - 1][0] == ">" else "ancestor"
        inner = f"[{axis}::{test(chain[at])}{inner}]"
    return "descendant-or-self::" + path + inner


@lru_cache(maxsize=4096)
def _finder(chain, fold: bool) -> etree.XPath:
    return etree.XPath(_xpath(chain, fold))


def computed(element, sheet_: Sheet | None, wanted=None, fold: bool = False) -> dict[str, str]:
    """The winning value of each property deciding what is shown, declared on `element` (not
    inherited): the hidden attribute below every author rule, the sheet's rules by importance,
    specificity and order, the inline style above them unless they are !important (`fold`: ids
    and classes matched case-blind, as in quirks mode)."""
    ranked: dict[str, tuple] = {}

    def offer(name, value, rank):
        if (wanted is None or name in wanted) and (name not in ranked or rank >= ranked[name][0]):
            ranked[name] = (rank, value)
    if element.get("hidden") is not None:
        offer("display", "none", (0, 0, (0, 0, 0), -1))
    if sheet_ is not None:
        for rule in sheet_.rules_for(element, fold):
            if _matches(element, rule.chain, fold):
                for name, value, important in rule.declarations:
                    offer(name, value, (1 + 2 * important, 0, rule.specificity, rule.order))
    style = element.get("style")
    if style:
        for name, value, important in declarations(style):
            offer(name, value, (2 + 2 * important, 1, (0, 0, 0), 0))
    return {name: value for name, (_, value) in ranked.items()}


_LENGTH = re.compile(r"(-?[\d.]+)\s*(px|pt|em|rem|%|cm|mm|in|vw|vh)?$")


def _length(value: str | None) -> float | None:
    found = _LENGTH.match(value or "")
    if not found:
        return None
    if not found.group(1).strip(".-"):
        return None
    number = float(found.group(1))
    return number * {"em": 16, "rem": 16, "pt": 4 / 3, "cm": 38, "mm": 3.8, "in": 96}.get(found.group(2), 1)


def _zero(value: str | None) -> bool:
    return _length(value) == 0


def _transparent(color: str | None) -> bool:
    if not color:
        return False
    if color == "transparent":
        return True
    alpha = re.match(r"(?:rgba|hsla)\(.*[,/]\s*([\d.]+)(%?)\s*\)$", color)
    return bool(alpha) and float(alpha.group(1) or 0) == 0


_BOXES = ("block", "inline-block", "flex", "inline-flex", "grid", "inline-grid", "table", "list-item", "flow-root")
_AREA_LESS_CLIP_PATH = re.compile(r"inset\(\s*(?:5\d|[6-9]\d|100)%|(?:circle|ellipse)\(\s*0(?:px|%)?[\s)]")


def verdict(values: dict[str, str]) -> str | None:
    """What the browser does with an element's box, from its declared values: 'gone' (nothing
    of it shows), 'text' (an inherited property hides its text), 'doubtful' (this module cannot
    tell), 'struck', 'raised', or None (shown)."""
    get = values.get
    if get("display") == "none" or get("opacity") is not None and _length(get("opacity").rstrip("%")) == 0:
        return "gone"
    positioned = get("position") in ("absolute", "fixed")
    if positioned or get("position") == "relative":
        offset = min(_length(get("left")) or 0, _length(get("top")) or 0)
        if offset <= OFF_SCREEN_PX:
            return "gone"
        # Whether a box moved left or up falls off the page depends on where it stood.
        if offset < 0 and positioned or offset <= NEAR_OFF_SCREEN_PX:
            return "doubtful"
    clip_path = get("clip-path")
    if clip_path and clip_path != "none":
        if _AREA_LESS_CLIP_PATH.match(clip_path):
            return "gone"
        return "doubtful"
    clip = get("clip")
    if positioned and clip and clip != "auto":      # clip applies to positioned boxes only
        sides = [_length(s) for s in re.split(r"[\s,]+", clip[5:-1].strip())] if clip.startswith("rect(") else []
        if len(sides) == 4 and None not in sides and (sides[0] >= sides[2] or sides[3] >= sides[1]):
            return "gone"
        return "doubtful"
    boxed = positioned or get("display") in _BOXES or get("float") in ("left", "right")
    overflow = {get("overflow"), get("overflow-x"), get("overflow-y")}
    if boxed and overflow & {"hidden", "clip"} and (_zero(get("width")) or _zero(get("height"))):
        return "gone"
    if _hides_text(values):
        return "text"
    if "line-through" in (get("text-decoration") or "") + (get("text-decoration-line") or ""):
        return "struck"
    if get("vertical-align") == "super":
        return "raised"
    return None


def _hides_text(values: dict) -> bool:
    return values.get("visibility") in ("hidden", "collapse") or _transparent(values.get("color")) or \
        _zero(values.get("font-size"))


def _shows_text(values: dict) -> dict[str, bool]:
    """For each inherited property an element declares: whether its value hides text."""
    out = {}
    if "visibility" in values:
        out["visibility"] = values["visibility"] in ("hidden", "collapse")
    if "color" in values:
        out["color"] = _transparent(values["color"])
    if "font-size" in values:
        size = _length(values["font-size"])
        relative = values["font-size"].endswith(("em", "%")) and not values["font-size"].endswith("rem")
        if size == 0:
            out["font-size"] = True
        elif size is not None and not relative or values["font-size"] in _FONT_SIZE_WORDS:
            out["font-size"] = False        # a size of its own shows text again; one relative to 0 does not
    return out


_FONT_SIZE_WORDS = ("xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large")


# ---------------------------------------------------------------- the pass
@dataclass
class Shown:
    """What the pass found: struck and raised elements (MARK_TAGS; those styles make struck or
    raised are renamed <s>, <sup>), and elements whose effect cannot be told."""
    marks: list
    doubtful: list


def drop_unshown(root, body, names: list[str]) -> Shown:
    """Drop from `body` what the browser does not show; mark what it shows ambiguously.
    `names`: the page's id and class attributes (rules naming others match nothing)."""
    shown = Shown([], [])
    texts = _SHEETS(root)
    sheet_ = page_sheet(tuple(texts)) if texts else None
    candidates = []
    # Quirks mode matches ids and classes case-blind; when the mode is not sure, an element
    # whose fate depends on it is doubtful.
    mode = quirks_mode(root) if sheet_ is not None else False
    fold = mode is not False
    if sheet_ is not None and sheet_.hiding:
        named = " ".join(names)
        if fold:
            named = named.lower()
        seen = set()
        chains = [chain for chain in dict.fromkeys(rule.chain for rule in sheet_.hiding)
                  if _may_match(chain, named, fold)]
        if len(chains) > MAX_SELECTORS:
            return _beyond_reading(shown, body)
        for chain in chains:
            for element in _finder(chain, fold)(body):
                if element not in seen:
                    seen.add(element)
                    candidates.append(element)
    styles = _STYLE_TEXTS(body)
    if styles and _may_hide_style("\n".join(styles).lower()):
        candidates += [e for e in _STYLED(body) if _may_hide_style(e.get("style").lower())]
    candidates += [value.getparent() for value in _HIDDEN_ATTRIBUTE(body)]
    for element in body.iter(*NEVER_SHOWN, *MARK_TAGS):
        (shown.marks if element.tag in MARK_TAGS else candidates).append(element)
    if sheet_ is not None and sum(sheet_.weighings(e, fold) for e in candidates) > MAX_WEIGHINGS:
        return _beyond_reading(shown, body)
    inherited: list = []
    for element in candidates:
        if not _attached(element, body):
            continue            # inside what was dropped already
        if element.tag in NEVER_SHOWN:
            if element.tag == "script":     # what it writes cannot be told
                shown.doubtful.append(element)
            else:
                drop(element)
            continue
        found = verdict(computed(element, sheet_, fold=fold))
        if mode is None and found != verdict(computed(element, sheet_)):
            found = "doubtful"
        if found == "gone":
            drop(element)
        elif found == "text":
            inherited.append(element)
        elif found == "doubtful":
            shown.doubtful.append(element)
        elif found == "struck":
            element.tag = "s"
            shown.marks.append(element)
        elif found == "raised":
            element.tag = "sup"
            shown.marks.append(element)
    for element in inherited:
        _hide_text(element, sheet_, fold, dict.fromkeys(_INHERITED, False))
        if element.tag in _TABLE_PARTS and not "".join(element.itertext()).strip():
            drop(element)       # nothing of it shown again below: a hidden row or column
    return shown


# Document types a browser renders in quirks mode (the HTML standard's list, the common part):
# public identifiers starting so, and two more when no system identifier follows them.
_QUIRKS_PUBLIC = ("-//w3c//dtd html 4.0 transitional//", "-//w3c//dtd html 4.0 frameset//", "-//w3c//dtd html 3",
                  "-//w3c//dtd w3 html//", "-//w3o//dtd w3 html", "-//ietf//dtd html", "-//netscape comm. corp.//",
                  "-//microsoft//dtd internet explorer", "-//softquad", "-//spyglass//", "-//webtechs//",
                  "-//o'reilly and associates//", "-//sq//", "-//sun microsystems corp.//", "-//metrius//",
                  "-//w3c//dtd html experimental", "-//w3c//dtd html 4.0 draft//", "-//w3c//dtd html 3.2")
_QUIRKS_WITHOUT_SYSTEM = ("-//w3c//dtd html 4.01 transitional//", "-//w3c//dtd html 4.01 frameset//")
_STANDARDS_PUBLIC = ("-//w3c//dtd xhtml", "-//w3c//dtd html 4.01//", "-//w3c//dtd html 4.01 transitional//",
                     "-//w3c//dtd html 4.01 frameset//")


def quirks_mode(root) -> bool | None:
    """Whether Chromium renders the page in quirks mode (ids and classes match case-blind):
    True, False, or None when its document type is none this module knows. libxml2 gives a
    page without one the HTML 4.0 Transitional type, which is quirks mode too."""
    info = root.getroottree().docinfo
    public = (info.public_id or "").lower()
    if (info.root_name or "").lower() != "html":
        return True
    if not public:
        return False if not info.system_url else None
    if public.startswith(_QUIRKS_PUBLIC) or not info.system_url and public.startswith(_QUIRKS_WITHOUT_SYSTEM):
        return True
    return False if public.startswith(_STANDARDS_PUBLIC) else None


def _may_match(chain, named: str, fold: bool) -> bool:
    """Whether the page has the id or classes a selector's last compound names (`named`: the
    page's id and class attributes, joined; in lower case when `fold`)."""
    _, _, id_, classes = chain[0]
    return all((name.lower() if fold else name) in named for name in ([id_] if id_ else classes))


def _beyond_reading(shown: Shown, body) -> Shown:
    """Every table cell doubtful: the page's sheet is too large to tell what they show."""
    shown.doubtful[:] = body.iter("td", "th")
    return shown


def _hide_text(element, sheet_, fold: bool, hidden: dict) -> None:
    """Drop the text an inherited property hides, below `element` (`hidden`: which inherited
    properties hide at its parent), keeping what a descendant shows again."""
    here = dict(hidden)
    for name, hides in _shows_text(computed(element, sheet_, _INHERITED, fold)).items():
        if hides is not None:
            here[name] = hides
    gone = any(here.values())
    if gone:
        element.text = None
    for child in element:
        if isinstance(child.tag, str):
            _hide_text(child, sheet_, fold, here)
        if gone:
            child.tail = None


def _attached(element, body) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is body:
            return True
    return False


def drop(element) -> None:
    """Remove an element, keeping the text after it."""
    parent = element.getparent()
    if element.tail:
        before = element.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
