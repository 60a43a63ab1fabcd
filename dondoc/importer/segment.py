"""Put cell boundaries back into a row whose cells were flattened into lines.

A row of a text layout arrives as a run of *atoms* (lines, or pieces of a line
where two cells share a printed line). Each atom belongs to one column and the
columns come in header order, so the row is a monotone segmentation of atoms
into cells. We pick the segmentation with the best total evidence (Viterbi over
atom boundaries × columns): how much each cell reads like its column
(`columns.cell_score`) plus how much adjacent atoms inside a cell read as one
text (a wrapped line, a list going on).

In a PDF's text every column wraps at its own width. Given the widths
(`estimate_widths`, learnt from a first segmentation of the same table), a cell
whose printed line is wider than its column is impossible, and a line break
where the next word would still have fitted is no wrap: the next line starts a
new cell (or a new paragraph).

Each candidate cell's score is built while the cell grows atom by atom, from
per-atom facts memoised on the atom's text, so a row costs
O(atoms × columns × cell length) additions, not as many calls to the
normalisers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from .columns import (
    EMPTY_SCORE,
    Facts,
    Start,
    cell_score,
    cell_start,
    column_score,
    deadline_cue,
    facts,
    fast_key,
    start_facts,
)

MAX_CELL_ATOMS = 40
MAX_CELL_CHARS = {"content": 1600, "output": 600}
DEFAULT_MAX_CHARS = 400
SAME_LINE_JOIN = 1.5  # splitting a printed line needs good column evidence
LOOSE_JOIN = 3.0  # more so where nothing suggested a cut
SPACE = 0.25  # em
OVER_TOLERANCE, OVER_WEIGHT = 0.06, 30.0  # a printed line wider than its column
HARD_OVER = 1.35  # a line this much wider than the column is not in it at all
FULL_TOLERANCE, FULL_WEIGHT, FULL_CAP = 0.08, 20.0, 4.0  # a line break although the next word would have fitted
START_WORDS = 8
BEAM = 25.0
PIECE_COST = 0.5  # each column a page's top goes on in: every piece would otherwise earn a join of its own
ACROSS_SHIFT = 3  # atoms a first-page cell boundary may move when the next page is read with it


_OPENING = ("opening",)  # `_Spans.cache` key of a cell opening on a new page, apart from any context's
_NO_STARTS = [Start(agency=False, doc=False, verb=False, unit=False, caps=False, when=False)]


@dataclass
class Atom:
    text: str
    empty_marker: bool = False  # a line that stands for an empty cell (HTML text's lone no-break space)
    same_line: bool = False  # True when this atom continues the printed line of the previous atom
    loose: bool = False  # a cut before it was not vetted (`every_cut`): no evidence either way


def split_candidates(line: str, limit: int = 4, *, any_capital: bool = False) -> list[Atom]:
    """A printed line as atoms, cut where two cells may share the line, as in PDF text where
    adjacent cells sit on one baseline: before a list dash or a capitalised word that opens
    what a cell opens with (an agency, a document, a deadline). With `any_capital` every
    capitalised word is a candidate (header lines)."""
    return [Atom(text, same_line=k > 0) for k, text in enumerate(_cuts(line, limit, any_capital))]


@lru_cache(maxsize=16384)
def _cuts(line: str, limit: int, any_capital: bool) -> tuple[str, ...]:
    words = line.split()
    if not words:
        return ()
    atoms = [Atom(words[0])]
    cuts = 0
    for idx in range(1, len(words)):
        prev, word = words[idx - 1], words[idx]
        dash = word in ("-", "+", "•", "–")
        starts_cell = (word[0].isupper() or dash) and not prev.endswith(("-", "–"))
        if dash and not any_capital and not prev.endswith((".", ";", ":", ",")):
            # a dash inside a line after a bare word joins a name ("Văn hóa - Thể thao"), unless a cell
            # plainly starts after it
            starts_cell = starts_cell and cell_start(" ".join(words[idx + 1:idx + 1 + START_WORDS]))
        if starts_cell and cuts < limit and prev not in ("-", "+", "•", "–") and \
                (any_capital or cell_start(" ".join(words[idx:idx + START_WORDS]))):
            atoms.append(Atom(word, same_line=True))
            cuts += 1
        else:
            atoms[-1].text += " " + word
    return tuple(a.text for a in atoms)


def every_cut(line: str) -> list[Atom]:
    """A printed line cut before every word: for a line too wide for any column (two cells share it
    although no word suggests where) or the top of a page (any cell may go on there). The cuts
    `split_candidates` vets stay firm."""
    out: list[Atom] = []
    for atom in split_candidates(line):
        for k, word in enumerate(atom.text.split()):
            out.append(Atom(word, same_line=atom.same_line or k > 0, loose=k > 0))
    return out


Widths = dict[str, float]
NAME_WORDS = 2


def name_key(words: list[str]) -> str:
    """The key a body's bare name is known by: its first words, list dash dropped."""
    if words and words[0] in ("-", "+", "•", "–"):
        words = words[1:]
    return " ".join(fast_key(w) for w in words[:NAME_WORDS])


