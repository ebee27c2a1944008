"""The records panel: where the learner's records file is, a link to download it, and an upload control to bring
a downloaded copy back (into a new Binder session, say)."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import ipywidgets as w

from .. import records
from .a11y import view as _view
from .base import _Displayable

_UPLOAD_NAME = "Upload a downloaded copy of your records (a .json file)"


def _where(path: Path, root: Path) -> str:
    """Where the file is, in words a learner can follow in JupyterLab's file browser."""
    name = f"<code>{html.escape(path.name)}</code>"
    if path.parent == root:
        return (f"Your records are kept in the file {name}, at the top of the course folder (the folder that holds "
                "<code>lessons</code>). In JupyterLab's file browser (the folder icon on the left), go up to the "
                "course folder: the file is listed there.")
    try:
        inside = path.relative_to(root)
        return (f"Your records are kept in the file <code>{html.escape(inside.as_posix())}</code> inside the course "
                "folder; JupyterLab's file browser (the folder icon on the left) shows it there.")
    except ValueError:
        return (f"Your records are kept in the file <code>{html.escape(str(path))}</code> (the folder named by "
                "<code>MANYHANDS_HOME</code>).")


def _summary(recs: dict) -> str:
    if not recs:
        return "Nothing is saved yet."
    parts = []
    for key, value in recs.items():
        if key == "stance" and isinstance(value, list):
            lessons = sorted({r["lesson"] for r in value})
            parts.append(f"{len(value)} saved position{'s' if len(value) != 1 else ''}"
                         + (f" (lesson{'s' if len(lessons) != 1 else ''} {', '.join(lessons)})" if lessons else ""))
        else:
            parts.append(records.KEY_NAMES.get(key, f"the record \"{key}\""))
    return "In the file now: " + "; ".join(parts) + "."


class RecordsPanel(_Displayable):
    """Where the records file is, "Download my records", and an upload control that restores a downloaded copy.

    ``controls`` holds the upload control; ``message`` shows what the last upload did; ``description`` says what
    the file holds; ``download`` holds the link (a data: URL of the file as it is now, refreshed after each save)."""

    figure = None

    def __init__(self, path=None):
        self.path = Path(path) if path else records.records_path()
        self.root = records.course_root()
        self.where = w.HTML(
            "<p style='margin:0.2em 0;max-width:60em;line-height:1.45'>" + _where(self.path, self.root) + "</p>"
            "<p style='margin:0.2em 0;max-width:60em;line-height:1.45'>On your own computer the file stays there from one session to "
            "the next. <b>On Binder it is lost when the session ends</b>: download it before you leave, and next time "
            "upload it here to carry on where you stopped.</p>")
        self.where.add_class("mh-records-where")
        self.download = w.HTML()
        self.download.add_class("mh-records-download")
        self.upload = w.FileUpload(accept=".json", multiple=False, description="Upload my records", icon="upload",
                                   tooltip=_UPLOAD_NAME, layout=w.Layout(width="auto"))
        self.upload.add_class("mh-records-upload")
        self.upload.observe(self._on_upload, names="value")
        self.message = w.HTML()
        self.message.add_class("mh-records-message")
        self.description = w.HTML()
        self.description.add_class("mh-records-description")
        self.controls = {"upload": self.upload}
        problem = records.last_message()
        if problem:
            self._show(problem)
        self.view = _view([
            w.HTML("<h4 style='margin:0.4em 0 0.2em'>Your records file</h4>"),
            self.where, self.description, self.download,
            w.HBox([self.upload, w.HTML("<small>&nbsp;choose the <code>.json</code> file you downloaded</small>")]),
            self.message,
        ], css="mh-records")  # the upload button's name is its text, "Upload my records"
        self.refresh()
        records.on_change(self._changed)

    def _show(self, text: str) -> None:
        self.message.value = f"<div role='status' style='max-width:60em;line-height:1.45'>{html.escape(text)}</div>"

    def _changed(self, path: Path) -> None:
        if Path(path) == self.path:
            self.refresh()

    def refresh(self) -> None:
        """Read the file again: the summary and the download link show it as it is now."""
        recs, problem = records.read(self.path)
        if problem:
            self._show(problem)
        self.description.value = f"<p style='margin:0.2em 0;line-height:1.45'>{html.escape(_summary(recs))}</p>"
        try:
            content = self.path.read_bytes()
        except OSError:
            self.download.value = ("<p style='margin:0.2em 0;line-height:1.45'><i>Nothing to download yet: the file appears when you "
                                   "first save something (your position, above).</i></p>")
            return
        href = "data:application/json;base64," + base64.b64encode(content).decode("ascii")
        self.download.value = (
            f"<p style='margin:0.2em 0;line-height:1.45'><a href='{href}' download='{html.escape(self.path.name)}' "
            "style='font-weight:bold;text-decoration:underline'>Download my records</a> "
            f"(or, in JupyterLab's file browser, right-click <code>{html.escape(self.path.name)}</code> and choose "
            "<b>Download</b>).</p>")

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        self._show(records.restore_to(self.path, upload["content"]))
        self.refresh()
        self.upload.value = ()  # ready for another upload (the same file again, even)
