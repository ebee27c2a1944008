"""The records panel: where the learner's records file is, a link to download it, and an upload control to bring
a downloaded copy back (into a new Binder session, say).

Every lesson's notebook runs in its own kernel, and any of them may save to the file, so the panel never trusts
what it read earlier: the link reads the file when it is clicked (``FileLink``: the browser asks this kernel,
which reads the file from disk and hands its bytes back to be saved), and the panel reads the file again whenever
it comes into view and at each click."""

from __future__ import annotations

import datetime as _dt
import html
from pathlib import Path

import anywidget
import ipywidgets as w
import traitlets

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
            parts.append(records.key_name(key))  # "your judgement of your written answer in ex00", not its key
    return "In the file now: " + "; ".join(parts) + "."


_LINK_ESM = r"""
function render({ model, el }) {
  el.classList.add('mh-file-link');
  const p = document.createElement('p');
  p.style.cssText = 'margin:0.2em 0;line-height:1.45;max-width:60em';
  const link = document.createElement('a');
  link.href = '#';
  link.style.cssText = 'font-weight:bold;text-decoration:underline';
  const after = document.createElement('span');
  const none = document.createElement('i');
  const status = document.createElement('div');
  status.setAttribute('role', 'status');
  status.style.cssText = 'max-width:60em;line-height:1.45';
  p.append(link, after, none);
  el.append(p, status);
  let timer = null;
  const draw = () => {
    link.textContent = model.get('label');
    after.innerHTML = model.get('after_html');
    none.textContent = model.get('none_text');
    const there = model.get('available');
    link.style.display = there ? '' : 'none';
    after.style.display = there ? '' : 'none';
    none.style.display = there ? 'none' : '';
  };
  draw();
  model.on('change', draw);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    status.textContent = model.get('reading_text');
    clearTimeout(timer);
    timer = setTimeout(() => { status.textContent = model.get('no_answer_text'); }, 8000);
    model.send({ event: 'download' });
  });
  const onMessage = (msg, buffers) => {
    if (!msg || msg.event === undefined) return;
    clearTimeout(timer);
    if (msg.event === 'file') {
      const blob = new Blob(buffers && buffers.length ? [buffers[0]] : [], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const save = document.createElement('a');
      save.href = url;
      save.download = msg.name;
      save.style.display = 'none';
      document.body.appendChild(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      status.textContent = msg.text || '';
    } else {
      status.textContent = msg.text || '';
    }
  };
  model.on('msg:custom', onMessage);
  // whenever the panel comes into view (scrolled to, or its notebook's tab shown again), the kernel reads the
  // file again: another notebook may have saved to it since
  let observer = null;
  if (typeof IntersectionObserver !== 'undefined') {
    let seen = false;
    observer = new IntersectionObserver((entries) => {
      const now = entries.some((e) => e.isIntersecting);
      if (now && !seen) model.send({ event: 'look' });
      seen = now;
    });
    observer.observe(el);
  }
  return () => { clearTimeout(timer); model.off('msg:custom', onMessage); if (observer) observer.disconnect(); };
}
export default { render };
"""


class FileLink(anywidget.AnyWidget):
    """"Download my records": a link that, when clicked, has the kernel read the file from disk at that moment and
    hands its bytes to the browser to save (so the copy is the file as it is then, whichever notebook saved to it
    last).  ``read()`` gives (bytes or None, a message); ``seen()`` is called when the link comes into view."""

    _esm = _LINK_ESM
    label = traitlets.Unicode("Download my records").tag(sync=True)
    after_html = traitlets.Unicode("").tag(sync=True)
    none_text = traitlets.Unicode("").tag(sync=True)
    available = traitlets.Bool(False).tag(sync=True)
    reading_text = traitlets.Unicode("Reading your records file\u2026").tag(sync=True)
    no_answer_text = traitlets.Unicode("").tag(sync=True)

    def __init__(self, name: str, read, seen, **kwargs):
        super().__init__(**kwargs)
        self.name, self._read, self._seen = name, read, seen
        self.on_msg(self._on_msg)

    def _on_msg(self, _widget, content, _buffers) -> None:
        event = content.get("event") if isinstance(content, dict) else None
        if event == "download":
            self.send(*self.reply())
        elif event == "look":
            self._seen()

    def reply(self) -> tuple[dict, list]:
        """What a click is answered with: the file as it is on disk now (read now), or why there is none."""
        data, text = self._read()
        if data is None:
            return {"event": "missing", "text": text}, []
        return {"event": "file", "name": self.name, "text": text}, [data]


