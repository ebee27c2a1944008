"""Running the graded notebook: the learner's cells in the sandboxed learner kernel, then every test cell in
the checker (``manyhands.grading.checker``), a clean process that reaches the learner's names only as plain
data.  ``GuardedExecute`` is nbgrader's ``Execute`` step, so ``nbgrader autograde`` still drives it.

What is kept of the learner's cells is capped (per cell and per notebook, every output route counted), and a
test cell's output is only what the checker printed and how the check ended: nothing the learner's code prints,
shows or writes to stderr reaches a test cell.  Hidden tests keep no output but one line when they fail.
"""

from __future__ import annotations

import ast
import copy
import html
import json
import os
import re
import shutil
import sys
import time

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor
from traitlets import Float, Integer

from manyhands.grading.checker import CheckerError, CheckerProcess, names_used

CUT_NOTE = "[grader: {n:,} bytes of output from this cell were cut]"


def nbgrader_meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def grade_id(cell) -> str | None:
    gid = nbgrader_meta(cell).get("grade_id")
    return gid if isinstance(gid, str) else None


def is_test(cell) -> bool:
    """A test cell of the release: graded, not an answer (its code is the course's own)."""
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_setup(cell) -> bool:
    """A read-only code cell of the release that is neither an answer nor a test (imports, data)."""
    meta = nbgrader_meta(cell)
    return (cell.get("cell_type") == "code" and bool(meta.get("locked")) and not meta.get("grade")
            and not meta.get("solution"))


DEAD = ("DeadKernelError", "the kernel died while running this cell (the code killed it, or it ran out "
        "of memory or CPU time)")
NOT_RUN = ("KernelNotRunning", "not run: the kernel had died in an earlier cell")
STUCK = ("CellTimeoutError", "ran past the time limit and did not stop when interrupted: this cell scores nothing; "
         "the kernel was restarted and the cells before it run again (their output is not shown), then grading "
         "went on")
STUCK_MARK = "ignored_the_interrupt"  # cell metadata (manyhands): this cell was abandoned and is never replayed


ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def scrub(text) -> str:
    """Text as the notebook can hold it: a lone surrogate (a learner can make one) becomes U+FFFD."""
    return str(text).encode("utf-8", "replace").decode("utf-8")


def weight(text: str) -> int:
    """The bytes ``text`` can take once written: UTF-8, HTML-escaped on the feedback page or JSON-escaped in the
    notebook (a control character is six bytes there), and an ANSI colour code as the HTML span it becomes."""
    escaped = html.escape(text)
    as_html = len(escaped.encode("utf-8", "replace")) + 40 * len(ANSI.findall(text))
    as_json = len(json.dumps(text, ensure_ascii=False).encode("utf-8", "replace"))
    return max(as_html, as_json)


ANSWER_MISSING = ("[grader: this answer cell was not found in the submitted notebook; the release's cell is shown, "
                  "and it was not run]\n")


