"""A real browser: JupyterLab served on 127.0.0.1, Debian's chromium driven by Playwright.

Lesson 00 is opened and run; the test finds the widgets and the plotly charts rendered, moves the
controls and reads the charts' data from plotly.js in the page to see each change. Screenshots go
to test-output/browser/.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
TOKEN = "manyhands-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(proc, base: str, log: Path, timeout: float = 60) -> None:
    """Wait until the JupyterLab started as ``proc`` answers at ``base``; fail with its log if it never does."""
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    pytest.fail("JupyterLab did not start: " + log.read_text()[-2000:])


def launch_chromium(playwright):
    """Debian's chromium with the flags this machine needs (Playwright cannot download its own browser here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)


def start_lab(work: Path, folders=("lessons", "exercises")):
    """JupyterLab serving a copy of ``folders`` in ``work`` (autosave must never write outputs into the
    repository), with its own config, settings and records folder; return the process and its base URL."""
    for folder in folders:
        shutil.copytree(ROOT / folder, work / folder)
    port = _free_port()
    # no "Would you like to get notified about official Jupyter news?" toast over the screenshots
    settings = work / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    env = dict(os.environ, MANYHANDS_HOME=str(work / "home"), JUPYTER_CONFIG_DIR=str(work / "jupyter-config"),
               JUPYTERLAB_SETTINGS_DIR=str(work / "lab-settings"))
    log = open(work / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True",
         "--ServerApp.base_url=/",  # whatever a hub's /etc/jupyter says (its jupyter_server_config sets one)
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(proc, base, work / "lab.log")
    return proc, base


def stop_server(proc, timeout: float = 15) -> None:
    """Stop a server started for a test: politely, then for good after ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextlib.contextmanager
def lab_in_chromium(prefix: str, folders=("lessons",)):
    """For the benches: JupyterLab on a copy of ``folders`` in a temporary folder, and chromium; yield
    ``(browser, base URL)``, then close the browser, stop the server and remove the folder."""
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix=prefix))
    proc, base = start_lab(work, folders=folders)
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                yield browser, base
            finally:
                browser.close()
    finally:
        stop_server(proc)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a copy of the lessons and exercises (see start_lab)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run the README's test command (`make test`), which installs it")
    work = tmp_path_factory.mktemp("lab")
    proc, base = start_lab(work)
    yield base, work / "home"
    stop_server(proc)


@pytest.fixture(scope="module")
def page(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield pg
        browser.close()


# Every chart drawn (not the hidden plotly output that makes JupyterLab load plotly.js: plotwidget.plotly_loader).
CHARTS = ".js-plotly-plot:not(.mh-plotly-loader .js-plotly-plot)"
JS_FIGURES = """() => Array.from(document.querySelectorAll('""" + CHARTS + """')).map(gd => ({
    title: gd.layout && gd.layout.title ? gd.layout.title.text : null,
    data: (gd.data || []).map(t => ({x: t.x, y: t.y, visible: t.visible === undefined ? true : t.visible,
                                     selectedpoints: t.selectedpoints === undefined ? null : t.selectedpoints}))
}))"""


# Every text a plotly figure draws, as (kind, text, box) in page coordinates, and the box of its svg.
JS_TEXT_BOXES = """(title) => Array.from(document.querySelectorAll('""" + CHARTS + """')).filter(gd =>
    title === null || (gd.layout && gd.layout.title && gd.layout.title.text === title)).map(gd => {
  const svg = gd.querySelector('.main-svg').getBoundingClientRect();
  const kinds = [['title', '.gtitle'], ['x tick', '.xtick text'], ['y tick', '.ytick text'],
                 ['x-axis title', '.g-xtitle text'], ['y-axis title', '.g-ytitle text'],
                 ['legend title', '.legend .legendtitletext'], ['legend item', '.legend .traces'],
                 ['annotation', '.annotation'], ['bar text', 'text.bartext'], ['point text', '.textpoint text']];
  const texts = [];
  for (const [kind, selector] of kinds) {
    for (const el of gd.querySelectorAll(selector)) {
      const r = el.getBoundingClientRect();
      const words = (el.textContent || '').trim();
      if (r.width < 0.5 || r.height < 0.5 || !words) continue;
      if (getComputedStyle(el).display === 'none' || el.closest('[display="none"]')) continue;
      texts.push({kind, text: words.slice(0, 60), left: r.left, top: r.top, right: r.right, bottom: r.bottom});
    }
  }
  // plotly's toolbar (the modebar), while it shows: on hover its buttons fade in over the top of the chart
  const shown = Array.from(gd.querySelectorAll('.modebar-group')).filter(g => {
    const r = g.getBoundingClientRect();
    return r.width >= 0.5 && r.height >= 0.5 && parseFloat(getComputedStyle(g).opacity) > 0.5;
  }).map(g => g.getBoundingClientRect());
  if (shown.length) {
    texts.push({kind: 'toolbar', text: 'plotly toolbar', left: Math.min(...shown.map(r => r.left)),
                top: Math.min(...shown.map(r => r.top)), right: Math.max(...shown.map(r => r.right)),
                bottom: Math.max(...shown.map(r => r.bottom))});
  }
  return {title: gd.layout && gd.layout.title ? gd.layout.title.text : null,
          svg: {left: svg.left, top: svg.top, right: svg.right, bottom: svg.bottom}, texts};
})"""

TOLERANCE_PX = 1.5


def text_layout_problems(page, title: str | None = None) -> list[str]:
    """Every pair of texts that overlap and every text cut off by the svg, in each plotly figure (or the one titled)."""
    problems = []
    for fig in page.evaluate(JS_TEXT_BOXES, title):
        name, svg, texts = fig["title"], fig["svg"], fig["texts"]
        label = lambda t: f"{t['kind']} {t['text']!r}"
        for t in texts:
            if t["kind"] == "toolbar":  # plotly places it over the chart's corner: only what it covers matters
                continue
            if (t["left"] < svg["left"] - TOLERANCE_PX or t["right"] > svg["right"] + TOLERANCE_PX
                    or t["top"] < svg["top"] - TOLERANCE_PX or t["bottom"] > svg["bottom"] + TOLERANCE_PX):
                problems.append(f"{name!r}: {label(t)} is cut off by the edge of the chart")
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                dx = min(a["right"], b["right"]) - max(a["left"], b["left"])
                dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                if dx > TOLERANCE_PX and dy > TOLERANCE_PX:
                    problems.append(f"{name!r}: {label(a)} overlaps {label(b)} ({dx:.0f} x {dy:.0f} px)")
    return problems


def assert_text_fits(page, title: str | None = None, when: str = "", timeout: float = 4.0):
    """No text of a figure overlaps another or is cut off (plotly may still be redrawing: retry for a moment)."""
    deadline = time.time() + timeout
    while True:
        problems = text_layout_problems(page, title)
        if not problems or time.time() > deadline:
            break
        page.wait_for_timeout(300)
    assert not problems, f"{len(problems)} text collisions {when}:\n" + "\n".join(problems)


# The widths at which a chart's hover state is checked: the test's window, and a laptop's window of 1080 px with
# JupyterLab's file browser open (the chart is then about 650 px wide, the course's planned 640 px: charts.py).
HOVER_WIDTHS = (1400, 1080)


def _chart_index(page, title: str) -> int:
    titles = page.evaluate("() => Array.from(document.querySelectorAll('" + CHARTS + "')).map("
                           "gd => gd.layout && gd.layout.title ? gd.layout.title.text : null)")
    assert title in titles, f"no rendered plotly chart titled {title!r}"
    return titles.index(title)


def _toolbar_shown(page, title: str) -> bool:
    return any(t["kind"] == "toolbar" for fig in page.evaluate(JS_TEXT_BOXES, title) for t in fig["texts"])


def assert_text_fits_on_hover(page, title: str, shots: Path | None = None, name: str = "",
                              widths: tuple[int, ...] = HOVER_WIDTHS) -> None:
    """Hover a chart (plotly then shows its toolbar over the top of it) and check that neither the toolbar nor any
    text covers another text, at each of ``widths``; the window is set back to HOVER_WIDTHS[0] afterwards."""
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": 1000})
            page.wait_for_timeout(1200)  # JupyterLab and plotly lay the page out again
            chart = page.locator(CHARTS).nth(_chart_index(page, title))

            def hovered():
                page.mouse.move(1, 1)
                # the cell first (JupyterLab lays out cells out of view only roughly), then the chart's svg
                chart.evaluate("el => (el.closest('.jp-Cell') || el).scrollIntoView({block: 'start'})")
                page.wait_for_timeout(300)
                # centred, unless it is taller than the window (lesson 05's network): then its top, where the mouse goes
                chart.evaluate("el => { const svg = el.querySelector('.main-svg'); svg.scrollIntoView({block: "
                               "svg.getBoundingClientRect().height > window.innerHeight - 200 ? 'start' : 'center'}); }")
                page.wait_for_timeout(300)
                box = chart.locator(".main-svg").first.bounding_box()
                if not box or box["height"] < 20:  # plotly is still drawing it at the new width
                    return False
                # over the chart near its top left corner (by the title), where no point opens a hover label
                x, y = box["x"] + 12, box["y"] + 50
                page.mouse.move(x, y, steps=3)
                page.wait_for_timeout(500)  # the toolbar fades in
                under = page.evaluate("""([x, y, i, sel]) => { const el = document.elementFromPoint(x, y);
                    const gd = document.querySelectorAll(sel)[i];
                    return el && !gd.contains(el) ? el.tagName + '.' + String(el.className).slice(0, 60) + ' '
                        + (el.textContent || '').trim().slice(0, 60) : null; }""", [x, y, _chart_index(page, title), CHARTS])
                assert under is None, f"the mouse over the chart reaches another element, which lies over it: {under}"
                return _toolbar_shown(page, title)

            _wait_for(page, hovered, f"plotly's toolbar on {title!r} in a {width} px window", timeout=15)
            if shots is not None and name:
                page.screenshot(path=str(shots / f"{name}_hover_{width}.png"))  # the window, the mouse still on it
            assert_text_fits(page, title, when=f"with the mouse over {title!r} in a {width} px window")
    finally:
        page.mouse.move(1, 1)
        page.set_viewport_size({"width": HOVER_WIDTHS[0], "height": 1000})
        page.wait_for_timeout(800)


def assert_every_chart_fits_on_hover(page, shots: Path, lesson: str) -> None:
    """Every chart of the page hovered in the narrow window (1080 px), where a toolbar or a label is likeliest to
    cover a title; lessons 00 and 04, whose charts were crowded, are hovered at both widths in their own tests."""
    titles = [t for t in page.evaluate("() => Array.from(document.querySelectorAll('" + CHARTS + "')).map("
                                       "gd => gd.layout && gd.layout.title ? gd.layout.title.text : null)") if t]
    assert titles, f"lesson {lesson}: no chart to hover"
    for k, title in enumerate(titles):
        assert_text_fits_on_hover(page, title, shots, f"lesson{lesson}_chart{k}", widths=HOVER_WIDTHS[-1:])


def assert_no_button_label_cut(page, when: str) -> None:
    """No button of a widget shows its label cut short ("Choose a positio…") in the narrow window."""
    try:
        page.set_viewport_size({"width": HOVER_WIDTHS[-1], "height": 1000})
        page.wait_for_timeout(800)
        cut = page.evaluate("""() => Array.from(document.querySelectorAll('.jupyter-button'))
            .filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)
            .map(b => (b.textContent || '').trim())""")
        assert not cut, f"{when}: button labels cut short at {HOVER_WIDTHS[-1]} px: {cut}"
    finally:
        page.set_viewport_size({"width": HOVER_WIDTHS[0], "height": 1000})
        page.wait_for_timeout(500)


def axe_violations(page) -> tuple[list[dict], list[dict]]:
    """Run axe-core in the page: (violations in the course's own output, violations elsewhere in JupyterLab).

    A violation counts as the course's when any of its elements lies inside a .jp-OutputArea-output.
    """
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(Axe().axe_script)
    results = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({
            target: n.target.join(' '), html: n.html.slice(0, 160),
            ours: (() => { try { const el = document.querySelector(n.target[0]);
                                 return !!(el && el.closest('.jp-OutputArea-output')); } catch (e) { return false; } })()
        }))}));
    }""")
    ours, theirs = [], []
    for v in results:
        mine = [n for n in v["nodes"] if n["ours"]]
        others = [n for n in v["nodes"] if not n["ours"]]
        if mine:
            ours.append({**v, "nodes": mine})
        if others:
            theirs.append({**v, "nodes": others})
    return ours, theirs