_UPLOAD_ESM = r"""
function render({ model, el }) {
  el.classList.add('mh-file-button');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'jupyter-widgets jupyter-button widget-upload';
  button.style.cssText = 'width:auto;max-width:none;padding:0 1em;white-space:nowrap';  // the whole name shows
  const icon = document.createElement('i');
  icon.setAttribute('aria-hidden', 'true');
  const text = document.createElement('span');
  const input = document.createElement('input');
  input.type = 'file';
  input.style.display = 'none';
  input.tabIndex = -1;
  button.append(icon, text);
  el.append(button, input);
  const draw = () => {
    // the description alone: ipywidgets' FileUpload adds "(number of files)", which read "Upload my records (0)"
    text.textContent = model.get('description');
    icon.className = model.get('icon') ? 'fa fa-' + model.get('icon') : '';
    icon.style.marginRight = model.get('icon') ? '0.4em' : '';
    button.title = model.get('tooltip');
    button.disabled = model.get('disabled');
    input.accept = model.get('accept');
    input.multiple = model.get('multiple');
  };
  draw();
  model.on('change', draw);
  button.addEventListener('click', () => { input.value = ''; input.click(); });
  input.addEventListener('change', async () => {
    const files = Array.from(input.files || []);
    if (!files.length) return;
    const buffers = await Promise.all(files.map((f) => f.arrayBuffer()));
    // send(content, callbacks, buffers): the files' bytes go as buffers
    model.send({ event: 'upload', files: files.map((f) => ({
      name: f.name, type: f.type, size: f.size, last_modified: f.lastModified })) }, undefined, buffers);
  });
}
export default { render };
"""


class FileButton(anywidget.AnyWidget):
    """An upload button that shows its description alone (ipywidgets' ``FileUpload`` shows "description (0)").

    Like ``FileUpload``, ``value`` becomes a tuple of files, each a dict with name, type, size, last_modified (a
    datetime) and content (a memoryview), when the learner picks one; set it to ``()`` to be ready for the next."""

    _esm = _UPLOAD_ESM
    description = traitlets.Unicode("Upload").tag(sync=True)
    icon = traitlets.Unicode("upload").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    value = traitlets.Tuple()  # kept in the kernel: the file's bytes come once, with the message

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.on_msg(self._on_msg)

    def _on_msg(self, _widget, content, buffers) -> None:
        if not isinstance(content, dict) or content.get("event") != "upload":
            return
        files = []
        for meta, buffer in zip(content.get("files") or [], buffers or []):
            meta = meta if isinstance(meta, dict) else {}
            stamp = meta.get("last_modified")
            when = (_dt.datetime.fromtimestamp(stamp / 1000, tz=_dt.timezone.utc)
                    if isinstance(stamp, (int, float)) else None)
            files.append({"name": str(meta.get("name", "")), "type": str(meta.get("type", "")),
                          "size": meta.get("size"), "last_modified": when, "content": memoryview(bytes(buffer))})
        if files:
            self.value = tuple(files)


# What a lesson's panel says saves to the file, where the learner can see it
_FIRST_SAVE = {
    "00": "your position, above",
    "04": "your ratings in the grid, above",
    "05": "your position, above, or your ledger, further down",
}
_FIRST_SAVE_ANY = "your position in lesson 00 or 05, your ratings in lesson 04's grid, or lesson 05's ledger"


