"""What a learner's browser receives on Run All, lesson by lesson, in Debian's chromium driven by Playwright.

    python bench/browser_weight.py [--lessons 00 02 ...]

For each lesson: the bytes the kernel's websocket carried to the browser (every frame received: outputs, widget
state, comm messages) and the seconds from Run All to the last chart drawn (a chart counts as drawn when
plotly.js has put its SVG in the page; the run ends when every code cell has run, the kernel is idle and no
chart has been drawn for 2 s).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import test_browser as tb  # noqa: E402  (the browser tests' JupyterLab and chromium set-up)
from frames import Breakdown  # noqa: E402

JS_WATCH = """() => {
  // a chart is counted once, by its cell and its place in that cell, when plotly.js first draws it: JupyterLab
  // draws a widget again when its cell scrolls back into view, and a chart's title may change
  window.__mhDrawn = [];
  const seen = new Set();
  const cells = window.jupyterapp.shell.currentWidget.content.widgets;
  const note = () => {
    for (const gd of document.querySelectorAll('.js-plotly-plot')) {
      if (gd.closest('.mh-plotly-loader') || !gd.querySelector('.main-svg')) continue;  // the hidden loader output
      const cell = cells.findIndex(c => c.node.contains(gd));
      const place = Array.from(cells[cell] ? cells[cell].node.querySelectorAll('.js-plotly-plot') : []).indexOf(gd);
      const key = cell + ':' + place;
      if (!seen.has(key)) { seen.add(key); window.__mhDrawn.push(performance.now()); }
    }
  };
  new MutationObserver(note).observe(document.body, {subtree: true, childList: true});
  window.__mhStart = performance.now();
}"""

JS_STATE = """() => ({drawn: window.__mhDrawn.length, last: window.__mhDrawn.length ? window.__mhDrawn[window.__mhDrawn.length - 1] - window.__mhStart : null,
  busy: window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status !== 'idle'
        || window.jupyterapp.shell.currentWidget.content.widgets.some(c => c.model.type === 'code' && !c.model.executionCount)
        || document.querySelectorAll('.mh-live-figure').length > window.__mhDrawn.length,
  now: performance.now() - window.__mhStart})"""


def run_all(page, base: str, notebook: str, breakdown=None) -> dict:
    received = {"bytes": 0, "frames": 0, "largest": 0}

    def on_socket(ws):
        if "/api/kernels/" not in ws.url:
            return

        def on_frame(payload):
            size = len(payload.encode() if isinstance(payload, str) else payload)
            received["bytes"] += size
            received["frames"] += 1
            received["largest"] = max(received["largest"], size)
            if breakdown is not None:
                breakdown.add(payload)

        ws.on("framereceived", on_frame)

    page.on("websocket", on_socket)
    tb._open_and_run(page, base, notebook, run=False)
    page.evaluate(JS_WATCH)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    quiet_since, state = None, None
    deadline = time.time() + 300
    while time.time() < deadline:
        time.sleep(0.25)
        state = page.evaluate(JS_STATE)
        settled = not state["busy"] and (state["last"] is None or state["now"] - state["last"] > 2000)
        if settled:
            quiet_since = quiet_since or time.time()
            if time.time() - quiet_since > 1.0:
                break
        else:
            quiet_since = None
    page.remove_listener("websocket", on_socket)
    return {**received, "charts": state["drawn"], "seconds": (state["last"] or 0) / 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", nargs="*", help="lesson numbers (default: all)")
    parser.add_argument("--breakdown", action="store_true",
                        help="also print, for each lesson, the bytes and frames by message type and widget model")
    args = parser.parse_args()
    notebooks = sorted(p.name for p in (ROOT / "lessons").glob("*.ipynb")
                       if not args.lessons or p.name[:2] in args.lessons)
    print("Run All in JupyterLab in chromium: bytes the kernel's websocket carried to the browser, and the time to "
          "the last chart drawn")
    with tb.lab_in_chromium("manyhands-weight-") as (browser, base):
        for name in notebooks:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            breakdown = Breakdown() if args.breakdown else None
            result = run_all(page, base, name, breakdown)
            print(f"  {name}: {result['bytes'] / 1e6:.2f} MB in {result['frames']} frames "
                  f"(largest {result['largest'] / 1e3:.0f} kB); {result['charts']} charts drawn, the last "
                  f"{result['seconds']:.1f} s after Run All")
            if breakdown is not None:
                print(breakdown.table())
            page.evaluate("window.jupyterapp.commands.execute('kernelmenu:shutdown')")
            page.close()


if __name__ == "__main__":
    main()