def _error(ename: str, evalue: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_ERROR = "HiddenCheckFailed"
SPLIT_MARK = "hidden_tests_run_apart"  # cell metadata (manyhands): the hidden part's output was never kept


def question_of(grade_id: str | None) -> str:
    """'q3_tests' -> 'question 3' (the learner's name for it); any other id as it is."""
    m = re.match(r"q(\d+)", grade_id or "")
    return f"question {m.group(1)}" if m else (grade_id or "a question")


def has_hidden_tests(cell) -> bool:
    return cell.get("cell_type") == "code" and split_hidden(cell.get("source", ""))[1] != ""


def hidden_failure(grade_id: str | None, cause: str = "") -> NotebookNode:
    text = f"a hidden check of {question_of(grade_id)} failed" + (f" ({cause})" if cause else "")
    return _error(HIDDEN_ERROR, text)


GRADER_ERROR = "GraderError"
CHECK_NOT_RUN = ("KernelNotRunning", "not checked: the learner's kernel had died, so the checks could not reach the "
                 "answers")


def split_hidden(source: str) -> tuple[str, str]:
    lines = source.split("\n")
    for i, line in enumerate(lines):
        if line.strip().startswith(HIDDEN_BEGIN):
            return "\n".join(lines[:i]), "\n".join(lines[i:])
    return source, ""


class GuardedExecute(Execute):
    """nbgrader's Execute: the learner's cells in the learner's kernel (output capped), then the test cells in
    the checker, against what the learner's notebook holds at its end.

    Running every learner cell before any check means no learner code runs after a check has called it with the
    hidden tests' data, except inside those calls, whose output is discarded: nothing of the hidden tests can be
    printed into the notebook.  A learner's function is called under ``call_timeout`` seconds; one that ignores
    the interrupt gets the kernel restarted (the learner's cells run again, silently) and scores nothing."""

    max_output_chars = Integer(100_000, help="Output kept per cell, in bytes as written (see weight).").tag(config=True)
    max_notebook_output_chars = Integer(800_000, help="Output kept in the whole notebook, likewise.").tag(config=True)
    max_source_chars = Integer(200_000, help="A learner's cell longer than this is not run.").tag(config=True)
    call_timeout = Float(10.0, help="Seconds a check may wait for one call of a learner's function.").tag(config=True)
    check_timeout = Float(60.0, help="Seconds of the checker's own time a test cell's checks may take (time spent "
                          "in the learner's functions does not count).").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._planned = False
        self._ran: list[int] = []  # the learner's and the release's code cells, in the order they ran
        self._kept: dict[int, int] = {}
        self._cut: dict[int, int] = {}
        self._total = 0
        self._dead = False
        self._replaying = False
        self._tests: list[int] = []
        self._skip_rest = False
        self.store_widget_state = False  # a learner's widgets' state is never saved into the graded notebook
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and is_test(cell):
            cell.outputs = []
            self._tests.append(index)
        elif cell.cell_type == "code" and not self._planned:
            self._planned = True  # every code cell that is not a test runs now, in the order of the plan
            for i in self.plan():
                self._learner_cell(self.nb.cells[i], resources, i)
        if index == len(self.nb.cells) - 1:
            self._check_all(resources)
        return cell, resources

    def plan(self) -> list[int]:
        """The order the code cells run in: the learner's cells in the order they stood in the submission (as
        Restart & Run All ran them at home: questions done in another order, a helper written below the answer
        that uses it), the release's own cells at the place the submission held them, or after the cell before
        them when it did not.  Test cells are not in it (they run last, in the checker)."""
        keyed, last = [], -1.0
        for i, c in enumerate(self.nb.cells):
            if c.cell_type != "code" or is_test(c):
                continue
            order = c.metadata.get("manyhands", {}).get("order")
            if type(order) is int:
                last = float(order)
            else:
                last += 1e-6
            keyed.append((last, i))
        return [i for _, i in sorted(keyed)]

    def _learner_cell(self, cell, resources, index):
        if self._dead or self._skip_rest:
            cell.outputs = [_error(*NOT_RUN)]
            return
        marks = cell.metadata.get("manyhands", {})
        if marks.get("answer_missing"):
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=ANSWER_MISSING)]
            return
        if marks.get("source_too_long"):
            cell.outputs = [_error("SourceTooLong", "this cell was too long to grade: it was not run")]
            return
        if len(cell.source) > self.max_source_chars:
            cell.outputs = [_error("SourceTooLong", f"this cell holds {len(cell.source):,} characters of code, more "
                                   f"than the grader runs ({self.max_source_chars:,}): it was not run")]
            cell.metadata.setdefault("manyhands", {})["source_too_long"] = len(cell.source)
            return
        self._ran.append(index)
        try:
            super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            # the learner's cells after it are not run; a fresh kernel holds what the cells before it defined,
            # so the checks of the questions answered before it are still graded
            self.log.warning("The kernel died in cell %s; the cells after it are marked as not run", index)
            self._skip_rest = True
            cell.outputs.append(_error(*DEAD))
            self._restart_and_replay(index)
        except CellTimeoutError:
            # nbclient interrupted the cell at the time limit and the kernel did not stop within
            # iopub_timeout (the code ignores KeyboardInterrupt): without this the whole notebook fails.
            self.log.warning("Cell %s ignored the interrupt at the time limit; restarting the kernel", index)
            cell.metadata.setdefault("manyhands", {})[STUCK_MARK] = True
            cell.outputs.append(_error(*STUCK))
            self._restart_and_replay(index)

    # ------------------------------------------------------------ the checks, in the checker

    def _checker_argv(self) -> list[str]:
        from manyhands.grading import sandbox

        argv = [os.path.abspath(sys.executable), "-I", "-B", "-m", "manyhands.grading.checker"]
        if os.environ.get(sandbox.UNSAFE_ENV) == "1":
            return argv
        km = self.km
        return sandbox.bwrap_argv(argv, workdir=os.getcwd(), memory_mb=getattr(km, "memory_mb", 2048),
                                  cpu_seconds=getattr(km, "cpu_seconds", 600), tmp_mb=64,
                                  nproc=getattr(km, "nproc", 64), sandbox_uid=getattr(km, "sandbox_uid", sandbox.SANDBOX_UID),
                                  cache_file=sandbox.SandboxedKernelManager._validation_cache())

    def _check_all(self, resources):
        if not self._tests:
            return
        setup = [c.source for c in self.nb.cells if is_setup(c)]
        try:
            checker = CheckerProcess(self._checker_argv(), env={"PATH": os.environ.get("PATH", "")}, log=self.log)
        except Exception as exc:  # bubblewrap missing or broken: every check says so, the report too
            self.log.exception("Could not start the checker")
            for index in self._tests:
                self.nb.cells[index].outputs = [_error(GRADER_ERROR, f"the checker could not start ({exc})")]
            return
        self._stuck_names: set[str] = set()
        finished: set[int] = set()  # test cells whose every part ran to its outcome
        try:
            for code in setup:
                reply = checker.setup(code)
                if reply.get("error"):
                    self.log.warning("A setup cell failed in the checker: %s", reply["error"].get("evalue"))
            # every cell's visible checks first, then every cell's hidden tests: once a hidden test has handed its
            # data to the learner's functions, nothing the learner's code says (an error's message, say) is kept
            hidden = []
            for index in self._tests:
                part = self._check_cell(checker, self.nb.cells[index], index)
                hidden.append(part)
                if not part:
                    finished.add(index)
            for index, part in zip(self._tests, hidden):
                if part:
                    self._check_hidden(checker, self.nb.cells[index], index, *part)
                    finished.add(index)
        except Exception as exc:  # the checker failed or stalled (a learner's value can make it work hard): no
            # cell it had not finished passes, the rest of the notebook keeps its grade, and the report says so
            self.log.error("The checker failed: %s", exc)
            self.nb.metadata.setdefault("manyhands", {})["checker_failed"] = scrub(exc)[:300]
            for index in self._tests:
                cell = self.nb.cells[index]
                if index not in finished:
                    cell.outputs = [o for o in cell.outputs if o.get("output_type") != "stream"]
                    cell.outputs.append(_error(GRADER_ERROR, "the checks of this question could not finish "
                                               f"({scrub(exc)[:200]}): it scores nothing"))
        finally:
            checker.close()

    def _check_cell(self, checker: CheckerProcess, cell, index):
        if self._dead:
            cell.outputs = [_error(*CHECK_NOT_RUN)]
            return
        visible, hidden = split_hidden(cell.source)
        # the checker keeps the visible checks' output and one line for failed hidden tests: nothing to hide later
        cell.metadata.setdefault("manyhands", {})[SPLIT_MARK] = True
        names = [n for n in names_used(cell.source) if n not in checker.setup_names]
        described = self._learner_names(names)
        outputs = []
        if visible.strip():
            reply = checker.request({"op": "run", "code": visible, "names": described, "save": str(index)},
                                    self._call_learner, timeout=self.check_timeout)
            if reply.get("printed"):
                outputs.append(nbformat.v4.new_output("stream", name="stdout", text=scrub(reply["printed"])))
            if reply.get("error"):
                err = reply["error"]
                outputs.append(nbformat.v4.new_output("error", ename=scrub(err.get("ename", "Error"))[:100],
                                                      evalue=scrub(err.get("evalue", ""))[:4000],
                                                      traceback=[scrub(x)[:4000] for x in err.get("traceback", [])][:50]))
        cell.outputs = outputs
        if hidden.strip() and not any(o.output_type == "error" for o in outputs):
            return hidden, described
        return None

    def _check_hidden(self, checker: CheckerProcess, cell, index, hidden: str, described: dict):
        """A cell's hidden tests, in the namespace its visible checks left: only one fixed line is kept."""
        if self._dead:
            cell.outputs.append(_error(*CHECK_NOT_RUN))
            return
        reply = checker.request({"op": "run", "code": hidden, "names": described, "restore": str(index)},
                                self._call_learner, timeout=self.check_timeout)
        if reply.get("error"):
            # one fixed line, with no cause: the kind of error (or whether a call timed out) is chosen by the
            # learner's code, which has seen the hidden tests' data, so a cause could carry that data out
            cell.outputs.append(hidden_failure(grade_id(cell)))

    # ------------------------------------------------------------ reaching the learner's kernel

    async def _async_expression(self, expression: str, timeout: float):
        """Evaluate one expression in the learner's kernel; (status, text) with status ok, error or timeout."""
        msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions={"r": expression})
        deadline = time.monotonic() + timeout
        from queue import Empty

        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout", ""
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=min(left, 1.0)))
            except Empty:
                if not await ensure_async(self.km.is_alive()):
                    raise DeadKernelError("the kernel died")
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            result = msg["content"].get("user_expressions", {}).get("r", {})
            if result.get("status") != "ok":
                return "error", str(result.get("ename", ""))
            text = result.get("data", {}).get("text/plain", "")
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                return "error", "unreadable"
            return ("ok", value) if isinstance(value, str) else ("error", "unreadable")

    def _expression(self, expression: str, timeout: float):
        """As ``_async_expression``; on a timeout the kernel is interrupted, and restarted if it ignores that."""
        if self._dead or self.kc is None:
            return "dead", ""
        try:
            status, text = run_sync(self._async_expression)(expression, timeout)
            if status != "timeout":
                return status, text
            run_sync(self._async_interrupt)()
            answered, _ = run_sync(self._async_expression)("None", 5.0)  # free again after the interrupt?
            if answered != "ok":
                self.log.warning("The learner's function ignored the interrupt; restarting the kernel")
                self._restart_and_replay()
            return "timeout", ""
        except DeadKernelError:
            self.log.warning("The learner's kernel died while a check called it; restarting it")
            self._restart_and_replay()
            return "dead", ""

    async def _async_interrupt(self):
        await ensure_async(self.km.interrupt_kernel())

    def _learner_names(self, names: list[str]) -> dict:
        if not names:
            return {}
        expression = (f"__import__('manyhands.grading.wire', fromlist=['serve']).serve(globals(), "
                      f"{json.dumps(json.dumps(names))})")
        status, text = self._expression(expression, self.call_timeout)
        if status == "ok":
            try:
                described = json.loads(text)
                if isinstance(described, dict):
                    return {k: v for k, v in described.items() if k in names and isinstance(v, dict)}
            except ValueError:
                pass
        self.log.warning("Could not read the learner's names (%s)", status)
        self.nb.metadata.setdefault("manyhands", {})["names_unreadable"] = status
        return {}

    def _call_learner(self, name: str, args, kwargs) -> dict:
        if name in self._stuck_names:
            return {"raised": "TimeLimit", "evalue": ""}
        request = json.dumps({"name": name, "args": args, "kwargs": kwargs}, ensure_ascii=False)
        expression = f"__import__('manyhands.grading.wire', fromlist=['call']).call(globals(), {json.dumps(request)})"
        status, text = self._expression(expression, self.call_timeout)
        if status == "ok":
            try:
                reply = json.loads(text)
                if isinstance(reply, dict):
                    return {k: reply[k] for k in ("value", "raised", "evalue", "unsendable") if k in reply}
            except ValueError:
                pass
            return {"unsendable": "its answer could not be read"}
        if status == "timeout":
            self._stuck_names.add(name)
            return {"raised": "TimeLimit", "evalue": ""}
        if status == "dead":
            self._stuck_names.add(name)
            return {"raised": "RuntimeError", "evalue": "the kernel died while running it"}
        return {"unsendable": "its answer could not be read"}

    # ------------------------------------------------------------ a kernel that ignores interrupts

    def _restart_and_replay(self, index=None):
        """A fresh kernel holding what the cells that ran before cell ``index`` defined (all that ran, if None),
        run again silently in the order they ran."""
        old_dir = getattr(self.km, "_private_dir", None)
        try:
            run_sync(self._restart)()
        except Exception:
            self.log.exception("Could not restart the kernel; the cells after %s are marked as not run", index)
            self._dead = True
            return
        new_dir = getattr(self.km, "_private_dir", None)
        if old_dir and new_dir and old_dir != new_dir:
            shutil.rmtree(old_dir, ignore_errors=True)
        self._replaying = True
        try:
            for i in list(self._ran):
                if i == index:
                    break
                earlier = self.nb.cells[i]
                if self._abandoned(earlier):
                    continue
                self.execute_cell(copy.deepcopy(earlier), i, store_history=False)
        except (CellTimeoutError, DeadKernelError):
            self.log.warning("Replaying the cells before %s failed; the cells after it are marked as not run", index)
            self._dead = True
        finally:
            self._replaying = False

    async def _restart(self):
        self.kc.stop_channels()
        await ensure_async(self.km.restart_kernel(now=True))
        # the sandboxed kernel manager gives the new kernel a new private folder (new sockets), so the old
        # client cannot reach it: connect a new one
        self.kc = self.km.client()
        self.kc.allow_stdin = False
        await ensure_async(self.kc.start_channels())
        await ensure_async(self.kc.wait_for_ready(timeout=self.startup_timeout))

    @staticmethod
    def _abandoned(cell) -> bool:
        """A cell never run again: it was interrupted at the time limit (or ignored the interrupt)."""
        return bool(cell.metadata.get("manyhands", {}).get(STUCK_MARK)) or any(
            out.get("output_type") == "error" and out.get("ename") in ("CellTimeoutError", "DeadKernelError",
                                                                       "KernelNotRunning", "SourceTooLong")
            for out in cell.outputs)

    # ------------------------------------------------------------ what is kept of the learner's output

    @staticmethod
    def _size(msg) -> int:
        """Every route by which a message adds to the notebook (text, data, display metadata, error fields),
        weighed as the bytes it can become on the feedback page or in the notebook's JSON, whichever is more."""
        content = msg.get("content", {})
        size = 0
        for key in ("text", "ename", "evalue", "data", "metadata", "traceback"):
            value = content.get(key)
            if value:
                size += weight(value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False))
        return size

    def output(self, outs, msg, display_id, cell_index):
        if self._replaying:
            return None
        size = self._size(msg)
        kept = self._kept.get(cell_index, 0)
        over_cell = kept + size > self.max_output_chars
        over_notebook = self._total + size > self.max_notebook_output_chars
        if over_cell or over_notebook:
            self._cut[cell_index] = self._cut.get(cell_index, 0) + size
            if msg.get("msg_type") == "error":  # the error still counts: kept, cut to its name and one line
                content = msg.get("content", {})
                outs.append(_error(str(content.get("ename", "Error"))[:100], str(content.get("evalue", ""))[:300]))
            return None
        self._kept[cell_index] = kept + size
        self._total += size
        return super().output(outs, msg, display_id, cell_index)

    def _update_display_id(self, display_id, msg):
        """A display updated by its id later would escape the cap: updates are not kept."""
        return None

    def handle_comm_msg(self, outs, msg, cell_index):
        """Widgets' messages are not kept (their state would escape the cap)."""
        return None

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        cell = kwargs["cell"]
        for out in cell.outputs:  # nbgrader appends the reply's error when none was recorded: keep it small
            if out.get("output_type") == "error":
                out["evalue"] = str(out.get("evalue", ""))[:2000]
                out["traceback"] = [str(x)[:2000] for x in out.get("traceback", [])][:60]
        cut = self._cut.pop(kwargs["cell_index"], 0)
        if cut:
            cell.outputs.append(
                nbformat.v4.new_output("display_data", data={"text/plain": CUT_NOTE.format(n=cut)},
                                       metadata={"manyhands": "cut"}))


