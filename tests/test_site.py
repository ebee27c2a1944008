"""The course's website (make site, website/build.py): built offline from the lessons run in fresh kernels, every chart
drawn in chromium from the site's own plotly.js, nothing requested from outside the site, no solution, hidden test or
model answer on any page, a Sources list on every lesson, no serious accessibility violation."""

from __future__ import annotations

import functools
import html
import http.server
import re
import socketserver
import sys
import threading
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "website"))
import build as site  # noqa: E402

import test_browser as tb  # noqa: E402

# The charts each lesson draws on Run All in JupyterLab (one per chart the lesson's views and cells display).
CHARTS = {"00_primer": 0, "00_two_comments": 3, "01_the_bureaucracy": 3, "02_grain": 4, "03_terror_by_quota": 3,
          "04_working_towards_the_fuehrer": 3, "05_the_verdict": 2}
# Charts that are empty by design until the learner acts: the stance scale draws a position once one is chosen.
EMPTY_BY_DESIGN = ("Where you stand",)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "_site"
    figures = site.build(out, jobs=2)
    print(f"site: {figures}")
    return out


@pytest.fixture(scope="module")
def served(built):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def pages(built: Path) -> list[Path]:
    return sorted(built.rglob("*.html"))


def test_every_lesson_exercise_and_guide_has_a_page(built):
    for name in CHARTS:
        assert (built / "lessons" / f"{name}.html").is_file(), name
    for nb in (ROOT / "exercises").glob("ex*/ex*.ipynb"):
        assert (built / "exercises" / nb.stem / f"{nb.stem}.html").is_file(), nb.stem
    for guide in (ROOT / "guide").glob("*.md"):
        assert (built / f"{guide.stem}.html").is_file(), guide.stem
    home = (built / "index.html").read_text(encoding="utf-8")
    for name in CHARTS:
        assert f'href="lessons/{name}.html"' in home
    assert "Content note." in home and "Binder" in home and "make lab" in home
    dead = [p.name for p in pages(built) if re.search(r'href="[^"]*OWNER/REPO', p.read_text(encoding="utf-8"))]
    assert not dead, f"{dead} link to the placeholder repository (CITATION.cff's OWNER/REPO): say it is not set yet"
    lesson = (built / "lessons" / "02_grain.html").read_text(encoding="utf-8")
    assert "You are reading this lesson as a web page" in lesson
    assert (built / "_static" / "plotly.min.js").stat().st_size > 1_000_000


def test_a_lesson_that_errors_stops_the_build(tmp_path):
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import manyhands\n1 / 0")])
    path = tmp_path / "broken.ipynb"
    nbformat.write(broken, path)
    with pytest.raises(Exception, match="ZeroDivisionError"):
        site._execute(str(path), str(tmp_path))


def _removed_by_nbgrader() -> set[str]:
    """Lines the instructor's sources hold and the learner releases do not: solutions, hidden tests, model answers
    and rubrics written in answer cells (every line of 25 characters or more, stripped), leaving out a line that a
    lesson shows (the primer shows the constructs the solutions use)."""
    lines = set()
    shown = {ln.strip() for nb in (ROOT / "lessons").glob("*.ipynb")
             for cell in nbformat.read(nb, as_version=4).cells for ln in cell.source.splitlines()}
    for source in (ROOT / "instructor" / "source").glob("ex*/ex*.ipynb"):
        release = (ROOT / "exercises" / source.stem / source.name).read_text(encoding="utf-8")
        released = {ln.strip() for cell in nbformat.reads(release, as_version=4).cells for ln in cell.source.splitlines()}
        for cell in nbformat.read(source, as_version=4).cells:
            for line in cell.source.splitlines():
                line = line.strip()
                if len(line) >= 25 and line not in released and line not in shown:
                    lines.add(line)
    assert len(lines) > 50, "the sources hold solutions and hidden tests: the check must have something to look for"
    return lines