@dataclass
class Context:
    """The cell a continuation goes on from (a row cut by a page break)."""

    last: Facts  # its last printed line
    piece: float  # that line's width
    in_list: bool  # the cell is a list
    text: str  # that line

    def signature(self) -> tuple[str, bool]:
        return self.text, self.in_list


def context_of(cell: str) -> Context | None:
    lines = [ln for ln in cell.split("\n") if ln.strip()]
    if not lines:
        return None
    last = facts(lines[-1])
    return Context(last=last, piece=last.width, in_list=any(facts(ln).mark for ln in lines), text=lines[-1])


class _Spans:
    """Scores of the candidate cells of one row, grown atom by atom and memoised per start."""

    def __init__(self, atoms: list[Atom], wrapped: bool, widths: Widths | None, continues: bool,
                 max_atoms: int = MAX_CELL_ATOMS, names: frozenset[str] = frozenset()) -> None:
        self.max_atoms = max_atoms
        self.names = names
        self.atoms = atoms
        self.facts = [facts(a.text) if not a.empty_marker else facts("") for a in atoms]
        self.wrapped = wrapped
        self.widths = widths or {}
        self.continues = continues
        self.cache: dict[tuple[int, str, object], list[tuple[int, float]]] = {}
        self.starts: dict[int, list[Start]] = {}
        self.fits: dict[str, list[float | None]] = {}
        self.pairs: dict[int, float] = {}
        self.columns: dict[tuple[object, ...], tuple[list[float], list[int | None]]] = {}  # see `_continue`

    def starts_from(self, i: int) -> list[Start]:
        """Start facts of the cells atoms[i..k] for k = i, i+1, ... until the start is whole
        (START_WORDS words); later cells share the last."""
        got = self.starts.get(i)
        if got is None:
            got = []
            words: list[str] = []
            for a in self.atoms[i:]:
                if a.empty_marker:
                    break
                words += a.text.split()
                start = start_facts(" ".join(words[:START_WORDS]))
                if self.names and not start.agency and name_key(words) in self.names:
                    start = replace(start, agency=True)  # a body the table names elsewhere with its head noun
                got.append(start)
                if len(words) >= START_WORDS:
                    break
            self.starts[i] = got
        return got

    def join(self, prev: Facts, piece: float, nxt: Facts, atom: Atom, field: str, in_list: bool,
             width: float | None) -> float:
        """Evidence that `nxt` (the facts of `atom`) continues the same cell as `prev`, whose printed
        line is `piece` wide; `width` the column's printed width, if known."""
        if atom.same_line:
            return (LOOSE_JOIN if atom.loose else SAME_LINE_JOIN) + (3.0 if prev.open else 0.0)
        wrapped = self.wrapped
        slack = self._slack(piece, nxt, width) if width and not prev.stop else None
        score = 0.0 if wrapped else -0.6
        if nxt.lower:
            score += 2.5
        if nxt.mark and wrapped and not prev.stop and not prev.open and not in_list:
            # a dash opening a line: a list starting, or a wrapped name ("Phòng Tài chính / - Kế hoạch")
            # when the line before was full
            score += 0.8 if slack is not None and slack <= FULL_TOLERANCE else -0.8
        elif nxt.mark:
            score += 0.4 if field != "funding" else -0.5
            if not in_list:
                # a list rarely starts in the middle of a cell, least of all in a task's text or its lead
                score -= 2.5 if field == "content" else 1.5 if field == "lead" else 0.5 if not wrapped else 0.8
            elif prev.semi:
                score += 1.2  # "...;" then the next item
        else:
            if wrapped:
                score += 0.8 if not prev.stop else -1.0 if prev.full_stop else -0.3 if prev.semi else 0.0
            if in_list and prev.stop and not nxt.lower:
                score -= 1.5  # plain text after a list item has ended: another cell
            if slack is not None and slack > FULL_TOLERANCE:
                score -= min(FULL_CAP, FULL_WEIGHT * (slack - FULL_TOLERANCE))  # the word would have fitted
        if prev.open:
            score += (3.0 if nxt.lower else 1.5) if wrapped else 1.0  # a cell does not end on "của", "và", ...
        if nxt.opener and not prev.stop and not prev.open:
            score -= 2.0 if wrapped else 1.0  # "Các ...", "Theo ..." open a sentence, not a wrapped line
        return score

    @staticmethod
    def _slack(piece: float, nxt: Facts, width: float) -> float:
        """How much room the line `piece` wide left for the next line's first word (share of the width)."""
        return (width - (piece + SPACE + nxt.first_width)) / width

    def opening(self, i: int, field: str) -> list[tuple[int, float]]:
        """`values` of a cell opening on a new page (no cell above it to go on from)."""
        ck = (i, field, _OPENING)
        got = self.cache.get(ck)
        if got is None:
            got = self.cache[ck] = [(j, v - 1.5) for j, v in self.values(i, field)]
        return got

    def pair_cue(self, k: int) -> float:
        """A time cue read across the break between atoms k-1 and k ("theo hướng / dẫn")."""
        got = self.pairs.get(k)
        if got is None:
            got = deadline_cue(self.facts[k - 1].key + " " + self.facts[k].key)
            self.pairs[k] = got
        return got

    def fit(self, field: str, k: int) -> float:
        """How badly atom k alone fits column `field` (0 when it fits)."""
        row = self.fits.get(field)
        if row is None:
            row = self.fits[field] = [None] * len(self.atoms)
        got = row[k]
        if got is None:
            got = row[k] = min(0.0, column_score(field, self.atoms[k].text))
        return got

    def values(self, i: int, field: str, ctx: Context | None = None,
               ctx_key: object = None) -> list[tuple[int, float]]:
        """(end, score) of every candidate cell atoms[i:end] in column `field`."""
        ck = (i, field, ctx_key)
        got = self.cache.get(ck)
        if got is not None:
            return got
        out: list[tuple[int, float]] = []
        atoms, fs, n = self.atoms, self.facts, len(self.atoms)
        wrapped = self.wrapped
        width = self.widths.get(field)
        limit = MAX_CELL_CHARS.get(field, DEFAULT_MAX_CHARS)
        if atoms[i].empty_marker:
            out.append((i + 1, EMPTY_SCORE.get(field, 0.0) + 0.5))
            self.cache[ck] = out
            return out
        first = fs[i]
        chars = para = longest = 0
        deadline, funding = 0.0, False
        fixed = 0.0  # joins, paragraph fits and finished lines' width evidence so far
        in_list = first.mark
        if ctx is not None:
            in_list = ctx.in_list or first.mark
            # on the new page the piece starts a printed line of its own, whatever shares that line
            fixed += self.join(ctx.last, ctx.piece, first, Atom(atoms[i].text), field, ctx.in_list, width)
            if width and not ctx.last.stop:
                # a page break cuts a cell whose last line is full; a short last line ended the cell
                fixed += max(-1.0, min(1.0, (ctx.piece / width - 0.85) / 0.15))
            if atoms[i].same_line:
                fixed -= 1.5 if atoms[i].loose else 0.5
            if first.mark or (wrapped and not first.lower):
                fixed += (0.5 if first.mark else 0.3) * self.fit(field, i)
        elif atoms[i].same_line:
            fixed -= 1.0 if atoms[i].loose else 0.5
        piece = first.width
        # a continuation's value and funding's score never read the cell's start: its agency test is the
        # costliest fact of a row
        starts = self.starts_from(i) if ctx is None and field != "funding" else _NO_STARTS
        last_start = len(starts) - 1
        hard = width * HARD_OVER if width else 0.0
        over_at = width * (1.0 + OVER_TOLERANCE) if width else 0.0
        first_fit = 0.0
        if ctx is None:
            weight = 0.7 if field in ("lead", "coordinating", "deadline") else 0.5
            first_fit = weight * self.fit(field, i)
        span = MAX_CELL_ATOMS if field == "content" else self.max_atoms
        join, fit, pair_cue, score = self.join, self.fit, self.pair_cue, cell_score
        continues = self.continues
        end = min(n, i + span)
        for k in range(i, end):
            a, f = atoms[k], fs[k]
            if a.empty_marker:
                break
            if k > i:
                prev = fs[k - 1]
                fixed += join(prev, piece, f, a, field, in_list, width)
                cue = pair_cue(k)
                if cue > deadline:
                    deadline = cue
                if a.same_line:
                    piece += SPACE + f.width
                else:
                    if piece > over_at and width:
                        fixed -= OVER_WEIGHT * (piece / width - 1.0 - OVER_TOLERANCE)
                    piece = f.width
                    if f.mark or not wrapped:
                        fixed += 0.5 * fit(field, k)
                        para = 0
                    elif not f.lower:
                        fixed += 0.3 * fit(field, k)  # a capitalised line inside a cell should fit too
                if f.mark:
                    in_list = True
                chars += 1
            if hard and piece > hard:
                break  # a printed line far wider than the column: no longer cell can hold it
            chars += len(f.key)
            para += f.words
            if para > longest:
                longest = para
            if f.deadline > deadline:
                deadline = f.deadline
            if f.funding:
                funding = True
            if chars > limit and k > i:
                break
            if ctx is not None:
                value = fixed
            else:
                value = score(field, starts[k - i if k - i < last_start else last_start], chars, longest, deadline,
                              funding) + fixed
                if k > i:
                    value += first_fit
            if width and piece > over_at:
                value -= OVER_WEIGHT * (piece / width - 1.0 - OVER_TOLERANCE)
            if (f.open or f.semi) and not continues and (k + 1 >= n or not atoms[k + 1].same_line):
                value -= 0.8 if f.open else 1.0  # a cell ending on "của", "và", ",", or ";" (the list goes on)
            out.append((k + 1, value))
        self.cache[ck] = out
        return out