class HideHiddenTestOutput(NbGraderPreprocessor):
    """Safety net for feedback (and any notebook autograded without GuardedExecute): a test cell with
    hidden tests whose output was not produced by GuardedExecute's split run keeps no output but one
    line, "a check of question N failed" (or nothing, if it passed).  Runs before ClearHiddenTests."""

    def preprocess_cell(self, cell, resources, index):
        if (nbgrader_meta(cell).get("grade") and has_hidden_tests(cell)
                and not cell.metadata.get("manyhands", {}).get(SPLIT_MARK)):
            failed = any(out.get("output_type") == "error" for out in cell.get("outputs", []))
            cell.outputs = [_error("CheckFailed", f"a check of {question_of(grade_id(cell))} failed "
                                   "(details are not shown: this cell has hidden tests)")] if failed else []
        return cell, resources


class ClearReleaseHiddenTests(ClearHiddenTests):
    """nbgrader's ClearHiddenTests for the release's test cells only: a learner's own cell that happens to hold the
    text of the hidden-test marker is the learner's text, and must not make feedback fail for that learner."""

    def preprocess_cell(self, cell, resources, index):
        if is_test(cell):
            return super().preprocess_cell(cell, resources, index)
        return cell, resources


class DropLearnerResults(NbGraderPreprocessor):
    """Before SaveAutoGrades: a graded test cell keeps only its stream and error outputs.

    nbgrader reads a number shown as a code cell's result (an ``execute_result``) as partial credit, and a
    learner's code can publish one into a course test cell (a display hook, an IPython event, a display
    publisher): the course's test cells only print, so every ``execute_result`` and ``display_data`` of a
    graded test cell came from the learner and is dropped (the grader's own "output was cut" note is kept)."""

    def preprocess_cell(self, cell, resources, index):
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            kept = [out for out in cell.get("outputs", [])
                    if out.get("output_type") in ("stream", "error")
                    or (out.get("output_type") == "display_data" and out.get("metadata", {}).get("manyhands") == "cut"
                        and CUT_NOTE.format(n=0)[:8] in str(out.get("data", {}).get("text/plain", "")))]
            if len(kept) != len(cell.get("outputs", [])):
                cell.metadata.setdefault("manyhands", {})["results_dropped"] = len(cell.outputs) - len(kept)
                cell.outputs = kept
        return cell, resources