class RecordsPanel(_Displayable):
    """Where the records file is, "Download my records", and an upload control that restores a downloaded copy.

    ``controls`` holds the upload control and, while an uploaded backup holds older values that differ from those
    here, the two buttons that choose between them ("use", "keep"); ``message`` shows what the last upload did;
    ``description`` says what the file holds; ``download`` is the link (a ``FileLink``: it reads the file when
    clicked).  ``refresh()`` reads the file again; the panel does so when it comes into view and at each click."""

    figure = None

    def __init__(self, path=None, lesson: str | None = None):
        """``lesson``: the lesson the panel stands in ("00", "04", "05"), so that it names what saves to the file
        there (a position, the grid's ratings, the ledger)."""
        self.path = Path(path) if path else records.records_path()
        self.root = records.course_root()
        self.where = w.HTML(
            "<p style='margin:0.2em 0;max-width:60em;line-height:1.45'>" + _where(self.path, self.root) + "</p>"
            "<p style='margin:0.2em 0;max-width:60em;line-height:1.45'>On your own computer the file stays there from one session to "
            "the next. <b>On Binder it is lost when the session ends</b>: download it before you leave, and next time "
            "upload it here to carry on where you stopped.</p>")
        self.where.add_class("mh-records-where")
        name = html.escape(self.path.name)
        self.download = FileLink(
            self.path.name, self._file_now, self.refresh,
            after_html=(f" (or, in JupyterLab's file browser, right-click <code>{name}</code> and choose "
                        "<b>Download</b>)."),
            none_text=("Nothing to download yet: the file appears when you first save something ("
                       + _FIRST_SAVE.get(lesson, _FIRST_SAVE_ANY) + ")."),
            no_answer_text=(f"The notebook did not answer, so your records could not be read just now (Binder stops "
                            "idle notebooks after about 10 minutes). Use Kernel \u2192 Restart Kernel and Run All "
                            f"Cells, or, in JupyterLab's file browser, right-click {self.path.name} and choose Download."),
            layout=w.Layout(width="auto"))
        self.download.add_class("mh-records-download")
        self.upload = FileButton(accept=".json", multiple=False, description="Upload my records", icon="upload",
                                 tooltip=_UPLOAD_NAME, layout=w.Layout(width="auto"))
        self.upload.add_class("mh-records-upload")
        self.upload.observe(self._on_upload, names="value")
        self.message = w.HTML()
        self.message.add_class("mh-records-message")
        self.use_backup = w.Button(description=records.USE_BACKUP, icon="history", layout=w.Layout(width="auto"))
        self.use_backup.add_class("mh-records-use-backup")
        self.use_backup.on_click(self._use_backup)
        self.keep_here = w.Button(description=records.KEEP_HERE, icon="check", layout=w.Layout(width="auto"))
        self.keep_here.add_class("mh-records-keep-here")
        self.keep_here.on_click(self._keep_here)
        self.choice = w.HBox([self.use_backup, self.keep_here], layout=w.Layout(display="none"))
        self._pending: bytes | None = None  # the uploaded backup whose older values the learner is asked about
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
            self.message, self.choice,
        ], css="mh-records")  # the upload button's name is its text, "Upload my records"
        self.refresh()
        records.on_change(self._changed)

    def _show(self, text: str) -> None:
        self.message.value = f"<div role='status' style='max-width:60em;line-height:1.45'>{html.escape(text)}</div>"

    def _show_report(self, report) -> None:
        items = "".join(f"<li>{html.escape(d)}</li>" for d in report.differences)
        self.message.value = (
            "<div role='status' style='max-width:60em;line-height:1.45'>"
            f"<p style='margin:0.2em 0'>{html.escape(report.summary)}</p>"
            + (f"<ul style='margin:0.2em 0'>{items}</ul>" if items else "")
            + (f"<p style='margin:0.2em 0'>{html.escape(report.choice)}</p>" if report.choice else "")
            + "</div>")

    def _changed(self, path: Path) -> None:
        if Path(path) == self.path:
            self.refresh()

    def refresh(self) -> None:
        """Read the file again: the summary and the link show it as it is now (another notebook may have saved to
        it since this one last looked)."""
        recs, problem = records.read(self.path)
        if problem:
            self._show(problem)
        self.description.value = f"<p style='margin:0.2em 0;line-height:1.45'>{html.escape(_summary(recs))}</p>"
        self.download.available = self.path.is_file()

    def _file_now(self) -> tuple[bytes | None, str]:
        """The file's bytes as they are on disk now (for the link), and what to tell the learner."""
        self.refresh()  # the summary beside the link says what the copy holds
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None, "Nothing to download yet: nothing has been saved to your records file."
        except OSError as exc:
            return None, f"Your records file could not be read ({exc.strerror or exc})."
        return data, ""

    def _ask(self, report) -> None:
        """Show what an upload did; while its older values differ from those here, offer the two buttons."""
        self._show_report(report)
        asking = bool(report.older)
        self.choice.layout.display = "flex" if asking else "none"
        if asking:
            self.controls.update(use=self.use_backup, keep=self.keep_here)
        else:
            self.controls.pop("use", None)
            self.controls.pop("keep", None)
            self._pending = None

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        content = bytes(files[0]["content"])
        report = records.restore_report(self.path, content)
        self._pending = content if report.older else None
        self._ask(report)
        self.refresh()
        self.upload.value = ()  # ready for another upload (the same file again, even)

    def _use_backup(self, _button=None) -> None:
        if self._pending is None:
            return
        self._ask(records.restore_report(self.path, self._pending, take_older=True))
        self.refresh()

    def _keep_here(self, _button=None) -> None:
        if self._pending is None:
            return
        self._ask(records.Report("Your records here were kept as they are; the older values in your backup were "
                                 "not used."))
        self.refresh()