def _cell_text(atoms: list[Atom]) -> str:
    return "".join(("" if k == 0 else " " if a.same_line else "\n") + a.text
                   for k, a in enumerate(atoms) if not a.empty_marker)


def _viterbi(atoms: list[Atom], cols: list[tuple[str, int]], spans: _Spans, *, wrapped: bool,
             first_optional: bool) -> tuple[list[list[float]], list[list[tuple[int, int] | None]]]:
    """best[pos][c]: the best score of the first c columns ending at atom pos; back: where from."""
    n, ncols = len(atoms), len(cols)
    neg = float("-inf")
    best = [[neg] * (ncols + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (ncols + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        here_row = best[i]
        floor = max(here_row) - BEAM  # states this far behind the best at the same atom never win
        for c in range(ncols):
            here = here_row[c]
            if here == neg or here < floor:
                continue
            field, r = cols[c]
            if field != "number" and (wrapped or (first_optional and c == 0)):
                # an empty cell (a fragment of a row cut by a page break may skip its first column)
                v = here + (0.0 if first_optional and c == 0 else EMPTY_SCORE.get(field, 0.0))
                if v > here_row[c + 1]:
                    here_row[c + 1] = v
                    back[i][c + 1] = (i, c)
            if i == n:
                continue
            if field == "number" and r > 0 and not atoms[i].empty_marker:
                continue  # an extra row's number cell is only ever an empty marker
            for j, v in spans.values(i, field):
                total = here + v
                if total > best[j][c + 1]:
                    best[j][c + 1] = total
                    back[j][c + 1] = (i, c)
    return best, back


def segment(atoms: list[Atom], fields: list[str], *, wrapped: bool, row_fields: list[str] | None = None,
            max_extra_rows: int = 0, drop_tail: bool = False, first_optional: bool = False,
            widths: Widths | None = None, continues: bool = False, max_atoms: int = MAX_CELL_ATOMS,
            names: frozenset[str] = frozenset()) -> tuple[list[list[str]], int]:
    """Cells for `atoms`, which start right after a row's number cell.

    `fields` are the row's columns after the number. With `max_extra_rows` the
    atoms may go on into further unnumbered rows (their number cell an empty
    marker), each with all of `row_fields`. Returns (rows of cell texts in
    column order, number of atoms used); with `drop_tail` trailing atoms that do
    not fit a whole row may be left unused (the end of a table). `widths` are the
    columns' printed widths (wrapped layouts); `continues` says the row goes on
    after a page break, so its cells may end anywhere. `max_atoms` caps the atoms of any cell but
    the task's text (a quick first reading). `names` are bodies the table names elsewhere with their
    head noun ("Phòng X"), by `name_key`: a cell opening with one opens with a body.
    """
    row_fields = row_fields or ["number", *fields]
    cols: list[tuple[str, int]] = [(f, 0) for f in fields]
    for r in range(1, max_extra_rows + 1):
        cols += [(f, r) for f in row_fields]
    n = len(atoms)
    neg = float("-inf")
    spans = _Spans(atoms, wrapped, widths, continues, max_atoms, names)
    best, back = _viterbi(atoms, cols, spans, wrapped=wrapped, first_optional=first_optional)
    # pick the end: at the end of a row; with drop_tail, atoms after it may stay unused (what follows the table)
    end_pos, end_col, end_val = n, -1, neg
    for r in range(max_extra_rows + 1):
        c_end = len(fields) if r == 0 else len(fields) + r * len(row_fields)
        for pos in range(n, -1, -1) if drop_tail else [n]:
            v = best[pos][c_end]
            if v == neg:
                continue
            v -= 0.3 * (n - pos)
            if v > end_val:
                end_pos, end_col, end_val = pos, c_end, v
    if end_col < 0:
        # nothing fits: everything into the first column, flagged by the caller
        return [[_cell_text(atoms)] + [""] * (len(fields) - 1)], n
    cells: dict[int, str] = {}
    pos, c = end_pos, end_col
    while c > 0:
        prev = back[pos][c]
        if prev is None:
            break
        i, pc = prev
        if i < pos:
            cells[c - 1] = _cell_text(atoms[i:pos])
        pos, c = i, pc
    last_row = cols[end_col - 1][1]
    rows: list[list[str]] = []
    for r in range(last_row + 1):
        names = fields if r == 0 else row_fields
        offset = 0 if r == 0 else len(fields) + (r - 1) * len(row_fields)
        rows.append([cells.get(offset + k, "") for k in range(len(names))])
    return rows, end_pos


def continue_cells(atoms: list[Atom], fields: list[str], cells: list[str], *, wrapped: bool,
                   widths: Widths | None = None, names: frozenset[str] = frozenset()) -> list[str]:
    """The rest of a row cut by a page break: `atoms` (the text before the next row on the new
    page) shared out over the columns, in order, each piece read as going on from the row's
    cell in that column (`cells`, aligned with `fields`). Returns the added text per column."""
    return _continue(atoms, fields, cells, wrapped, widths, names)[1]


def _continue(atoms: list[Atom], fields: list[str], cells: list[str], wrapped: bool,
              widths: Widths | None, names: frozenset[str] = frozenset(),
              spans: _Spans | None = None) -> tuple[float, list[str]]:
    n, ncols = len(atoms), len(fields)
    if not n:
        return 0.0, [""] * ncols
    spans = spans or _Spans(atoms, wrapped, widths, False, MAX_CELL_ATOMS, names)
    contexts = [context_of(c) for c in cells]
    keys = tuple((f, ctx.signature() if ctx is not None else None) for f, ctx in zip(fields, contexts, strict=True))
    neg = float("-inf")
    # The programme goes column by column: column c (the best score of the first c columns ending at each
    # atom, and the atom its last cell starts at) depends only on the contexts of those c columns. The
    # tries of `segment_across` differ in one or two cells, so the columns before those are kept on
    # `spans` (shared by the tries) by their fields and contexts' signatures, not computed again.
    best_cols: list[list[float]] = []
    back_cols: list[list[int | None]] = []
    col: list[float] = [neg] * (n + 1)
    col[0] = 0.0
    best_cols.append(col)
    back_cols.append([None] * (n + 1))
    for c in range(ncols):
        got = spans.columns.get(keys[:c + 1])
        if got is None:
            here_col, ctx = best_cols[c], contexts[c]
            nxt: list[float] = [neg] * (n + 1)
            back: list[int | None] = [None] * (n + 1)
            for i in range(n + 1):
                here = here_col[i]
                if here == neg:
                    continue
                if here > nxt[i]:  # an empty cell
                    nxt[i] = here
                    back[i] = i
                if i == n:
                    continue
                values = spans.opening(i, fields[c]) if ctx is None else \
                    spans.values(i, fields[c], ctx, ctx_key=keys[c][1])
                for j, v in values:
                    total = here + v - PIECE_COST
                    if total > nxt[j]:
                        nxt[j] = total
                        back[j] = i
            got = spans.columns[keys[:c + 1]] = (nxt, back)
        best_cols.append(got[0])
        back_cols.append(got[1])
    out = [""] * ncols
    pos, c = n, ncols
    if best_cols[ncols][n] == neg:
        out[0] = _cell_text(atoms)
        return neg, out
    while c > 0:
        i = back_cols[c][pos]
        if i is None:
            break
        if i < pos:
            out[c - 1] = _cell_text(atoms[i:pos])
        pos, c = i, c - 1
    return best_cols[ncols][n], out


def segment_across(atoms: list[Atom], fragment: list[Atom], fields: list[str], *,
                   widths: Widths | None = None, names: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """A wrapped row cut by a page break, read as one: `atoms` on the first page, `fragment` its
    rest at the top of the next (after the repeated header). Where a first-page cell ends decides
    what the next page's pieces can continue, so the best first-page reading is tried with each of
    its cell boundaries moved a few atoms either way, each scored with the best continuation.
    Returns (the row's cells, the text each column gains on the next page)."""
    n, m = len(atoms), len(fields)
    cols = [(f, 0) for f in fields]
    spans = _Spans(atoms, True, widths, True, MAX_CELL_ATOMS, names)
    best, back = _viterbi(atoms, cols, spans, wrapped=True, first_optional=False)
    if best[n][m] == float("-inf"):
        cells = segment(atoms, fields, wrapped=True, widths=widths, continues=True, names=names)[0][0]
        return cells, continue_cells(fragment, fields, cells, wrapped=True, widths=widths, names=names)
    bounds = [0] * (m + 1)
    pos, c = n, m
    while c > 0:
        prev = back[pos][c]
        assert prev is not None
        bounds[c] = pos
        pos, c = prev
    bounds[0] = 0

    def first_page(b: list[int]) -> float | None:
        total = 0.0
        for c, field in enumerate(fields):
            if b[c] == b[c + 1]:
                total += EMPTY_SCORE.get(field, 0.0)
                continue
            v = dict(spans.values(b[c], field)).get(b[c + 1])
            if v is None:
                return None
            total += v
        return total

    choice: tuple[float, list[str], list[str]] | None = None
    tried: set[tuple[int, ...]] = set()
    rest_spans = _Spans(fragment, True, widths, False, MAX_CELL_ATOMS, names)  # shared: keyed by each cell's end
    for c in range(1, m):
        for delta in range(-ACROSS_SHIFT, ACROSS_SHIFT + 1):
            b = list(bounds)
            b[c] += delta
            if not b[c - 1] <= b[c] <= b[c + 1] or tuple(b) in tried:
                continue
            tried.add(tuple(b))
            page = first_page(b)
            if page is None:
                continue
            cells = [_cell_text(atoms[b[k]:b[k + 1]]) for k in range(m)]
            rest, extra = _continue(fragment, fields, cells, True, widths, names, rest_spans)
            if choice is None or page + rest > choice[0]:
                choice = (page + rest, cells, extra)
    if choice is None:
        cells = [_cell_text(atoms[bounds[k]:bounds[k + 1]]) for k in range(m)]
        return cells, continue_cells(fragment, fields, cells, wrapped=True, widths=widths, names=names)
    return choice[1], choice[2]


def estimate_widths(rows: list[list[str]], fields: list[str], min_samples: int = 4) -> Widths:
    """Each column's printed width, from cells of a first segmentation (aligned with `fields`).

    Every line break inside a cell that is a wrap (no new list item, no sentence end) says the
    column is at least as wide as the line and narrower than the line plus the next word; the
    width most of these intervals agree on is the column's.
    """
    out: Widths = {}
    for col, field in enumerate(fields):
        intervals: list[tuple[float, float]] = []
        for row in rows:
            if col >= len(row) or "\n" not in row[col]:
                continue
            lines = [ln for ln in row[col].split("\n") if ln.strip()]
            for a, b in zip(lines, lines[1:], strict=False):
                fa, fb = facts(a), facts(b)
                if fb.mark or fa.stop:
                    continue
                intervals.append((fa.width, fa.width + SPACE + fb.first_width))
        if len(intervals) < min_samples:
            continue
        best_w, best_n = 0.0, 0
        for w in sorted({lo for lo, _ in intervals}):
            count = sum(1 for lo, hi in intervals if lo <= w * 1.03 and hi >= w * 0.97)
            if count >= best_n:  # the widest of the best: a column is at least as wide as its lines
                best_w, best_n = w, count
        if best_n >= max(min_samples - 1, 0.4 * len(intervals)):
            lows = sorted(lo for lo, _ in intervals)
            out[field] = max(best_w, lows[int(0.9 * (len(lows) - 1))])
    return out
