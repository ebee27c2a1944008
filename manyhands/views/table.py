"""A table as a learner should read it: every cell whole and wrapped, text left-aligned, no blank index column.

pandas shows a DataFrame with its row numbers in an unlabelled first column (an empty header that screen readers
report) and cuts long text at 50 characters. ``table`` shows the same data through a pandas Styler: index hidden,
text wrapped and left-aligned, numbers right-aligned with at most ``precision`` decimals, missing values as "–",
and a caption that says what the table is.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["table"]


def table(frame: pd.DataFrame, caption: str | None = None, precision: int = 2):
    """A readable, accessible view of ``frame`` (the data itself is not changed)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"table() shows a pandas DataFrame, not {type(frame).__name__}")
    numeric = frame.select_dtypes("number").columns
    labels = [c for c in numeric if "year" in str(c) or str(c) in ("congress", "lesson")]  # 1932, not 1,932
    styler = (
        frame.style.hide(axis="index")
        .format(precision=precision, na_rep="–", thousands=",")
        .format(precision=0, na_rep="–", subset=labels)
        .set_properties(**{"text-align": "left", "white-space": "normal", "vertical-align": "top"})
        .set_properties(subset=list(numeric), **{"text-align": "right"})
        .set_table_styles([
            {"selector": "th", "props": "text-align: left; vertical-align: bottom;"},
            {"selector": "td", "props": "max-width: 40em;"},
            {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: bold;"},
        ])
    )
    if caption:
        styler = styler.set_caption(caption)
    return styler
