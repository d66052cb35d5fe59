"""A Word document's body as plain blocks, read with python-docx in the limited child
process (monitoring/excel/isolation.py loads this file by its path there).

Like the child itself, this file imports nothing from the project and no Django. It
answers lists of plain values the parent's unpickler accepts:

* ``["p", text, heading]``: a paragraph of the body; ``heading`` when its style is a
  heading or title, it has an outline level, it is centred, or all its text is bold;
* ``["t", rows]``: a table, each row ``[header, before, cells]`` with ``header`` when the
  row repeats at the top of every page (``w:tblHeader``), ``before`` the grid columns
  left empty before its first cell (``w:gridBefore``) and each cell
  ``[span, vmerge, text]``: the grid columns it spans (``w:gridSpan``), ``"restart"``,
  ``"continue"`` or ``""`` for a vertical merge (``w:vMerge``), its paragraphs joined
  with line breaks (a nested table's rows as lines of their own).

Content controls (``w:sdt``) and other wrappers are looked into; everything else
(pictures, fields' codes, deleted text) is left out.
"""

from __future__ import annotations

import io

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"}
# a text is cut one past Excel's cell limit: the parent refuses a cell that long, and no
# title is; the answer stays bounded
_MAX_TEXT = 32_768
_HEADING_STYLES = ("heading", "başlık", "title", "konu başlığı", "subtitle", "caption")


def extract_blocks(data: bytes, max_blocks: int) -> list:
    """The body's paragraphs and tables in order; stops past ``max_blocks`` cells and
    paragraphs with ``["limit"]`` as the last block."""
    import docx  # python-docx parses with lxml, entities not resolved
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    styles = _heading_style_ids(document)
    budget = [max_blocks]
    blocks: list = []
    for el in _children(document.element.body):
        budget[0] -= 1
        if budget[0] < 0:
            blocks.append(["limit"])
            break
        if el.tag == W + "p":
            para = Paragraph(el, document)
            blocks.append(["p", _para_text(para), _is_heading(el, para, styles)])
        elif el.tag == W + "tbl":
            blocks.append(["t", _table_rows(el, document, budget)])
    return blocks


def _children(el):
    """The element's children, looking through content controls and similar wrappers."""
    for child in el:
        if child.tag in _WRAPPERS:
            yield from _children(child)
        else:
            yield child


def _heading_style_ids(document) -> set[str]:
    ids = set()
    for style in document.styles:
        name = (getattr(style, "name", "") or "").casefold()
        if name.startswith(_HEADING_STYLES):
            ids.add(style.style_id)
    return ids


_TEXT = {W + "t": None, W + "tab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
# text that Word does not show: deleted in tracked changes, moved away, the fallback copy
# of a drawing (its text box is there twice)
_HIDDEN = {W + "del", W + "moveFrom", MC + "Fallback"}


def _para_text(para) -> str:
    """The paragraph's text as Word shows it: runs inside hyperlinks, fields, content
    controls and tracked insertions too, deleted text left out."""
    out = []
    p = para._p
    hidden = next(p.iter(*_HIDDEN), None) is not None
    for el in p.iter(*_TEXT):
        if hidden and any(a.tag in _HIDDEN for a in el.iterancestors() if a is not p):
            continue
        fixed = _TEXT[el.tag]
        if fixed is None:
            out.append(el.text or "")
        elif fixed != "\n" or el.get(W + "type") in (None, "textWrapping"):
            out.append(fixed)
    return "".join(out).replace("\xa0", " ")[:_MAX_TEXT]


def _is_heading(el, para, styles: set[str]) -> bool:
    ppr = el.find(W + "pPr")
    if ppr is not None:
        style = ppr.find(W + "pStyle")
        if style is not None and style.get(W + "val") in styles:
            return True
        if ppr.find(W + "outlineLvl") is not None:
            return True
        jc = ppr.find(W + "jc")
        if jc is not None and jc.get(W + "val") in ("center", "centre"):
            return True
    runs = [r for r in para.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def _on(el, name: str) -> bool:
    """A w:tblHeader-like toggle: present and not switched off."""
    found = el.find(W + name) if el is not None else None
    return found is not None and found.get(W + "val", "true") not in ("0", "false", "off")


def _val(el, name: str, default: str = "") -> str:
    found = el.find(W + name) if el is not None else None
    if found is None:
        return default
    return found.get(W + "val", default)


def _table_rows(tbl, document, budget: list[int]) -> list:
    rows = []
    for tr in _children(tbl):
        if tr.tag != W + "tr":
            continue
        trpr = tr.find(W + "trPr")
        before = _val(trpr, "gridBefore", "0")
        cells = []
        for tc in _children(tr):
            if tc.tag != W + "tc":
                continue
            budget[0] -= 1
            if budget[0] < 0:
                return rows
            tcpr = tc.find(W + "tcPr")
            span = _val(tcpr, "gridSpan", "1")
            vmerge = ""
            if tcpr is not None and tcpr.find(W + "vMerge") is not None:
                vmerge = _val(tcpr, "vMerge", "continue") or "continue"
            hmerge = _val(tcpr, "hMerge", "")  # the old way of merging across
            text = "" if vmerge == "continue" else _cell_text(tc, document)
            cells.append([_int(span), vmerge, text, hmerge == "continue"])
        rows.append([_on(trpr, "tblHeader"), _int(before), cells])
    return rows


def _cell_text(tc, document) -> str:
    from docx.text.paragraph import Paragraph

    lines = []
    for el in _children(tc):
        if el.tag == W + "p":
            lines.append(_para_text(Paragraph(el, document)))
        elif el.tag == W + "tbl":  # a table inside the cell: its rows as lines
            for tr in el.iter(W + "tr"):
                texts = [_cell_text(tc2, document) for tc2 in tr.iter(W + "tc")]
                lines.append(" ".join(t for t in texts if t))
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)[:_MAX_TEXT]


def _int(text: str) -> int:
    try:
        return max(0, min(int(text), 1000))
    except (TypeError, ValueError):
        return 1