ACTIVE = ("text/html", "text/markdown", "text/latex", "application/javascript", "image/svg+xml")


class InertLearnerMarkup(NbGraderPreprocessor):
    """For feedback: what the learner wrote or their code displayed is shown as text, never as markup.

    A Markdown answer's ``<`` is escaped (it then reads as written, and a ``<script>`` in an essay is only text);
    a learner cell's outputs lose their HTML, Markdown, LaTeX, JavaScript and SVG forms (a widget's or a chart's
    too), keeping the plain text.  The release's own cells and the checks' outputs are left as they are."""

    def preprocess_cell(self, cell, resources, index):
        meta = nbgrader_meta(cell)
        if cell.cell_type == "markdown" and meta.get("solution"):
            cell.source = cell.source.replace("<", "&lt;")
        elif cell.cell_type == "code" and not is_test(cell) and not is_setup(cell):
            kept = []
            for out in cell.get("outputs", []):
                data = out.get("data")
                if isinstance(data, dict) and any(k in ACTIVE or k.startswith("application/vnd") for k in data):
                    plain = data.get("text/plain") or "[grader: a display of the learner's code, shown as text only]"
                    out["data"] = {"text/plain": plain}
                    out["metadata"] = {}
                kept.append(out)
            cell.outputs = kept
        return cell, resources
