"""Put cell boundaries back into a row whose cells were flattened into lines.

A row of a text layout arrives as a run of *atoms* (lines, or pieces of a line
where two cells share a printed line). Each atom belongs to one column and the
columns come in header order, so the row is a monotone segmentation of atoms
into cells. We pick the segmentation with the best total evidence (Viterbi over
atom boundaries × columns): how much each cell reads like its column
(`columns.column_score`) plus how much adjacent atoms inside a cell read as one
text (a wrapped line, a list going on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .columns import column_score
from .text import fold

MAX_CELL_ATOMS = 40
_LIST_MARK = re.compile(r"^[-+•–]\s*")
_OPEN_WORDS = frozenset(
    "của và các theo về cho với tại trong đến để hoặc thuộc được có là những số ngày năm tháng quý "
    "trên từ giữa sau khi thực".split())


@dataclass
class Atom:
    text: str
    empty_marker: bool = False  # a line that stands for an empty cell (000-style "&nbsp;")
    same_line: bool = False  # True when this atom continues the printed line of the previous atom


def split_candidates(line: str, limit: int = 3) -> list[Atom]:
    """A printed line as atoms, cut before capitalised words (and list dashes) where two
    cells may share the line, as in PDF text where adjacent cells sit on one baseline."""
    words = line.split()
    if not words:
        return []
    atoms = [Atom(words[0])]
    cuts = 0
    for prev, word in zip(words, words[1:], strict=False):
        starts_cell = (word[0].isupper() or word in ("-", "+", "•")) and not prev.endswith(("-", "–"))
        if starts_cell and cuts < limit and prev not in ("-", "+", "•"):
            atoms.append(Atom(word, same_line=True))
            cuts += 1
        else:
            atoms[-1].text += " " + word
    return atoms


def _starts_lower(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
    return False


def join_score(prev: Atom, nxt: Atom, field: str, wrapped: bool) -> float:
    """Evidence that `nxt` continues the same cell as `prev`."""
    if nxt.same_line:
        return 1.5  # splitting a printed line needs good column evidence
    score = 0.0 if wrapped else -0.6
    if _starts_lower(nxt.text):
        score += 2.5
    if _LIST_MARK.match(nxt.text):
        score += 0.4 if field != "funding" else -0.5
        if not _LIST_MARK.match(prev.text):
            # a list rarely starts in the middle of a cell, least of all in a task's text or its lead
            score -= 1.5 if field in ("content", "lead") else (0.5 if not wrapped else 0.0)
    elif wrapped:
        score += 0.8 if not prev.text.rstrip().endswith((".", ";", ":", "!", "?")) else -0.3
    last_word = prev.text.rstrip().rsplit(" ", 1)[-1].lower()
    if prev.text.rstrip().endswith(",") or last_word in _OPEN_WORDS:
        score += 3.0 if wrapped else 1.0  # a cell does not end on "của", "và", "theo", ...
    return score


def segment(atoms: list[Atom], fields: list[str], *, wrapped: bool, row_fields: list[str] | None = None,
            max_extra_rows: int = 0, drop_tail: bool = False,
            first_optional: bool = False) -> tuple[list[list[str]], int]:
    """Cells for `atoms`, which start right after a row's number cell.

    `fields` are the row's columns after the number. With `max_extra_rows` the
    atoms may go on into further unnumbered rows (their number cell an empty
    marker), each with all of `row_fields`. Returns (rows of cell texts in
    column order, number of atoms used); with `drop_tail` trailing atoms that do
    not fit a whole row may be left unused (the end of a table).
    """
    row_fields = row_fields or ["number", *fields]
    cols: list[tuple[str, int]] = [(f, 0) for f in fields]
    for r in range(1, max_extra_rows + 1):
        cols += [(f, r) for f in row_fields]
    n, ncols = len(atoms), len(cols)
    neg = float("-inf")
    best = [[neg] * (ncols + 1) for _ in range(n + 1)]  # best[pos][c+1]: cells up to column c end at pos
    back: list[list[tuple[int, int] | None]] = [[None] * (ncols + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    max_skip = ncols if wrapped or first_optional else 1

    def cell_value(i: int, j: int, col: int) -> float:
        field = cols[col][0]
        chunk = atoms[i:j]
        if any(a.empty_marker for a in chunk):
            if len(chunk) > 1:
                return neg
            return column_score(field, "") + 0.5
        if field == "number" and cols[col][1] > 0:
            return neg  # an extra row's number cell is only ever an empty marker
        value = column_score(field, fold(" ".join(a.text for a in chunk)))
        for a, b in zip(chunk, chunk[1:], strict=False):
            value += join_score(a, b, field, wrapped)
        if len(chunk) > 1:
            # each paragraph of a multi-paragraph cell should fit the column too, its first above all
            for k, a in enumerate(chunk):
                if not wrapped or _LIST_MARK.match(a.text) or k == 0:
                    weight = 0.7 if k == 0 and field in ("lead", "coordinating", "deadline") else 0.5
                    value += weight * min(0.0, column_score(field, fold(a.text)))
        if chunk[0].same_line:
            value -= 0.5
        return value

    for i in range(n + 1):
        for c in range(ncols + 1):
            here = best[i][c]
            if here == neg:
                continue
            for nc in range(c, min(ncols, c + max_skip)):
                skipped = 0.0
                ok = True
                for s in range(c, nc):
                    if first_optional and s == 0:
                        continue  # a fragment of a row cut by a page break may skip the first columns
                    if not wrapped or cols[s][0] == "number":
                        ok = False
                        break
                    skipped += column_score(cols[s][0], "")
                if not ok:
                    break
                for j in range(i + 1, min(n, i + MAX_CELL_ATOMS) + 1):
                    v = cell_value(i, j, nc)
                    if v == neg:
                        if atoms[j - 1].empty_marker:
                            break
                        continue
                    total = here + skipped + v
                    if total > best[j][nc + 1]:
                        best[j][nc + 1] = total
                        back[j][nc + 1] = (i, c)
    # pick the end: at the end of a row (wrapped layouts may leave its last columns empty);
    # with drop_tail, atoms after it may stay unused (they are what follows the table)
    end_pos, end_col, end_val = n, -1, neg
    for r in range(max_extra_rows + 1):
        first = 0 if r == 0 else len(fields) + (r - 1) * len(row_fields)
        last = first + (len(fields) if r == 0 else len(row_fields)) - 1
        for c_end in range(last + 1, first, -1) if wrapped else [last + 1]:
            tail = sum(column_score(cols[s][0], "") for s in range(c_end, last + 1))
            for pos in range(n, -1, -1) if drop_tail else [n]:
                v = best[pos][c_end]
                if v == neg:
                    continue
                v += tail - 0.3 * (n - pos)
                if v > end_val:
                    end_pos, end_col, end_val = pos, c_end, v
    if end_col < 0:
        # nothing fits: everything into the first column, flagged by the caller
        return [[fold(" ".join(a.text for a in atoms))] + [""] * (len(fields) - 1)], n
    cells: dict[int, str] = {}
    pos, c = end_pos, end_col
    while pos > 0 and c > 0:
        prev = back[pos][c]
        assert prev is not None
        i, pc = prev
        cells[c - 1] = "".join(("" if k == 0 else " " if a.same_line else "\n") + a.text
                               for k, a in enumerate(atoms[i:pos]) if not a.empty_marker)
        pos, c = i, pc
    last_row = cols[end_col - 1][1]
    rows: list[list[str]] = []
    for r in range(last_row + 1):
        names = fields if r == 0 else row_fields
        offset = 0 if r == 0 else len(fields) + (r - 1) * len(row_fields)
        rows.append([cells.get(offset + k, "") for k in range(len(names))])
    return rows, end_pos