def assert_accessible(page, lesson: str):
    """No serious or critical axe violation in the course's output; JupyterLab's own are printed, not counted."""
    ours, theirs = axe_violations(page)
    for v in theirs:
        print(f"[JupyterLab, lesson {lesson}] {v['impact']}: {v['id']} ({len(v['nodes'])}) {v['help']}")
    for v in ours:
        print(f"[course output, lesson {lesson}] {v['impact']}: {v['id']} ({len(v['nodes'])}) {v['help']}")
    bad = [v for v in ours if v["impact"] in ("serious", "critical")]
    assert not bad, f"lesson {lesson}: {sum(len(v['nodes']) for v in bad)} serious or critical accessibility violations:\n" + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']}; e.g. {v['nodes'][0]['html']}" for v in bad)


def _tab_to(page, start, target_selector: str, max_tabs: int = 60) -> None:
    """From a focused element, press Tab until the focus is on an element matching ``target_selector``."""
    start.focus()
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", target_selector):
            return
    raise AssertionError(f"{target_selector} cannot be reached with the Tab key")


def _focus_ring(page) -> dict:
    """The outline drawn round the focused element."""
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor}; }""")


def assert_focus_visible(page, what: str):
    ring = _focus_ring(page)
    assert ring["style"] != "none" and ring["width"] >= 2, f"no visible focus ring on {what}: {ring}"


def _figure(page, title: str) -> dict:
    figs = [f for f in page.evaluate(JS_FIGURES) if f["title"] == title]
    assert figs, f"no rendered plotly chart titled {title!r}"
    return figs[0]


def _wait_for(page, predicate, what: str, timeout: float = 30.0):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except AssertionError as exc:
            last = exc
        page.wait_for_timeout(200)
    raise AssertionError(f"timed out waiting for {what}: {last}")


def _open_and_run(page, base, notebook, folder="lessons", run=True):
    # ?reset: start from an empty workspace, so the tabs of earlier tests are not restored beside this lesson
    page.goto(f"{base}/lab/tree/{folder}/{notebook}?reset&token={TOKEN}")
    page.wait_for_function(
        f"window.jupyterapp && window.jupyterapp.shell.currentWidget && window.jupyterapp.shell.currentWidget.title.label === '{notebook}'"
        " && window.jupyterapp.shell.currentWidget.sessionContext.session && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel",
        timeout=60_000,
    )
    page.wait_for_function("document.querySelectorAll('.jp-NotebookPanel').length === 1", timeout=30_000)
    if run:
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")


JS_RUN_CELL = """async ([marker, source]) => {
    const panel = window.jupyterapp.shell.currentWidget;
    const nb = panel.content;
    const index = nb.widgets.findIndex(c => c.model.sharedModel.getSource().includes(marker));
    if (index < 0) { throw new Error('no cell containing ' + marker); }
    if (source !== null) { nb.widgets[index].model.sharedModel.setSource(source); }
    nb.activeCellIndex = index;
    await window.jupyterapp.commands.execute('notebook:run-cell');
    return index;
}"""


def _run_cell(page, marker: str, source: str | None = None) -> int:
    """Type ``source`` into the cell that contains ``marker`` (as a learner would) and run it; return its index."""
    return page.evaluate(JS_RUN_CELL, [marker, source])


def _cell_output(page, index: int) -> str:
    return page.evaluate(
        "(i) => { const c = window.jupyterapp.shell.currentWidget.content.widgets[i];"
        " return c.outputArea ? c.outputArea.node.innerText : ''; }", index)


def _run_lesson(page, base, notebook, widget_selector, charts):
    """Open and run a lesson, wait for its first widget and its plotly charts; return the number of stderr outputs."""
    _open_and_run(page, base, notebook)
    page.wait_for_selector(widget_selector, timeout=90_000)
    _wait_for(page, lambda: len(page.evaluate(JS_FIGURES)) >= charts, f"{charts} plotly charts")
    return page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()


@pytest.fixture(scope="module")
def shots(output_dir):
    folder = output_dir / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_lesson_00_widgets_respond_in_jupyterlab(lab, page, shots):
    base, home = lab
    _open_and_run(page, base, "00_two_comments.ipynb")

    # the three widgets and their plotly charts render
    page.wait_for_selector(".mh-claim-toggle", timeout=90_000)
    _wait_for(page, lambda: len(page.evaluate(JS_FIGURES)) >= 3, "three plotly charts")
    page.wait_for_selector(".mh-debate-dropdown select", timeout=30_000)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()
    page.screenshot(path=str(shots / "lesson00_loaded.png"), full_page=False)
    assert_text_fits(page, when="after running lesson 00")
    # on hover plotly shows its toolbar at the top right of a chart: it must cover no title or other text
    for name, title in (("lesson00_tags", "Your tags so far, by comment"), ("lesson00_stance", "Where you stand"),
                        ("lesson00_debates", "Key works in the debates this course follows")):
        assert_text_fits_on_hover(page, title, shots, name)
    assert_no_button_label_cut(page, "lesson 00")

    # 1. claim sorter: tag sentence A02 as normative; the tally for comment A moves from 0 to 1
    before = _figure(page, "Your tags so far, by comment")["data"][0]
    cats = before["x"]
    assert before["y"][cats.index("normative")] == 0
    item = page.locator(".mh-claim-item").filter(has=page.locator(".mh-claim-quote", has_text="A02"))
    toggle = item.locator(".mh-claim-toggle")
    toggle.scroll_into_view_if_needed()
    assert item.locator(".mh-claim-quote").text_content().strip().startswith("A02")  # the id sits with its quote
    normative = toggle.get_by_role("button", name="Normative")
    assert normative.get_attribute("aria-pressed") == "false"
    assert toggle.get_attribute("role") == "group" and toggle.get_attribute("aria-label") == "Kind of claim in sentence A02"
    # keyboard alone: Tab from the button before it, then Space
    _tab_to(page, toggle.get_by_role("button", name="Interpretive"), ".mh-claim-A02 button:nth-of-type(3)")
    assert_focus_visible(page, "a tag button")
    page.keyboard.press("Space")
    _wait_for(page, lambda: _figure(page, "Your tags so far, by comment")["data"][0]["y"][cats.index("normative")] == 1,
              "the claim tally to count the new tag")
    after = _figure(page, "Your tags so far, by comment")["data"][0]
    assert after["y"][cats.index("not tagged")] == before["y"][cats.index("not tagged")] - 1
    _wait_for(page, lambda: normative.get_attribute("aria-pressed") == "true", "the pressed state to reach screen readers")
    # buttons not cut: every label fits inside its button
    cut = page.evaluate("""() => Array.from(document.querySelectorAll('.mh-claim-toggle button')).filter(
        b => b.scrollWidth > b.clientWidth + 1).map(b => b.textContent)""")
    assert not cut, f"tag buttons whose label is cut: {cut[:5]}"
    # enough space between a sentence's buttons and the next quote
    gaps = page.evaluate("""() => { const items = Array.from(document.querySelectorAll('.mh-claim-item'));
        return items.slice(0, -1).map((it, i) => items[i + 1].querySelector('.mh-claim-quote').getBoundingClientRect().top
                                              - it.querySelector('.mh-claim-toggle').getBoundingClientRect().bottom); }""")
    assert min(gaps) >= 12, f"a quote starts {min(gaps):.0f} px under the buttons before it"
    assert "In words:" in page.locator(".mh-claim-item ~ .mh-chart-description").first.inner_text()
    page.screenshot(path=str(shots / "lesson00_claim_sorter.png"))
    assert_text_fits(page, "Your tags so far, by comment", when="after tagging a sentence")

    # the key opens only when every sentence is tagged, or on an explicit request
    assert page.get_by_role("button", name="Compare with the key").is_disabled()
    page.get_by_role("button", name="Show the key anyway").click()
    page.wait_for_selector(".mh-claim-result table", timeout=15_000)
    assert "1 agree" in page.locator(".mh-claim-result").inner_text()
    assert "A02" in page.locator(".mh-claim-result table").inner_text()

    # 2. stance slider: no position is marked until the learner chooses; one step right from the middle marks 6;
    # saving writes the learner's records file
    assert _figure(page, "Where you stand")["data"][1]["x"] == []
    assert page.get_by_role("button", name="Choose a position first").is_disabled()
    handle = page.locator(".mh-stance-slider .noUi-handle")
    handle.scroll_into_view_if_needed()
    assert handle.get_attribute("aria-label").startswith("Your position")
    _tab_to(page, page.get_by_role("button", name="Show the key anyway"), ".mh-stance-slider .noUi-handle")
    assert_focus_visible(page, "the stance slider")
    page.keyboard.press("ArrowRight")
    _wait_for(page, lambda: _figure(page, "Where you stand")["data"][1]["x"] == [6], "the stance marker to move")
    assert_text_fits(page, "Where you stand", when="with the marker at 6")
    for key, end in (("Home", 0), ("End", 10)):  # the marker's words stay inside the chart at both ends
        page.keyboard.press(key)
        _wait_for(page, lambda: _figure(page, "Where you stand")["data"][1]["x"] == [end], f"the stance marker to reach {end}")
        assert_text_fits(page, "Where you stand", when=f"with the marker at {end}")
        page.screenshot(path=str(shots / f"lesson00_stance_at_{end}.png"))
    for _ in range(4):
        page.keyboard.press("ArrowLeft")
    _wait_for(page, lambda: _figure(page, "Where you stand")["data"][1]["x"] == [6], "the stance marker back at 6")
    page.get_by_role("button", name="Save my position").click()
    records_file = home / "manyhands_records.json"
    _wait_for(page, lambda: records_file.exists(), "the position to be saved")
    saved = json.loads(records_file.read_text())["records"]["stance"]
    assert saved[-1] == {**saved[-1], "lesson": "00", "value": 6}
    page.screenshot(path=str(shots / "lesson00_stance.png"))

    # 2b. records panel: it says where the file is; its link downloads the file as saved; an upload of a copy from
    # an earlier session is merged in, its message shown, and the stance chart shows the restored position
    where = page.locator(".mh-records-where")
    where.scroll_into_view_if_needed()
    assert "manyhands_records.json" in where.inner_text() and "On Binder it is lost" in where.inner_text()
    link = page.get_by_role("link", name="Download my records")
    _wait_for(page, lambda: link.count() == 1, "the download link")
    # another notebook (another kernel: here, a separate process) saves a position after this panel was drawn; the
    # link gives the file as it is on disk at the click, and the panel then lists that position too
    subprocess.run([sys.executable, "-c", "from manyhands import stance; stance.save_stance('05', 9)"],
                   env={**os.environ, "MANYHANDS_HOME": str(home)}, check=True, timeout=120)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "manyhands_records.json"
    copy = json.loads(Path(download.value.path()).read_bytes())
    assert [(r["lesson"], r["value"]) for r in copy["records"]["stance"][-2:]] == [("00", 6), ("05", 9)]
    _wait_for(page, lambda: "2 saved positions (lessons 00, 05)" in page.locator(".mh-records-description").inner_text(),
              "the panel to list the other notebook's position")
    copy["records"]["stance"] = [{"lesson": "00", "value": 2, "saved_at": "2026-01-05T09:00:00+00:00"}]
    upload = page.get_by_role("button", name="Upload my records", exact=True)  # no "(0)" after it
    with page.expect_file_chooser() as chooser:  # the learner clicks the button and picks the file
        upload.click()
    chooser.value.set_files(files=[
        {"name": "manyhands_records.json", "mimeType": "application/json", "buffer": json.dumps(copy).encode()}])
    message = page.locator(".mh-records-message")
    _wait_for(page, lambda: "Restored" in message.inner_text(), "the upload's message")
    assert "1 saved position added" in message.inner_text()
    assert [r["value"] for r in json.loads(records_file.read_text())["records"]["stance"]] == [2, 6, 9]
    _wait_for(page, lambda: _figure(page, "Where you stand")["data"][0]["x"] == [2, 6, 9], "the restored position on the chart")
    page.locator(".mh-records").screenshot(path=str(shots / "lesson00_records.png"))

    # 3. debate map: choosing the famine debate selects exactly its works (keyboard: Tab to the list, type its name)
    select = page.locator(".mh-debate-dropdown select")
    _tab_to(page, page.get_by_role("button", name="Save my position"), ".mh-debate-dropdown select")
    assert_focus_visible(page, "the debate list")
    page.keyboard.type("The famine")
    _wait_for(page, lambda: select.input_value() == "The famine of 1932–33", "the keyboard to choose the famine debate")
    _wait_for(page, lambda: sum(len(t["selectedpoints"] or []) for t in _figure(page, "Key works in the debates this course follows")["data"]) == 6,
              "the famine debate's works to be highlighted")
    page.locator(".mh-debate-dropdown").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "lesson00_debate_map.png"))
    assert_text_fits(page, "Key works in the debates this course follows", when="with one debate chosen")
    assert "Highlighted, The famine of 1932–33" in page.locator(".mh-debate-dropdown ~ .mh-chart-description").inner_text()
    assert_accessible(page, "00")
    assert errors == 0, "the lesson wrote to stderr while running"


def test_lesson_01_widgets_respond_in_jupyterlab(lab, page, shots):
    base, _home = lab
    errors = _run_lesson(page, base, "01_the_bureaucracy.ipynb", ".mh-chain-levels", charts=2)
    assert_every_chart_fits_on_hover(page, shots, "01")

    # membership chart: choosing "candidates" hides the full-members line
    title = "Party membership reported to each congress, 1921–1939"
    assert _figure(page, title)["data"][0]["visible"] is True
    series = page.locator(".mh-membership-series")
    series.scroll_into_view_if_needed()
    _tab_to(page, series.get_by_role("button", name="full members", exact=True), ".mh-membership-series button:nth-of-type(2)")
    assert_focus_visible(page, "a series button")
    page.keyboard.press("Enter")
    _wait_for(page, lambda: _figure(page, title)["data"][0]["visible"] is False, "the members line to hide")
    page.screenshot(path=str(shots / "lesson01_membership.png"))
    assert_text_fits(page, when="after running lesson 01 and showing candidates only")
    _tab_to(page, page.locator(".mh-membership-series button", has_text="both").first, ".mh-membership-events input")
    assert_focus_visible(page, "the events checkbox")
    page.keyboard.press("Space")
    _wait_for(page, lambda: page.evaluate(f"() => Array.from(document.querySelectorAll('{CHARTS}')).find("
                                          f"g => g.layout.title.text === {title!r}).layout.shapes.length === 0"), "the events to hide")
    assert_text_fits(page, title, when="without the events")
    assert page.locator(".mh-membership-series button", has_text="candidates").first.get_attribute("aria-pressed") == "true"

    # chain of command: one more office adds a point to the "reported upwards" line
    chart = "What the centre hears, and what it demands"
    assert len(_figure(page, chart)["data"][1]["x"]) == 5
    handle = page.locator(".mh-chain-levels .noUi-handle")
    handle.scroll_into_view_if_needed()
    assert handle.get_attribute("aria-label") == "Offices between"
    _tab_to(page, page.locator(".mh-membership-events input"), ".mh-chain-levels .noUi-handle")
    assert_focus_visible(page, "the offices slider")
    page.keyboard.press("ArrowRight")
    _wait_for(page, lambda: len(_figure(page, chart)["data"][1]["x"]) == 6, "the chain to grow by one office")
    top = _figure(page, chart)["data"][1]["y"][-1]
    assert abs(top - 100 * 1.05 ** 5) < 1e-6
    assert "centre hears" in page.locator(".mh-chain-summary").inner_text()
    page.keyboard.press("End")  # the longest chain: the most tick labels
    _wait_for(page, lambda: len(_figure(page, chart)["data"][1]["x"]) > 6, "the longest chain")
    assert_text_fits(page, chart, when="with the longest chain")
    # a refused seed clears the chart instead of leaving the previous run on screen
    seed = page.locator(".mh-chain-seed input")
    seed.fill("-3")
    seed.press("Enter")
    _wait_for(page, lambda: all(len(t["x"] or []) == 0 for t in _figure(page, chart)["data"]), "the refused run to clear the chart")
    assert "Cannot run the model" in page.locator(".mh-chain-summary").inner_text()
    assert_text_fits(page, chart, when="with a refused seed")
    page.locator(".mh-chain-summary").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "lesson01_chain_refused.png"))
    seed.fill("0")
    seed.press("Enter")
    _wait_for(page, lambda: len(_figure(page, chart)["data"][1]["x"]) > 6, "a good seed to draw the chain again")
    assert_accessible(page, "01")
    page.screenshot(path=str(shots / "lesson01_chain.png"))
    assert errors == 0, "the lesson wrote to stderr while running"


def test_lesson_02_widgets_respond_in_jupyterlab(lab, page, shots):
    base, _home = lab
    errors = _run_lesson(page, base, "02_grain.ipynb", ".mh-timeline-actor select", charts=4)
    assert_text_fits(page, when="after running lesson 02")
    assert_every_chart_fits_on_hover(page, shots, "02")
    harvest = _figure(page, "USSR grain harvest, 1928–1934: three estimates")
    assert len(harvest["data"]) == 3 and len(harvest["data"][0]["x"]) == 7
    exports = _figure(page, "USSR grain exports 1930–31 and the 1931/32 plan, by source")
    assert len(exports["data"]) == 3, "one set of bars per source"

    # choosing one person in "Who took part" keeps only their documents highlighted and listed
    chart = "Decisions on grain and the famine, 1931–1933"
    total = len(_figure(page, chart)["data"][0]["x"])
    assert total == 15
    actor = page.locator(".mh-timeline-actor select")
    actor.scroll_into_view_if_needed()
    _tab_to(page, page.locator(".mh-grain-norm_kg input"), ".mh-timeline-actor select")
    assert_focus_visible(page, "the actor list")
    page.keyboard.type("Sholokhov")
    _wait_for(page, lambda: len(_figure(page, chart)["data"][0]["x"]) == 3, "the time line to keep Sholokhov's three documents")
    assert len(_figure(page, chart)["data"][1]["x"]) == total - 3
    assert f"3</b> of {total}" in page.locator(".mh-timeline-listing").inner_html()
    page.screenshot(path=str(shots / "lesson02_timeline.png"))
    assert_text_fits(page, chart, when="with Sholokhov's documents chosen")

    # procurement calculator: starts from the sourced 1931 figures; a larger plan leaves less in the barns
    calc = "What the same plan takes from each harvest, and what it leaves"
    taken, left = _figure(page, calc)["data"]
    assert all(abs(y - 22.7) < 1e-6 for y in taken["y"]) and abs(left["y"][1] - (56 - 22.7)) < 1e-6
    handle = page.locator(".mh-grain-plan_mt .noUi-handle")
    handle.scroll_into_view_if_needed()
    assert handle.get_attribute("aria-label") == "Procurement plan (Mt)"
    _tab_to(page, page.locator(".mh-grain-true_harvest_mt .noUi-handle"), ".mh-grain-plan_mt .noUi-handle")
    assert_focus_visible(page, "the plan slider")
    page.keyboard.press("ArrowRight")  # one step of 0.1 Mt
    _wait_for(page, lambda: abs(_figure(page, calc)["data"][1]["y"][1] - (56 - 22.8)) < 1e-6,
              "the grain left in the barns to fall by the step")
    assert "22.8 Mt" in page.locator(".mh-grain-summary").inner_text()
    assert_text_fits(page, calc, when="after moving the plan")
    # per-person figures appear only once the learner has typed all three assumptions, and a typo is explained
    per_person = page.locator(".mh-grain-per-person")
    assert "Fill in" in per_person.inner_text()
    for name, text in (("rural_population_m", "many"), ("seed_fodder_mt", "10"), ("norm_kg", "200")):
        box = page.locator(f".mh-grain-{name} input")
        box.scroll_into_view_if_needed()
        box.fill(text)
    _wait_for(page, lambda: "is not a number" in per_person.inner_text(), "a clear message about the typo")
    page.locator(".mh-grain-rural_population_m input").fill("100")
    _wait_for(page, lambda: "your assumptions" in per_person.inner_text(), "the per-person result")
    assert "232 kg" in per_person.inner_text()  # (56 - 22.8 - 10) / 100 million = 0.232 t
    assert "leaves 33.2 Mt" in page.locator(".mh-grain-summary ~ .mh-chart-description, .mh-chart-description").filter(
        has_text="Stacked bars").inner_text()
    assert_accessible(page, "02")
    page.screenshot(path=str(shots / "lesson02_calculator.png"))
    assert errors == 0, "the lesson wrote to stderr while running"


def test_primer_and_checkpoints_meet_a_learner_who_answers_wrong_first(lab, page, shots):
    base, _home = lab
    _open_and_run(page, base, "00_primer.ipynb")
    # Run All: every checkpoint says it is the learner's turn, once, and nothing goes to stderr
    _wait_for(page, lambda: page.locator(".mh-check-turn").count() == 5, "five 'Your turn' messages")
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count() == 0
    page.screenshot(path=str(shots / "primer_run_all.png"))

    # a wrong count first, then the right one
    i = _run_cell(page, 'check("P.1"', 'sentences_in_B = 15\n\ncheck("P.1", sentences_in_B)')
    _wait_for(page, lambda: "Not yet" in _cell_output(page, i), "'Not yet' for a wrong count")
    assert ".sum()" in _cell_output(page, i) and "3" not in _cell_output(page, i).split("Not yet")[1][:5]
    page.locator(".jp-Notebook .jp-Cell").nth(i).scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "primer_wrong_first.png"))
    _run_cell(page, 'check("P.1"', 'sentences_in_B = (sentences["comment"] == "B").sum()\n\ncheck("P.1", sentences_in_B)')
    _wait_for(page, lambda: _cell_output(page, i).startswith("Yes"), "'Yes' for the right count")

    # a function that prints instead of returning is still the learner's turn; a right one earns "Yes"
    _run_cell(page, "def overstatement", "def overstatement(official, revised):\n    print((official - revised) / revised * 100)")
    j = _run_cell(page, 'check("P.2"')
    _wait_for(page, lambda: "printed its result but gave back nothing" in _cell_output(page, j), "the function that prints to be told to return")
    _run_cell(page, "def overstatement", "def overstatement(official, revised):\n    return (official - revised) / revised * 100")
    _run_cell(page, 'check("P.2"')
    _wait_for(page, lambda: _cell_output(page, j).startswith("Yes"), "'Yes' for the function that returns")
    page.screenshot(path=str(shots / "primer_function.png"))


def test_an_exercise_check_shows_one_short_message_not_a_traceback(lab, page, shots):
    base, _home = lab
    _open_and_run(page, base, "ex00.ipynb", folder="exercises/ex00", run=False)
    _run_cell(page, "from manyhands import data, feedback")
    _run_cell(page, "my_claim_types = {", 'my_claim_types = {"e1": "empirical", "e2": "empirical", "e3": "normative",\n'
              '                  "e4": "empirical", "e5": "empirical", "e6": "normative"}')
    i = _run_cell(page, "# Checks for question 1")
    _wait_for(page, lambda: "Not yet" in _cell_output(page, i), "the check's message")
    shown = _cell_output(page, i)
    assert "4 of 6 are right" in " ".join(shown.split()) and "e2, e5" in " ".join(shown.split())
    for leak in ("Traceback", "feedback.py", "check_items", "AnswerError"):
        assert leak not in shown, f"the learner sees {leak!r}"
    assert len(shown.strip().splitlines()) <= 7, shown  # the message (wrapped at 80 characters), and Run All's note
    page.locator(".jp-Notebook .jp-Cell").nth(i).scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "exercise00_wrong_first.png"))


def test_lesson_03_widgets_respond_in_jupyterlab(lab, page, shots):
    base, _home = lab
    errors = _run_lesson(page, base, "03_terror_by_quota.ipynb", ".mh-quota-fear", charts=3)
    assert_text_fits(page, when="after running lesson 03")
    assert_every_chart_fits_on_hover(page, shots, "03")
    assert page.locator(".mh-check-turn").count() == 5, "every checkpoint says it is the learner's turn on Run All"

    # the repression chart: choosing "convicted" hides the death-sentence line, and the title says what is shown
    from manyhands.views.lesson03 import RepressionChart

    title = RepressionChart.TITLES["both"]
    assert _figure(page, title)["data"][1]["visible"] is True
    series = page.locator(".mh-repression-series")
    series.scroll_into_view_if_needed()
    series.get_by_role("button", name="convicted", exact=True).click()
    title = RepressionChart.TITLES["convicted"]
    _wait_for(page, lambda: _figure(page, title)["data"][1]["visible"] is False, "the death-sentence line to hide")
    assert_text_fits(page, title, when="with convictions only")
    page.screenshot(path=str(shots / "lesson03_repression.png"))

    # the quota model: more fear of looking soft raises the last round's total; the keyboard alone moves it
    chart = "What the limits become when regions ask for more"
    before = _figure(page, chart)["data"][0]["y"][-1]
    _tab_to(page, page.locator(".mh-quota-zeal .noUi-handle"), ".mh-quota-fear .noUi-handle")
    assert_focus_visible(page, "the fear slider")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    _wait_for(page, lambda: _figure(page, chart)["data"][0]["y"][-1] > before + 0.1, "the total to grow with fear")
    assert "times the first ones" in page.locator(".mh-quota-summary").inner_text()
    assert_text_fits(page, chart, when="after raising fear")
    page.screenshot(path=str(shots / "lesson03_quota.png"))
    # the model at its extremes (issue 24, item 12): every slider at its end; the chart stops at 100 times and the
    # summary says that past it the model describes nothing the documents show
    for name in ("zeal", "fear", "rounds"):
        handle = page.locator(f".mh-quota-{name} .noUi-handle")
        handle.scroll_into_view_if_needed()
        handle.focus()
        page.keyboard.press("End")
    _wait_for(page, lambda: "describes nothing the documents show" in page.locator(".mh-quota-summary").inner_text(),
              "the summary to say where the model stops meaning anything")
    assert max(_figure(page, chart)["data"][0]["y"]) <= 100, "the chart should stop at 100 times the first limits"
    assert_text_fits(page, chart, when="with every slider at its end")
    page.screenshot(path=str(shots / "lesson03_quota_extremes.png"))
    assert_accessible(page, "03")
    assert errors == 0, "the lesson wrote to stderr while running"


def _checkpoint_wrong_then_right(page, cid: str, wrong: str, right: str, what: str) -> None:
    """Answer a lesson checkpoint wrong first ("Not yet"), then right ("Yes"), as a learner would."""
    i = _run_cell(page, f'check("{cid}"', wrong)
    _wait_for(page, lambda: "Not yet" in _cell_output(page, i), f"'Not yet' for {what}")
    _run_cell(page, f'check("{cid}"', right)
    _wait_for(page, lambda: _cell_output(page, i).startswith("Yes"), f"'Yes' after {what}")


def _exercise_wrong_then_right(page, base, shots, exercise: str, define: str, wrong: str, right: str, question: int,
                               expect: str) -> None:
    """Answer an exercise question wrong first: one short message (``expect`` in it, no traceback), then right."""
    _open_and_run(page, base, f"{exercise}.ipynb", folder=f"exercises/{exercise}", run=False)
    _run_cell(page, "from manyhands import data, feedback")
    _run_cell(page, define, wrong)
    j = _run_cell(page, f"# Checks for question {question}")
    _wait_for(page, lambda: "Not yet" in _cell_output(page, j), "the check's message")
    shown = _cell_output(page, j)
    assert expect in " ".join(shown.split()) and "Traceback" not in shown, shown  # a message wraps at 80 characters
    page.locator(".jp-Notebook .jp-Cell").nth(j).scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"{exercise.replace('ex', 'exercise')}_wrong_first.png"))
    _run_cell(page, define, right)
    _run_cell(page, f"# Checks for question {question}")
    _wait_for(page, lambda: f"Question {question}: well done." in _cell_output(page, j), "well done for the right answer")


def test_lesson_03_checkpoint_and_exercise_03_answered_wrong_first(lab, page, shots):
    base, _home = lab
    _open_and_run(page, base, "03_terror_by_quota.ipynb")
    _wait_for(page, lambda: page.locator(".mh-check-turn").count() == 5, "five 'Your turn' messages")
    # a percentage where a share is asked: "Not yet", then the share: "Yes"
    _checkpoint_wrong_then_right(
        page, "03.2", 'death_share_1937 = 44.7\n\ncheck("03.2", death_share_1937)',
        'row = repression.set_index("year").loc[1937]\n'
        'death_share_1937 = row["death_sentences"] / row["convicted"]\n\ncheck("03.2", death_share_1937)', "a percentage")
    # a historian's number, written with thousands separators: Python reads two values, and the check says why
    i = _run_cell(page, 'check("03.4"', 'times_first_limit = 387,000 / 75,950\n\ncheck("03.4", times_first_limit)')
    _wait_for(page, lambda: "not 387,000" in " ".join(_cell_output(page, i).split()), "the thousands-separator message")
    _run_cell(page, 'check("03.4"', 'times_first_limit = 387000 / 75950\n\ncheck("03.4", times_first_limit)')
    _wait_for(page, lambda: _cell_output(page, i).startswith("Yes"), "'Yes' for the number written the Python way")
    # the fraction upside down
    _exercise_wrong_then_right(
        page, base, shots, "ex03", "def death_share(table, year):",
        'def death_share(table, year):\n    row = table.set_index("year").loc[year]\n'
        '    return float(row["convicted"] / row["death_sentences"])',
        'def death_share(table, year):\n    row = table.set_index("year").loc[year]\n'
        '    return float(row["death_sentences"] / row["convicted"])', 1, "between 0 and 1")


def test_lesson_04_widgets_respond_and_the_grid_is_kept_in_the_records_file(lab, page, shots):
    base, home = lab
    errors = _run_lesson(page, base, "04_working_towards_the_fuehrer.ipynb", ".mh-grid-dimension select", charts=3)
    assert_text_fits(page, when="after running lesson 04")
    # on hover plotly shows its toolbar at the top right of a chart: it must cover no title or other text
    for name, title in (("lesson04_model", "How far agencies go beyond what the leader asked"),
                        ("lesson04_timeline", "Documents of command in Nazi Germany, 1939–1943"),
                        ("lesson04_grid_chart", "Your ratings of the evidence")):
        assert_text_fits_on_hover(page, title, shots, name)
    _wait_for(page, lambda: page.locator(".mh-check-turn").count() == 6, "six 'Your turn' messages")

    # the model: more reward for zeal (moved by keyboard alone) lets the most radical agency go further
    chart = "How far agencies go beyond what the leader asked"
    lead = lambda: max(trace["y"][-1] for trace in _figure(page, chart)["data"][:4])  # noqa: E731
    before = lead()
    _tab_to(page, page.locator(".mh-radical-explicitness .noUi-handle"), ".mh-radical-zeal .noUi-handle")
    assert_focus_visible(page, "the zeal slider")
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    _wait_for(page, lambda: lead() > before + 0.1, "the leading agency to go further with more zeal")
    # a screen reader announces what the readout shows ("20%"), not the slider's raw value (0.2)
    zeal = page.locator(".mh-radical-zeal")
    shown = zeal.locator(".widget-readout").inner_text().strip()
    assert shown.endswith("%"), shown
    _wait_for(page, lambda: zeal.locator(".noUi-handle").get_attribute("aria-valuetext") == shown,
              f"the zeal slider's aria-valuetext to read {shown!r}")
    assert "times what the leader asked for" in page.locator(".mh-radical-summary").inner_text()
    assert_text_fits(page, chart, when="with a vaguer leader")
    page.locator(".mh-radical-summary").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "lesson04_model.png"))

    # the documents' time line: choosing Hitler keeps the documents he had a role in
    timeline = "Documents of command in Nazi Germany, 1939–1943"
    actor = page.locator(".mh-timeline-actor select")
    actor.scroll_into_view_if_needed()
    actor.select_option("Hitler")
    _wait_for(page, lambda: len(_figure(page, timeline)["data"][0]["x"]) == 4, "the four documents with Hitler")
    assert "4 of 10 documents with Hitler" in page.locator(".mh-timeline-listing").inner_text()
    assert_text_fits(page, timeline, when="with Hitler chosen")

    # the grid: another dimension shows its evidence; a rating moves the chart and lands in the records file
    grid_chart = "Your ratings of the evidence"
    dimension = page.locator(".mh-grid-dimension select")
    dimension.scroll_into_view_if_needed()
    dimension.select_option(label="7. The fate of those who held back")
    _wait_for(page, lambda: "Józefów" in page.locator(".mh-grid-evidence").inner_text(), "the evidence on refusal")
    page.locator(".mh-grid-rating-1").get_by_role("button", name="weakly", exact=True).click()
    _wait_for(page, lambda: _figure(page, grid_chart)["data"][1]["x"] == [1], "Nazi Germany's rating on the chart")
    records = home / "manyhands_records.json"
    _wait_for(page, lambda: records.exists() and json.loads(records.read_text())["records"]["04.grid"]["ratings"]
              ["refusal"]["Nazi Germany"] == 1, "the rating in the records file")
    _wait_for(page, lambda: "Saved with your records" in page.locator(".mh-grid-message").inner_text(), "the saved message")
    page.locator(".mh-grid-message").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "lesson04_grid_chart.png"))
    assert_text_fits(page, grid_chart, when="after a rating")
    page.locator(".mh-grid-evidence").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "lesson04_grid.png"))
    assert_accessible(page, "04")
    assert errors == 0, "the lesson wrote to stderr while running"


def test_lesson_04_checkpoint_and_exercise_04_answered_wrong_first(lab, page, shots):
    base, _home = lab
    _open_and_run(page, base, "04_working_towards_the_fuehrer.ipynb")
    _wait_for(page, lambda: page.locator(".mh-check-turn").count() == 6, "six 'Your turn' messages")
    _checkpoint_wrong_then_right(page, "04.4", 'share_stepped_out = 2.4\n\ncheck("04.4", share_stepped_out)',
                                 'share_stepped_out = 12 / 500\n\ncheck("04.4", share_stepped_out)', "a percentage")
    # every row as the denominator: the unknown signatures counted as "not signed"
    _exercise_wrong_then_right(
        page, base, shots, "ex04", "def leader_share(documents, name):",
        'def leader_share(documents, name):\n'
        '    return float(documents["signed_by"].str.contains(name).sum() / len(documents))',
        'def leader_share(documents, name):\n'
        '    checked = documents[documents["signed_by"] != "not checked by the course"]\n'
        '    return float(checked["signed_by"].str.contains(name).sum() / len(checked))', 2, "not checked by the course")


def test_lesson_05_network_ledger_and_earlier_position_in_jupyterlab(lab, page, shots):
    """Lesson 05 as a learner meets it: where they stood in lesson 00, the network filtered by keyboard and by
    regime, the ledger filled in and saved to the records file."""
    base, home = lab
    errors = _run_lesson(page, base, "05_the_verdict.ipynb", ".mh-network-signed input", charts=2)
    _wait_for(page, lambda: page.locator(".mh-check-turn").count() == 4, "four 'Your turn' messages")
    page.locator(".mh-earlier-position").scroll_into_view_if_needed()
    _wait_for(page, lambda: any(words in page.locator(".mh-earlier-position").inner_text() for words in
                                ("In lesson 00 you stood at", "No position from lesson 00 was found")),
              "where the learner stood in lesson 00, or that it is missing")
    title = "Who the documents name, and in which role"
    page.locator(".mh-network-summary").scroll_into_view_if_needed()
    assert_text_fits(page, when="after running lesson 05")
    assert_every_chart_fits_on_hover(page, shots, "05")
    page.locator(CHARTS).nth(1).evaluate("el => el.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(shots / "lesson05_network.png"))
    names = ["initiated", "signed", "issued", "carried out", "resisted", "leader", "inner circle", "central apparatus",
             "regional officials", "executors", "others", "document"]
    carried = names.index("carried out")
    assert len(_figure(page, title)["data"][carried]["x"]) > 0

    # the keyboard alone: Tab to the 'carried out' box, Space; its lines go, the text alternative follows
    box = page.locator(".mh-network-carried_out input")
    box.scroll_into_view_if_needed()
    _tab_to(page, page.locator(".mh-network-issued input"), ".mh-network-carried_out input")
    assert_focus_visible(page, "the 'carried out' checkbox")
    page.keyboard.press("Space")
    _wait_for(page, lambda: not _figure(page, title)["data"][carried]["x"], "the 'carried out' lines to go")
    assert "carried out" not in page.locator(".mh-network-summary").inner_text()
    assert_text_fits(page, title, when="without 'carried out'")
    assert page.locator(".mh-network-resisted input").is_disabled()
    # only the signatures: a shorter chart, and still no text on text
    for role in ("initiated", "issued"):
        page.locator(f".mh-network-{role} input").uncheck()
    _wait_for(page, lambda: not _figure(page, title)["data"][names.index("issued")]["x"], "only the signatures")
    assert_text_fits(page, title, when="with the signatures only")
    page.locator(CHARTS).nth(1).screenshot(path=str(shots / "lesson05_network_signed.png"))
    # one regime: the Nazi documents only, and Hitler the only leader on the chart
    page.locator(".mh-network-regime select").select_option("Nazi Germany")
    _wait_for(page, lambda: len(_figure(page, title)["data"][names.index("leader")]["x"]) == 1, "one leader, Hitler")
    assert_text_fits(page, title, when="with the Nazi documents only")

    # the ledger: a choice moves the count; Save keeps it in the records file
    did = page.locator(".mh-ledger-0-0-did select")
    did.scroll_into_view_if_needed()
    assert did.get_attribute("aria-label") == ("The decree of 14 December 1932 (lesson 02), leader: what the documents "
                                               "show they did (the most serious)")
    did.select_option("signed")
    page.locator(".mh-ledger-0-0-moral select").select_option("heavy")
    _wait_for(page, lambda: "2 of 120 choices made" in page.locator(".mh-ledger-progress").inner_text(), "the count of choices")
    page.get_by_role("button", name="Save my ledger").click()
    _wait_for(page, lambda: "Saved (2 of 120" in page.locator(".mh-ledger-status").inner_text(), "the ledger to be saved")
    records = home / "manyhands_records.json"
    saved = json.loads(records.read_text())["records"]["05.ledger"]
    assert saved["cases"]["d04"]["actors"]["leader"]["did"] == "signed"
    page.locator(".mh-ledger").first.screenshot(path=str(shots / "lesson05_ledger.png"))
    assert_accessible(page, "05")
    assert errors == 0, "the lesson wrote to stderr while running"


JS_CELLS = """(gid) => { const nb = window.jupyterapp.shell.currentWidget.content;
    const cells = nb.widgets.map(c => ({type: c.model.type, gid: ((c.model.getMetadata('nbgrader') || {}).grade_id) || null,
                                        source: c.model.sharedModel.getSource()}));
    return {cells, index: cells.findIndex(c => c.gid === gid), mode: nb.mode}; }"""


@pytest.mark.parametrize("exercise,grade_id", [("ex00", "q5_answer"), ("ex01", "q5_answer"), ("ex02", "q5_answer"),
                                               ("ex03", "q5_answer"), ("ex04", "q4_answer"), ("ex05", "q4_answer")])
def test_a_written_answer_typed_the_way_a_novice_types(lab, page, shots, exercise, grade_id):
    """Issue 24 item 1: a learner clicks the written answer once and types. The letters go to JupyterLab as shortcuts
    (cells added, a type changed); Edit > Undo Cell Operation, as the question and the check say, puts the notebook
    back. Then the way the question says: double-click, click inside the box, type, Shift+Enter, save, and the check
    under the answer counts the words."""
    _open_and_run(page, base=lab[0], notebook=f"{exercise}.ipynb", folder=f"exercises/{exercise}", run=False)
    before = page.evaluate(JS_CELLS, grade_id)
    i = before["index"]
    assert i >= 0 and before["cells"][i]["type"] == "markdown"
    cell = page.locator(".jp-Notebook .jp-Cell").nth(i)
    cell.scroll_into_view_if_needed()
    cell.click()  # once: the cell is selected, in command mode, with no cursor in it
    page.keyboard.press("Escape")
    page.keyboard.type("bay")  # b adds a cell below, a one above, y makes a cell a code cell: a novice's first word
    _wait_for(page, lambda: len(page.evaluate(JS_CELLS, grade_id)["cells"]) > len(before["cells"]), "the stray cells")
    for _ in range(6):  # Edit > Undo Cell Operation, as often as it takes
        if page.evaluate(JS_CELLS, grade_id)["cells"] == before["cells"]:
            break
        page.evaluate("window.jupyterapp.commands.execute('notebook:undo-cell-action')")
        page.wait_for_timeout(300)
    assert page.evaluate(JS_CELLS, grade_id)["cells"] == before["cells"], "Undo did not put the notebook back"

    # the way the question says
    cell.scroll_into_view_if_needed()
    cell.dblclick()
    editor = cell.locator(".cm-content")
    editor.wait_for(timeout=10_000)
    editor.click()
    page.keyboard.press("Control+a")
    words = "The lists were signed at the top, and the killing was done below by many hands."
    page.keyboard.type(words)
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Control+s")
    _wait_for(page, lambda: not page.evaluate("window.jupyterapp.shell.currentWidget.context.model.dirty"), "the save")
    after = page.evaluate(JS_CELLS, grade_id)
    assert after["cells"][i]["source"] == words and after["cells"][i]["type"] == "markdown"
    j = _run_cell(page, f'essays.check("{exercise}", "{grade_id}")')
    _wait_for(page, lambda: f"{len(words.split())} words in the notebook as last saved" in _cell_output(page, j),
              "the word count of the saved answer")
    page.locator(".jp-Notebook .jp-Cell").nth(j).scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"{exercise}_written_answer.png"))
