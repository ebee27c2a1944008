"""How long one redraw of lesson 05's network chart takes in the page when a control moves (issue 25).

    python bench/redraw.py [--times 6]

Runs lesson 05 in JupyterLab in chromium (as browser_weight.py does), then toggles the role checkboxes one at a
time and prints, for each change, the milliseconds plotly.js spent in ``Plotly.react`` on the network chart (timed by
wrapping ``window.Plotly.react`` in the page) and the milliseconds from the click to the chart's ``plotly_afterplot``
(the round trip to the kernel included).  Prints figures; asserts nothing."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import browser_weight as bw  # noqa: E402
import test_browser as tb  # noqa: E402

TITLE = "Who the documents name"

JS_WRAP = """(title) => {
  window.__mhReact = [];
  const P = window.Plotly;
  if (!P.__mhWrapped) {
    const react = P.react;
    P.react = function (gd, ...rest) {
      const t0 = performance.now();
      const out = react.call(this, gd, ...rest);
      Promise.resolve(out).then(() => {
        const text = gd.layout && gd.layout.title ? (gd.layout.title.text || '') : '';
        if (text.includes(title)) window.__mhReact.push({react: performance.now() - t0, end: performance.now()});
      });
      return out;
    };
    P.__mhWrapped = true;
  }
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--times", type=int, default=6, help="how many control changes to time")
    args = parser.parse_args()
    with tb.lab_in_chromium("manyhands-redraw-") as (browser, base):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        bw.run_all(page, base, "05_the_verdict.ipynb")
        page.evaluate(JS_WRAP, TITLE)
        box = page.locator(".mh-network-carried_out input")
        box.scroll_into_view_if_needed()
        time.sleep(1)
        reacts, rounds = [], []
        for _ in range(args.times):
            before = page.evaluate("window.__mhReact.length")
            t0 = page.evaluate("performance.now()")
            box.click()
            page.wait_for_function(f"window.__mhReact.length > {before}", timeout=30_000)
            time.sleep(0.5)
            last = page.evaluate("window.__mhReact[window.__mhReact.length - 1]")
            reacts.append(last["react"])
            rounds.append(last["end"] - t0)
        print(f"lesson 05 network chart, {args.times} changes of a role checkbox:")
        print(f"  Plotly.react in the page: median {statistics.median(reacts):.1f} ms "
              f"(min {min(reacts):.1f}, max {max(reacts):.1f}): " + ", ".join(f"{r:.1f}" for r in reacts))
        print(f"  click to chart redrawn (with the kernel's round trip): median {statistics.median(rounds):.0f} ms")


if __name__ == "__main__":
    main()