def _text(page: Path) -> str:
    raw = page.read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def test_no_page_holds_a_solution_a_hidden_test_or_a_model_answer(built):
    secret = _removed_by_nbgrader()
    for page in pages(built):
        raw = page.read_text(encoding="utf-8")
        text = _text(page)
        if page.parent != built:  # a notebook's page (a guide may name the markers, as the maintainers' guide does)
            for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
                assert marker not in raw, f"{page.name}: {marker}"
        leaked = [line for line in secret if line in text or html.escape(line) in raw]
        assert not leaked, f"{page.relative_to(built)} holds what nbgrader removed from the release: {leaked[:3]}"


def test_every_lesson_page_ends_with_its_sources(built):
    for name in CHARTS:
        raw = (built / "lessons" / f"{name}.html").read_text(encoding="utf-8")
        tail = raw[raw.rfind(">Sources<"):] if ">Sources<" in raw else ""
        assert tail, f"{name}: no Sources heading"
        links = re.findall(r'<a href="(https?://[^"]+)"', tail)
        assert links, f"{name}: a Sources list without a link"
        assert all(" " not in link for link in links)
    for page in pages(built):  # links between pages point at pages, not at notebooks or Markdown files
        for href in re.findall(r'href="([^"#]+)', page.read_text(encoding="utf-8")):
            if not href.startswith(("http:", "https:", "mailto:")):
                assert not href.endswith((".ipynb", ".md")), f"{page.name}: {href}"


# points: what plotly.js read from the data (gd._fullData: typed arrays unpacked, as plotly packs numeric columns)
JS_CHARTS = """() => Array.from(document.querySelectorAll('.mh-static-chart')).map(gd => ({
    title: gd.layout && gd.layout.title ? gd.layout.title.text : null,
    drawn: !!gd.querySelector('.main-svg'),
    points: (gd._fullData || []).reduce((n, t) => n + ((t.x && t.x.length) || (t.y && t.y.length)
                                                   || (t.values && t.values.length) || 0), 0)}))"""


def test_pages_in_chromium_draw_every_chart_from_the_site_alone(served, built, output_dir):
    """Every page opens in chromium with no request outside the site and no script error; every lesson draws each
    of its charts with data, and its "In words" texts stand beside them; axe finds nothing serious or critical."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = tb.launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        outside, errors = [], []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((served, "data:", "blob:")) else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        for path in pages(built):
            name = str(path.relative_to(built))
            page.goto(served + name)
            page.wait_for_load_state("load")
            stem = path.stem
            if name.startswith("lessons/"):
                page.wait_for_function("() => Array.from(document.querySelectorAll('.mh-static-chart'))"
                                       ".every(gd => gd.querySelector('.main-svg'))", timeout=30_000)
                charts = page.evaluate(JS_CHARTS)
                assert len(charts) == CHARTS[stem], f"{name}: {len(charts)} charts, expected {CHARTS[stem]}: {charts}"
                for chart in charts:
                    assert chart["drawn"], f"{name}: a chart not drawn: {chart['title']}"
                    assert chart["title"], f"{name}: a chart without a title"
                    if not any(t in chart["title"] for t in EMPTY_BY_DESIGN):
                        assert chart["points"] > 0, f"{name}: an empty chart: {chart['title']}"
                if CHARTS[stem]:
                    assert page.locator("text=In words:").count() >= CHARTS[stem], f"{name}: an 'In words' missing"
                ours = [v for v in _axe(page) if v["impact"] in ("serious", "critical")]
                assert not ours, f"{name}: " + "; ".join(f"{v['id']}: {v['help']} e.g. {v['html']}" for v in ours)
            if name in ("index.html", "lessons/02_grain.html", "exercises/ex03/ex03.html"):
                (output_dir / "site").mkdir(exist_ok=True)
                page.screenshot(path=str(output_dir / "site" / name.replace("/", "_").replace(".html", ".png")))
        browser.close()
    assert not outside, f"requests outside the site: {sorted(set(outside))[:5]}"
    assert not errors, f"script errors: {errors[:3]}"


def _axe(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(Axe().axe_script)
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, html: v.nodes[0].html.slice(0, 160)}));
    }""")



def test_lesson_cells_have_ids_unique_across_the_course():
    seen: dict[str, str] = {}
    for path in sorted((ROOT / "lessons").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            assert cell.id not in seen, f"{path.name}: cell id {cell.id} is also in {seen[cell.id]}"
            seen[cell.id] = path.name
