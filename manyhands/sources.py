"""Each lesson's "Sources": every work and document it cites, rendered from the reference list.

A lesson cites short in its text ("Getty 1985", "Stalin, 11 August 1932"), and its tables and charts
cite the sources of the datasets it loads. This module finds both, keeps the lesson's list of
references (notebook metadata ``manyhands.references``) and renders the final "Sources" cell from
``datasets/references.json``: author, year, title, where it was published, pages, a link where one
exists, and the kind of source (scholarly work, document, press, encyclopaedia, read in a mirror …).

    python -m manyhands.sources            # rewrite every lesson's Sources cell and reference list
    python -m manyhands.sources --check    # say which lessons are out of date (the tests do this too)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from . import data

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
HEADING = "## Sources"
_MONTHS = ("January February March April May June July August September October November December "
           "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec").split()


def short_forms() -> dict[str, str]:
    """Every short citation the course can print, mapped to its reference id."""
    return {data.cite(ref_id): ref_id for ref_id in data.references()}


def cited_in(text: str) -> list[str]:
    """Reference ids whose short citation appears in ``text`` (longest forms first, each span once)."""
    found, masked = [], text
    for form, ref_id in sorted(short_forms().items(), key=lambda kv: -len(kv[0])):
        if form in masked:
            found.append(ref_id)
            masked = masked.replace(form, "\0" * len(form))
    return found


_PAREN = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
_LOOKS_LIKE_CITE = re.compile(r"^[A-Z][^;]*?(\b1[5-9]\d\d|\b20\d\d|n\.d\.)(,? [a-z(][^;]*)?$")


def unresolved_citations(text: str) -> list[str]:
    """Parenthetical pieces that look like an author-year citation but match no reference."""
    forms = sorted(short_forms(), key=len, reverse=True)
    bad = []
    for group in _PAREN.findall(" ".join(text.split())):
        for piece in re.split(r";\s*", group):
            piece = piece.strip()
            piece = re.sub(r"^(as quoted by|as quoted in|quoted by|quoted in|via|in|see|cf\.|both in|e\.g\.)\s+", "", piece)
            if not _LOOKS_LIKE_CITE.match(piece) or piece.split()[0].strip(",") in _MONTHS:
                continue
            if not any(piece.startswith(f) for f in forms):
                bad.append(piece)
    return bad


def _prose(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown" and not c.source.startswith(HEADING))


def _datasets(nb) -> list[str]:
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return sorted(set(re.findall(r"""data\.(?:load|source_line)\(["']([a-z0-9_]+)["']\)""", code)))


def lesson_references(nb) -> list[str]:
    """Every reference a lesson cites: in its prose, and through the datasets its tables and charts show."""
    refs = set(cited_in(" ".join(_prose(nb).split())))
    for name in _datasets(nb):
        res = data.resource(name)
        refs |= {s["id"] for s in res.get("sources", []) if "id" in s}
        frame = data.load(name)
        if "source_id" in frame.columns:
            refs |= {one for cell in frame["source_id"] for one in data.source_ids(cell)}
    return sorted(refs, key=lambda r: data.cite(r).lower())


def _names(item: dict) -> str:
    people = item.get("author") or item.get("editor") or []
    names = [p.get("literal") or " ".join(x for x in (p.get("given"), p.get("family")) if x) for p in people]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else "Anonymous"
    if not item.get("author") and item.get("editor"):
        text += " (ed.)" if len(names) == 1 else " (eds)"
    return text


def entry(ref_id: str) -> str:
    """One line of a Sources list: the short form, then the full reference and the kind of source."""
    item = data.references()[ref_id]
    title = item.get("title", "")
    whole = item.get("type") in ("book", "report", "thesis")
    parts = [_names(item) + ",", f"*{title}*" if whole else f"\u201c{title}\u201d"]
    if not (item.get("author") or item.get("editor")) and item.get("author-short"):
        parts = parts[1:]  # a work with no author or editor (a documentation, say) starts with its title
    container = item.get("container-title")
    if container:
        where = f"in *{container}*"
        if item.get("volume"):
            where += f" {item['volume']}"
        if item.get("issue"):
            where += f"({item['issue']})"
        parts.append(where)
    place, publisher = item.get("publisher-place"), item.get("publisher")
    year = data.year(item)
    published = ", ".join(x for x in (f"{place}: {publisher}" if place and publisher else publisher, str(year) if year else "n.d.") if x)
    parts.append(f"({published})" if not container or publisher else f"({year or 'n.d.'})")
    if item.get("page"):
        parts.append(f"pp. {item['page']}")
    text = " ".join(parts) + "."
    if item.get("URL"):
        text += f" <{item['URL']}>"
    kind = item.get("source-kind")
    return f"- **{data.cite(ref_id)}**: {text}" + (f" *[{kind}]*" if kind else "")


def sources_markdown(refs: list[str]) -> str:
    lines = [
        HEADING,
        "",
        "Every work and document this lesson cites, in its text, its tables and its charts. In the text a source is "
        "cited short, by author (or issuing body) and year or date; here is the full reference. In brackets, the "
        "kind of source: a *mirror* is a copy on a website other than the publisher's, which the course read "
        "because it could not read the original; treat it with care.",
        "",
        *[entry(r) for r in refs],
    ]
    return "\n".join(lines)


def sync(path: Path, check: bool = False) -> bool:
    """Bring a lesson's Sources cell and reference list up to date; return True if it already was."""
    nb = nbformat.read(path, as_version=4)
    refs = lesson_references(nb)
    text = sources_markdown(refs)
    meta = nb.metadata.setdefault("manyhands", {})
    last = nb.cells[-1] if nb.cells else None
    current = last is not None and last.cell_type == "markdown" and last.source == text and meta.get("references") == refs
    if current or check:
        return current
    if last is not None and last.cell_type == "markdown" and last.source.startswith(HEADING):
        last.source = text
    else:
        nb.cells.append(nbformat.v4.new_markdown_cell(text))
    meta["references"] = refs
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return False


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = [p.name for p in sorted(LESSONS.glob("*.ipynb")) if not sync(p, check=check)]
    if check and stale:
        print("out of date: " + ", ".join(stale) + " (run python -m manyhands.sources)")
        return 1
    print(("rewrote: " + ", ".join(stale)) if stale else "every lesson's Sources is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
