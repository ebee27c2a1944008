"""The course's grading command and the nbgrader preprocessors it adds.

    python -m manyhands.grading autograde ex00 [--jobs 2] [--course instructor]
    python -m manyhands.grading report ex00 [--course instructor]

``autograde`` is ``nbgrader autograde`` run by several worker processes at once, each on its own
share of the students (a staging folder of its own), all writing into the one gradebook; nbgrader's
full log of each learner is kept in ``autograded/<learner>/.<assignment>.nbgrader.log``; then it prints a
report: each learner's score and anything the instructor should look at (a cell that timed out or
ignored the interrupt, a kernel that died, cells restored, renamed or pasted, changed cell settings,
output cut, a missing notebook, a notebook nbgrader could not grade and why, an answer that touches the
grading machinery).  Learners' code runs in the sandbox of ``manyhands.sandbox``.

The preprocessors (wired in ``instructor/nbgrader_config.py``):

* ``RestoreNbgraderMetadata`` takes every cell's nbgrader settings from the release (a renamed or pasted
  cell becomes the learner's own), so nbgrader cannot fail the whole notebook over them;
* ``RestoreCellOrder`` puts the graded cells back in the order of the source notebook, each with
  the learner's own cells that followed it, so a test moved above its answer still tests it;
* ``GuardedExecute`` is nbgrader's ``Execute`` with a cap on the output kept per cell, hidden tests run
  apart, and a notebook that goes on after a dead kernel or a cell that ignores the time limit's interrupt;
* ``DropLearnerResults`` keeps only printed output and errors in graded test cells (no partial credit
  from a number the learner's code shows there);
* ``HideHiddenTestOutput`` is the feedback's safety net for hidden tests.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import copy
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Integer

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "instructor"

RESTORED_NOTE = "was missing from the submission"  # nbgrader's own notification text
CUT_NOTE = "[grader: {n:,} characters of output from this cell were cut]"


def _nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _grade_id(cell) -> str | None:
    return _nbgrader_meta(cell).get("grade_id")


class RestoreCellOrder(NbGraderPreprocessor):
    """Put nbgrader's cells back in the source notebook's order (learners' own cells travel with the
    graded cell above them).  Runs in the sanitising pass, after OverwriteCells."""

    def preprocess(self, nb: NotebookNode, resources: dict):
        info = resources.get("nbgrader", {})
        source = Path(os.getcwd()) / "source" / info.get("assignment", "") / f"{info.get('notebook', '')}.ipynb"
        if not source.exists():
            return nb, resources
        order = {gid: i for i, gid in enumerate(_grade_id(c) for c in nbformat.read(source, 4).cells) if gid}
        groups: list[tuple[float, list]] = [(-1.0, [])]
        for cell in nb.cells:
            gid = _grade_id(cell)
            if gid in order:
                groups.append((float(order[gid]), [cell]))
            else:
                groups[-1][1].append(cell)
        ranks = [rank for rank, _ in groups]
        if ranks != sorted(ranks):
            self.log.warning("Cells of %s/%s were out of order; restored the source order",
                             info.get("student"), info.get("notebook"))
            nb.metadata.setdefault("manyhands", {})["cells_reordered"] = True
        groups.sort(key=lambda g: g[0])  # stable: learners' cells keep their place within a group
        nb.cells = [cell for _, cells in groups for cell in cells]
        return nb, resources


class DropBlankNbgraderMetadata(NbGraderPreprocessor):
    """nbgrader's DeduplicateIds leaves a duplicated cell with empty ``nbgrader`` metadata, on which
    OverwriteCells(add_missing_cells=True) fails (nbgrader 0.9.6); make such cells plain cells."""

    def preprocess(self, nb: NotebookNode, resources: dict):
        for cell in nb.cells:
            meta = cell.get("metadata", {})
            if "nbgrader" in meta and "grade_id" not in meta["nbgrader"]:
                del meta["nbgrader"]
        return nb, resources


class RestoreNbgraderMetadata(NbGraderPreprocessor):
    """Before OverwriteCells: every cell's nbgrader settings come from the gradebook (the release), never
    from the submission.

    * A cell claiming a grade id the exercise does not have (renamed, or pasted from another exercise)
      becomes a plain cell of the learner's: its code still runs, it earns nothing.  (nbgrader 0.9.6 deletes
      only its ``grade_id`` and then fails the whole notebook with ``KeyError: 'grade_id'``.)
    * A known cell whose settings were changed (grade, solution, locked, task, points) gets the release's
      back, so the cell is graded as the instructor wrote it.  (nbgrader resets only locked and points, then
      fails the whole notebook with "Inconsistent checksums".)

    Both are noted in the notebook's metadata (``manyhands.unknown_cells``, ``manyhands.settings_restored``)
    for the report."""

    def preprocess(self, nb: NotebookNode, resources: dict):
        from nbgrader.api import Gradebook, MissingEntry

        info = resources.get("nbgrader", {})
        try:
            with Gradebook(info["db_url"]) as gb:
                source = gb.find_notebook(info["notebook"], info["assignment"])
                points = {c.name: float(c.max_score) for c in source.grade_cells}
                solution = {c.name for c in source.solution_cells}
                task = {c.name for c in source.task_cells}
                locked = {c.name: bool(c.locked) for c in source.source_cells}
        except (KeyError, MissingEntry):
            return nb, resources
        known = set(locked) | set(points) | solution | task
        notes = nb.metadata.get("manyhands", {})
        unknown, restored = [], []
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is None:
                continue
            gid = meta.get("grade_id") if isinstance(meta, dict) else None
            if not isinstance(gid, str) or gid not in known:
                if gid is not None:
                    unknown.append(str(gid))
                del cell.metadata["nbgrader"]
                continue
            want = {"grade": gid in points, "solution": gid in solution, "locked": locked.get(gid, False),
                    "task": gid in task}
            changed = [k for k, v in want.items() if bool(meta.get(k, False)) != v]
            if gid in points:
                try:
                    same = float(meta.get("points")) == points[gid]
                except (TypeError, ValueError):
                    same = False
                if not same:
                    changed.append("points")
            if changed:
                restored.append(f"{gid} ({', '.join(changed)})")
                self.log.warning("The nbgrader settings of cell %s were changed (%s); the release's are used",
                                 gid, ", ".join(changed))
            meta.update(want)
            if gid in points:
                meta["points"] = points[gid]
            else:
                meta.pop("points", None)
        for key, value in (("unknown_cells", unknown), ("settings_restored", restored)):
            if value:
                notes[key] = value
        if notes:
            nb.metadata["manyhands"] = notes
        return nb, resources


DEAD = ("DeadKernelError", "the kernel died while running this cell (the code killed it, or it ran out "
        "of memory or CPU time)")
NOT_RUN = ("KernelNotRunning", "not run: the kernel had died in an earlier cell")
STUCK = ("CellTimeoutError", "ran past the time limit and did not stop when interrupted: this cell scores nothing; "
         "the kernel was restarted and the cells before it run again (their output is not shown), then grading "
         "went on")
STUCK_MARK = "ignored_the_interrupt"  # cell metadata (manyhands): this cell was abandoned and is never replayed


def _error(ename: str, evalue: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_ERROR = "HiddenCheckFailed"
SPLIT_MARK = "hidden_tests_run_apart"  # cell metadata (manyhands): the hidden part's output was never kept


def question_of(grade_id: str | None) -> str:
    """'q3_tests' -> 'question 3' (the learner's name for it); any other id as it is."""
    import re

    m = re.match(r"q(\d+)", grade_id or "")
    return f"question {m.group(1)}" if m else (grade_id or "a question")


def has_hidden_tests(cell) -> bool:
    return cell.get("cell_type") == "code" and any(
        line.strip().startswith(HIDDEN_BEGIN) for line in cell.get("source", "").split("\n"))


def hidden_failure(grade_id: str | None, cause: str = "") -> NotebookNode:
    text = f"a hidden check of {question_of(grade_id)} failed" + (f" ({cause})" if cause else "")
    return _error(HIDDEN_ERROR, text)


class GuardedExecute(Execute):
    """nbgrader's Execute, keeping at most ``max_output_chars`` of output per cell, and grading what
    ran before a kernel died instead of failing the whole notebook.

    A test cell with hidden tests runs in two requests to the kernel: the visible checks (their output
    kept as the learner saw it at home), then, only if they passed, the hidden tests, of whose output
    nothing is kept: a failure becomes one line, "a hidden check of question N failed", so neither a
    traceback nor anything a learner's code printed while the hidden tests called it (their data, their
    expected values) reaches the autograded notebook or the feedback.  The cell is graded as one cell.
    """

    max_output_chars = Integer(100_000, help="Output kept per cell, in characters.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._kept: dict[int, int] = {}
        self._cut: dict[int, int] = {}
        self._dead = False
        self._replaying = False
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._dead:
            cell.outputs = [_error(*NOT_RUN)]
            return cell, resources
        try:
            if _nbgrader_meta(cell).get("grade") and not _nbgrader_meta(cell).get("solution"):
                self._reset_rewriting_hooks()
            if _nbgrader_meta(cell).get("grade") and has_hidden_tests(cell):
                return self._run_apart(cell, resources, index)
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.log.warning("The kernel died in cell %s; the cells after it are marked as not run", index)
            self._dead = True
            cell.outputs.append(_error(*DEAD))
            return cell, resources
        except CellTimeoutError:
            # nbclient interrupted the cell at the time limit and the kernel did not stop within
            # iopub_timeout (the code ignores KeyboardInterrupt): without this the whole notebook fails.
            self.log.warning("Cell %s ignored the interrupt at the time limit; restarting the kernel", index)
            cell.metadata.setdefault("manyhands", {})[STUCK_MARK] = True
            if not any(out.get("ename") == HIDDEN_ERROR for out in cell.outputs):
                cell.outputs.append(_error(*STUCK))
            self._restart_and_replay(index)
            return cell, resources

    # Before a course test cell runs, the hooks through which a learner's earlier cell could rewrite it are put
    # back to IPython's own: input transformers (which can turn the checks into nothing) and AST transformers
    # (which can rewrite an assert). It is sent as a user expression, which IPython evaluates without passing it
    # through those transformers. (Code that shadows __import__ could still defeat it; the audit flags that.)
    RESET_HOOKS = (
        "(lambda ip, t2: (ip.input_transformers_post.clear(), ip.ast_transformers.clear(),"
        " setattr(ip, 'input_transformer_manager', t2.TransformerManager())) and None)"
        "(__import__('IPython').get_ipython(), __import__('IPython.core.inputtransformer2', fromlist=['_']))"
    )

    def _reset_rewriting_hooks(self):
        if self._replaying or self.kc is None:
            return
        try:
            run_sync(self._async_reset_hooks)()
        except Exception:  # the cell itself still runs; the audit names any rewriting hook
            self.log.warning("Could not reset IPython's rewriting hooks before a test cell", exc_info=True)

    async def _async_reset_hooks(self):
        msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions={"reset": self.RESET_HOOKS})
        await self.async_wait_for_reply(msg_id)

    def _restart_and_replay(self, index):
        """A fresh kernel holding what the cells before ``index`` defined (they are run again, silently)."""
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
            for i, earlier in enumerate(self.nb.cells[:index]):
                if earlier.cell_type != "code" or self._abandoned(earlier):
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
            out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError" for out in cell.outputs)

    def _run_apart(self, cell, resources, index):
        full = cell.source
        lines = full.split("\n")
        start = next(i for i, line in enumerate(lines) if line.strip().startswith(HIDDEN_BEGIN))
        visible, hidden = "\n".join(lines[:start]), "\n".join(lines[start:])
        cell.metadata.setdefault("manyhands", {})[SPLIT_MARK] = True
        kept = []
        try:
            if visible.strip():
                cell.source = visible
                cell, resources = super().preprocess_cell(cell, resources, index)
                kept = list(cell.outputs)
            if not any(out.get("output_type") == "error" for out in kept):
                cell.source = hidden
                try:
                    cell, resources = super().preprocess_cell(cell, resources, index)
                except DeadKernelError:
                    kept.append(hidden_failure(_grade_id(cell), "the kernel died"))
                    raise
                except CellTimeoutError:
                    kept.append(hidden_failure(_grade_id(cell), "it ran past the time limit"))
                    raise
                errors = [out for out in cell.outputs if out.get("output_type") == "error"]
                if errors:
                    timed_out = any(out.get("ename") == "CellTimeoutError" for out in errors)
                    cause = "it ran past the time limit" if timed_out else errors[-1].get("ename", "")
                    kept.append(hidden_failure(_grade_id(cell), cause))
        finally:
            cell.source = full
            cell.outputs = kept
        return cell, resources

    @staticmethod
    def _size(msg) -> int:
        content = msg.get("content", {})
        if msg.get("msg_type") == "stream":
            return len(content.get("text", ""))
        if msg.get("msg_type") == "error":
            return sum(len(line) for line in content.get("traceback", []))
        return sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in content.get("data", {}).values())

    def output(self, outs, msg, display_id, cell_index):
        if self._replaying:
            return None
        size = self._size(msg)
        kept = self._kept.get(cell_index, 0)
        if kept + size > self.max_output_chars and msg.get("msg_type") != "error":
            self._cut[cell_index] = self._cut.get(cell_index, 0) + size
            return None
        self._kept[cell_index] = kept + size
        return super().output(outs, msg, display_id, cell_index)

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        cut = self._cut.pop(kwargs["cell_index"], 0)
        if cut:
            kwargs["cell"].outputs.append(
                nbformat.v4.new_output("display_data", data={"text/plain": CUT_NOTE.format(n=cut)},
                                       metadata={"manyhands": "cut"}))


class HideHiddenTestOutput(NbGraderPreprocessor):
    """Safety net for feedback (and any notebook autograded without GuardedExecute): a test cell with
    hidden tests whose output was not produced by GuardedExecute's split run keeps no output but one
    line, "a check of question N failed" (or nothing, if it passed).  Runs before ClearHiddenTests."""

    def preprocess_cell(self, cell, resources, index):
        if (_nbgrader_meta(cell).get("grade") and has_hidden_tests(cell)
                and not cell.metadata.get("manyhands", {}).get(SPLIT_MARK)):
            failed = any(out.get("output_type") == "error" for out in cell.get("outputs", []))
            cell.outputs = [_error("CheckFailed", f"a check of {question_of(_grade_id(cell))} failed "
                                   "(details are not shown: this cell has hidden tests)")] if failed else []
        return cell, resources


class DropLearnerResults(NbGraderPreprocessor):
    """Before SaveAutoGrades: a graded test cell keeps only its stream and error outputs.

    nbgrader reads a number shown as a code cell's result (an ``execute_result``) as partial credit, and a
    learner's code can publish one into a course test cell (a display hook, an IPython event, a display
    publisher): the course's test cells only print, so every ``execute_result`` and ``display_data`` of a
    graded test cell came from the learner and is dropped (the grader's own "output was cut" note is kept)."""

    def preprocess_cell(self, cell, resources, index):
        meta = _nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            kept = [out for out in cell.get("outputs", [])
                    if out.get("output_type") in ("stream", "error")
                    or (out.get("output_type") == "display_data" and out.get("metadata", {}).get("manyhands") == "cut"
                        and CUT_NOTE.format(n=0)[:8] in str(out.get("data", {}).get("text/plain", "")))]
            if len(kept) != len(cell.get("outputs", [])):
                cell.metadata.setdefault("manyhands", {})["results_dropped"] = len(cell.outputs) - len(kept)
                cell.outputs = kept
        return cell, resources


# ---------------------------------------------------------------- audit of learners' answer cells

# names whose use in an answer cell means "an instructor should read this"
_SUSPECT_NAMES = {
    "get_ipython": "uses the IPython shell object (can hide errors or rewrite cells)",
    "builtins": "changes Python's built-ins", "__builtins__": "changes Python's built-ins",
    "ctypes": "uses ctypes", "gc": "walks the interpreter's objects",
    "subprocess": "runs programs", "socket": "opens network connections", "urllib": "opens URLs",
    "sys": "uses the interpreter's internals (sys)", "importlib": "re-imports modules",
    "inspect": "inspects the running code", "signal": "handles signals", "atexit": "registers exit hooks",
    "os": "uses the operating system (files, processes)", "pathlib": "reads or writes files",
    "shutil": "copies or deletes files", "sqlite3": "opens a database",
}
_GRADING_MODULES = {"manyhands", "feedback", "hashlib", "json", "_h", "_j", "nbgrader"}


# IPython's machinery through which a cell's code can rewrite later cells or what they show
_IPYTHON_HOOKS = {
    "input_transformers_post": "rewrites later cells (IPython input transformers)",
    "input_transformers_cleanup": "rewrites later cells (IPython input transformers)",
    "input_transformer_manager": "rewrites later cells (IPython input transformers)",
    "ast_transformers": "rewrites later cells (IPython AST transformers)",
    "displayhook": "replaces a display hook (what a cell shows as its result)",
    "display_pub": "uses IPython's display publisher (what a cell shows)",
    "display_formatter": "changes IPython's display formatters (what a cell shows)",
    "excepthook": "replaces the exception hook (can hide errors)",
    "set_custom_exc": "replaces IPython's error handling (can hide errors)",
    "showtraceback": "replaces IPython's error display (can hide errors)",
}
_BUILTIN_NAMES = {name for name in dir(builtins) if not name.startswith("_")}
_TEST_NAMES = {"pd": "pandas", "np": "numpy", "feedback": "the course's feedback helpers",
               "manyhands": "the course package"}
_IMPORTED_AS = {"pd": "pandas", "np": "numpy", "feedback": "manyhands.feedback", "manyhands": "manyhands"}
_CODE_MAGICS = {"time", "timeit", "prun", "capture"}  # magics whose argument (or cell body) is Python code
_VALUE_TYPES = {"int", "float", "complex", "bool", "str", "bytes", "dict", "list", "set", "frozenset", "tuple",
                "Counter", "OrderedDict", "defaultdict", "UserDict", "UserList", "UserString"}
# IPython syntax a cell may use without deserving a look
_PLAIN_MAGICS = {"time", "timeit", "matplotlib", "precision", "pprint", "who", "whos", "pinfo", "pinfo2",
                 "pdef", "pdoc", "psource", "ls", "pwd", "history", "lsmagic", "magic", "xmode"}


def _python_source(source: str) -> tuple[str, bool]:
    """The cell as the kernel runs it: IPython's magics (``%time``), shell escapes (``!ls``) and help
    (``x?``) turned into plain Python by IPython's own TransformerManager.  Returns (code, transformed)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        code = TransformerManager().transform_cell(source)
    except Exception:  # IPython's transformers raise on some broken input: audit the text as it is
        return source, False
    return code, code != source


def _names_stored_at_top(tree: ast.Module):
    """(name, node) for every name the cell binds in the notebook's namespace: module-level assignments,
    imports, definitions, loop and with targets, and names declared ``global`` anywhere."""
    declared = {n for node in ast.walk(tree) if isinstance(node, ast.Global) for n in node.names}
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp,
              ast.DictComp, ast.GeneratorExp)

    def walk(node, top):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)) and (top or child.id in declared):
                yield child.id, child
            elif isinstance(child, (ast.Import, ast.ImportFrom)) and top:
                for alias in child.names:
                    origin = alias.name if isinstance(child, ast.Import) else f"{child.module or ''}.{alias.name}"
                    yield (alias.asname or alias.name).split(".")[0], origin
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and (top or child.name in declared):
                yield child.name, child
            yield from walk(child, top and not isinstance(child, scopes))

    yield from walk(tree, True)


def _base_name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def audit_source(source: str) -> list[str]:
    """Reasons why an answer cell deserves a human look (empty list if none).  Never changes a grade.

    The cell is read as IPython runs it (magics and shell escapes turned into Python first), then
    flagged for: the grading machinery (patching the feedback helpers, hashlib or json), the IPython shell
    and its hooks (input transformers, display hooks and publishers, events, custom error handlers), any
    use of ``builtins``, a built-in name or a module the tests use (``pd``, ``np``, ``feedback``) bound to
    something else, a subclass of a plain value type (int, float, str, dict, list, set ...) defined in the
    answer, ``__eq__``/``__hash__``, ``open``/``exec``/``eval``/``__import__``, shell commands, and modules
    that reach outside the notebook (files, processes, network, the interpreter's internals)."""
    code, transformed = _python_source(source)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []  # the cell's own error output says so
    reasons = []
    shell_named = "get_ipython" in source  # not only IPython's own translation of a magic
    imported = {(a.asname or a.name).split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom)) for a in node.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in _SUSPECT_NAMES:
            if node.id != "get_ipython" or shell_named:
                reasons.append(_SUSPECT_NAMES[node.id])
        elif isinstance(node, ast.Constant) and node.value in ("builtins", "__builtins__"):
            reasons.append(_SUSPECT_NAMES["builtins"])
        elif isinstance(node, ast.Attribute):
            if node.attr in ("__builtins__", "builtins"):
                reasons.append(_SUSPECT_NAMES["builtins"])
            elif node.attr in _IPYTHON_HOOKS:
                reasons.append(_IPYTHON_HOOKS[node.attr])
            elif node.attr in ("register", "unregister") and _base_name(node.value) == "events":
                reasons.append("registers IPython event callbacks (code that runs around every later cell)")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name.split(".")[0] for a in node.names] + [getattr(node, "module", None) or ""]
            for name in names:
                if name.split(".")[0] in _SUSPECT_NAMES:
                    reasons.append(_SUSPECT_NAMES[name.split(".")[0]])
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete, ast.AnnAssign)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute):
                    base = target.value
                    while isinstance(base, ast.Attribute):
                        base = base.value
                    if isinstance(base, ast.Name) and base.id in _GRADING_MODULES | set(_SUSPECT_NAMES) | imported:
                        reasons.append(f"replaces {ast.unparse(target)} (grading machinery)")
        elif isinstance(node, ast.FunctionDef) and node.name in {"__eq__", "__hash__", "__ne__"}:
            reasons.append(f"defines {node.name} (an answer that equals anything)")
        elif isinstance(node, ast.ClassDef):
            for base in node.bases:
                if _base_name(base) in _VALUE_TYPES:
                    reasons.append(f"defines a subclass of {_base_name(base)} (a value that can behave unlike one)")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in {"open", "exec", "eval", "__import__"}:
                reasons.append(f"calls {node.func.id}()")
            elif node.func.id == "type" and len(node.args) == 3 and isinstance(node.args[1], ast.Tuple):
                for base in node.args[1].elts:
                    if _base_name(base) in _VALUE_TYPES:
                        reasons.append(f"defines a subclass of {_base_name(base)} (a value that can behave unlike one)")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and transformed and not shell_named:
            owner = node.func.value
            if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "get_ipython":
                if node.func.attr in ("system", "getoutput"):
                    reasons.append("runs shell commands (!)")
                elif node.func.attr in ("run_line_magic", "run_cell_magic") and node.args:
                    magic = node.args[0].value if isinstance(node.args[0], ast.Constant) else "?"
                    if magic in ("sx", "system", "bash", "sh", "script", "!"):
                        reasons.append("runs shell commands (!)")
                    elif magic not in _PLAIN_MAGICS | _CODE_MAGICS:
                        reasons.append(f"uses the IPython magic %{magic}")
                    body = node.args[-1] if len(node.args) in (2, 3) else None
                    if magic in _CODE_MAGICS and isinstance(body, ast.Constant) and isinstance(body.value, str):
                        reasons.extend(audit_source(body.value))  # %time abs = ...: the timed code too
    for name, origin in _names_stored_at_top(tree):
        if isinstance(origin, str) and _IMPORTED_AS.get(name) == origin:
            continue  # import pandas as pd, from manyhands import feedback: the same module again
        if name in _BUILTIN_NAMES:
            reasons.append(f"shadows the built-in {name}")
        elif name in _TEST_NAMES:
            reasons.append(f"rebinds {name} ({_TEST_NAMES[name]}, used by the tests)")
    return sorted(set(reasons))


# ---------------------------------------------------------------- report

def _expected_notebooks(course: Path, assignment: str) -> list[str]:
    return sorted(p.stem for p in (course / "source" / assignment).glob("*.ipynb"))


def students(course: Path, assignment: str) -> list[str]:
    base = course / "submitted"
    return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir()) if base.exists() else []


# ---------------------------------------------------------------- learner ids

def id_problem(student: str) -> str | None:
    """Why nbgrader or the file system cannot handle this learner id safely (None if it can).

    An id is data: it never goes into a command line or a list; the grader passes nbgrader a folder
    per worker instead.  What remains unsafe is what nbgrader itself does with a folder's name: it
    expands the learner's folder as a file-name pattern (``*``, ``?``, ``[`` and ``]`` then match other
    learners' folders), skips hidden folders (a leading ``.``), strips surrounding white space (the id
    then names another folder), uses ``+`` as the exchange's separator; a leading ``-`` reads as an
    option on a command line, and control characters break its logs and CSV export."""
    if not student:
        return "is empty"
    if student != student.strip():
        return "begins or ends with white space, which nbgrader strips (it would then name another learner)"
    if set(student) & set("*?[]"):
        return "contains *, ?, [ or ], which nbgrader expands as a file-name pattern (matching other learners)"
    if student.startswith("."):
        return "begins with '.', a hidden folder that nbgrader never finds"
    if student.startswith("-"):
        return "begins with '-', which nbgrader's command line reads as an option"
    if "+" in student:
        return "contains '+', the separator of nbgrader's exchange file names"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in student) or "\\" in student:
        return "contains a control character, a line break or a backslash"
    return None


def split_class(everyone: list[str], jobs: int) -> list[list[str]]:
    """Each learner in exactly one share (whatever the id: no id is ever parsed)."""
    jobs = max(1, min(jobs, len(everyone)))
    return [everyone[i::jobs] for i in range(jobs)]


# ---------------------------------------------------------------- what nbgrader is given to grade

STAGING = ".manyhands-grading"  # in the course root: each worker's share of the class, notebooks only
NBGRADER_FILES = {"timestamp.txt", "submission_secret.txt"}  # nbgrader's own (submit, collect): kept

_KINDS = [(stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")]


def _special(path: Path) -> str | None:
    """Why ``path`` is not a plain file or folder of the submission's own (None if it is one)."""
    st = os.lstat(path)
    for test, kind in _KINDS:
        if test(st.st_mode):
            return f"{kind} to {os.readlink(path)}" if kind == "a symbolic link" else kind
    if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
        return "a hard link to another file"
    return None


def inspect_submission(folder: Path) -> tuple[list[str], list[str], list[str]]:
    """A submission folder as the grader sees it, without following any link:
    (the notebooks nbgrader is given, every other file the learner submitted, the entries refused
    because they are links, pipes, devices or sockets)."""
    notebooks, others, refused = [], [], []
    for level, what in ((folder.parent, "the learner's folder"), (folder, "the submission folder")):
        try:
            why = _special(level)
        except OSError:
            return [], [], []
        if why:
            return [], [], [f"{what} itself ({why})"]
    for dirpath, dirnames, filenames in os.walk(folder):  # never follows a link
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            why = _special(path)
            if why:
                refused.append(f"{rel} ({why})")
            elif name in dirnames:
                continue
            elif Path(dirpath) == folder and name.endswith(".ipynb"):
                notebooks.append(name)
            elif not (Path(dirpath) == folder and name in NBGRADER_FILES):
                others.append(rel)
        dirnames[:] = [d for d in dirnames if not _special(Path(dirpath) / d)]
    return sorted(notebooks), sorted(others), sorted(refused)


def _copy_plain(src: Path, dest: Path) -> None:
    """Copy a regular file without following a link (a file swapped for a link meanwhile is refused)."""
    fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(f"{src} is not a regular file")
        dest.write_bytes(f.read())


def stage(course: Path, assignment: str, share: list[str], dest: Path) -> None:
    """Give nbgrader, in ``dest/<learner>/<assignment>/``, only each learner's top-level notebooks (and
    nbgrader's timestamp): never a learner's other files, links, pipes or devices."""
    for student in share:
        src = course / "submitted" / student / assignment
        out = dest / student / assignment
        out.mkdir(parents=True)
        notebooks, _, _ = inspect_submission(src)
        for name in notebooks + [n for n in NBGRADER_FILES if (src / n).is_file() and not _special(src / n)]:
            try:
                _copy_plain(src / name, out / name)
            except OSError:
                pass  # swapped for something else since it was inspected: not graded, the report says so


STUDENT_LINE = "Creating/updating student with ID '"  # nbgrader's log line opening each learner's grading


def log_path(course: Path, assignment: str, student: str) -> Path:
    """Where the full nbgrader log of one learner's last grading is kept: beside the learner's autograded
    assignment folder, as a hidden file (nbgrader's file-name patterns never match a name beginning with
    '.', and nbgrader replaces only the assignment folder when it grades again)."""
    return course / "autograded" / student / f".{assignment}.nbgrader.log"


def split_log(text: str, share: list[str]) -> dict[str, str]:
    """One nbgrader process's log, cut into each learner's part (what it logged while grading them), each
    preceded by the process's own start-up lines."""
    known = set(share)
    preamble, parts, current = [], {}, None
    for line in text.splitlines(keepends=True):
        if STUDENT_LINE in line:
            rest = line.split(STUDENT_LINE, 1)[1].rstrip("\n")
            sid = rest.rsplit("': ", 1)[0]
            if sid in known:
                current = sid
                parts.setdefault(sid, [])
        (parts[current] if current else preamble).append(line)
    return {sid: "".join(preamble + lines) for sid, lines in parts.items()}


def failure_cause(log: Path) -> str:
    """The one line of a learner's nbgrader log that says why the notebook could not be graded."""
    lines = [line.strip() for line in log.read_text(encoding="utf-8", errors="replace").splitlines()]
    import re

    exceptions = [line for line in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*", line)]
    if exceptions:
        return f"nbgrader failed with {exceptions[-1][:300]}"
    errors = [line.split("] ", 1)[-1] for line in lines if "| ERROR]" in line]
    return f"nbgrader failed: {errors[-1][:300]}" if errors else "nbgrader did not grade it (no error logged)"


def review(course: Path, assignment: str, student: str) -> list[str]:
    """What the instructor should know about one learner's autograded submission."""
    notes = []
    submitted = course / "submitted" / student / assignment
    notebooks, others, refused = inspect_submission(submitted)
    for entry in refused:
        notes.append(f"refused, never given to nbgrader: {entry}")
    if others:
        notes.append(f"files submitted beside the notebooks, never run nor graded: {', '.join(others)}")
    for name in _expected_notebooks(course, assignment):
        if f"{name}.ipynb" not in notebooks and any(r.startswith(f"{name}.ipynb ") for r in refused):
            notes.append(f"{name}.ipynb was not graded: it is not a plain file")
            continue
        if not (submitted / f"{name}.ipynb").exists():
            others = sorted(p.name for p in submitted.glob("*.ipynb"))
            notes.append(f"{name}.ipynb was not submitted" + (f" (found {', '.join(others)})" if others else ""))
            continue
        path = course / "autograded" / student / assignment / f"{name}.ipynb"
        if not path.exists():
            log = log_path(course, assignment, student)
            cause = failure_cause(log) if log.exists() else "nbgrader has not graded it yet"
            notes.append(f"{name}.ipynb was not autograded: {cause}" + (f" (nbgrader's log: {log})" if log.exists() else ""))
            continue
        nb = nbformat.read(path, 4)
        present = {_grade_id(c) for c in nb.cells}
        for cell in nbformat.read(course / "source" / assignment / f"{name}.ipynb", 4).cells:
            gid = _grade_id(cell)
            if gid and gid not in present and nb.metadata.get("manyhands", {}).get("unknown_cells"):
                notes.append(f"{name}: {gid} is missing: deleted by the learner, or it is a cell whose nbgrader id "
                             "was changed (below), whose code ran as the learner's own")
            elif gid and gid not in present:
                notes.append(f"{name}: {gid} was deleted by the learner; its question is graded without it")
        release = course / "release" / assignment / f"{name}.ipynb"
        if release.exists():
            # read-only is what the release says, never what the submission's metadata claims
            released = {_grade_id(c): c for c in nbformat.read(release, 4).cells if _grade_id(c)}
            try:
                submitted_cells = nbformat.read(submitted / f"{name}.ipynb", 4).cells
            except Exception:
                submitted_cells = []
            for cell in submitted_cells:
                gid = _grade_id(cell) if isinstance(_nbgrader_meta(cell), dict) else None
                original = released.get(gid)
                if (original is not None and _nbgrader_meta(original).get("locked")
                        and not _nbgrader_meta(original).get("solution") and cell.source != original.source):
                    notes.append(f"{name}: {gid} (read-only) was edited by the learner; nbgrader graded the original")
        marks = nb.metadata.get("manyhands", {})
        if marks.get("cells_reordered"):
            notes.append(f"{name}: cells were out of order; the source order was restored")
        for gid in marks.get("unknown_cells", []):
            notes.append(f"{name}: a cell claims the nbgrader id {gid!r}, which {assignment} does not have (renamed, "
                         "or pasted from another exercise): it ran as the learner's own cell and earns no points")
        for what in marks.get("settings_restored", []):
            notes.append(f"{name}: the nbgrader settings of {what} had been changed in the submission; "
                         "it was graded with the release's settings")
        for cell in nb.cells:
            gid = _grade_id(cell) or "an unmarked cell"
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type == "code" or cell.cell_type == "markdown":
                if RESTORED_NOTE in cell.source:
                    notes.append(f"{name}: {gid} had been deleted; nbgrader put it back")
            if cell.cell_type != "code":
                continue
            stuck = cell.get("metadata", {}).get("manyhands", {}).get(STUCK_MARK)
            timed_out = stuck or any(out.get("ename") == "CellTimeoutError" for out in cell.get("outputs", []))
            if stuck:
                notes.append(f"{name}: {gid} ran past the time limit and did not stop when interrupted: it scores "
                             "nothing; the kernel was restarted and the rest graded")
            dropped = cell.get("metadata", {}).get("manyhands", {}).get("results_dropped")
            if dropped:
                notes.append(f"{name}: {gid} showed {dropped} result(s) published by the learner's code; dropped "
                             "(nbgrader would read a number there as partial credit)")
            for out in cell.get("outputs", []):
                if stuck and out.get("ename") == "CellTimeoutError":
                    continue
                if out.get("output_type") == "error" and out.get("ename") == "CellTimeoutError":
                    notes.append(f"{name}: {gid} ran past the time limit and was interrupted")
                elif out.get("output_type") == "error" and out.get("ename") == HIDDEN_ERROR and "time limit" in out.get("evalue", ""):
                    notes.append(f"{name}: {gid} ran past the time limit (in its hidden tests) and was interrupted")
                elif out.get("output_type") == "error" and out.get("ename") == "DeadKernelError":
                    notes.append(f"{name}: the kernel died in {gid}")
                elif "characters of output from this cell were cut" in str(out.get("data", {}).get("text/plain", "")):
                    notes.append(f"{name}: {gid} printed too much; output was cut")
            if meta.get("solution"):
                for out in cell.get("outputs", []):
                    if out.get("output_type") != "error" or out.get("ename") in {"DeadKernelError", "KernelNotRunning"}:
                        continue
                    if timed_out and out.get("ename") in {"CellTimeoutError", "KeyboardInterrupt"}:
                        continue  # the time limit's interrupt, reported above
                    if out.get("ename") == "NotImplementedError":  # the release's stub, left in place
                        notes.append(f"{name}: {gid} not answered")
                    else:
                        notes.append(f"{name}: {gid} raised {out.get('ename')}: {str(out.get('evalue'))[:80]}")
            if not meta.get("grade") or meta.get("solution"):
                reasons = audit_source(cell.source)
                if reasons:
                    notes.append(f"{name}: {gid} needs a human look: {'; '.join(reasons)}")
    return notes


def scores(course: Path, assignment: str) -> dict[str, tuple[float, float]]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(assignment):
            out[sub.student.id] = (sub.score, sub.max_score)
    return out


def report(course: Path, assignment: str) -> str:
    lines = [f"Autograded {assignment}: score / max (autograded and manual points so far)"]
    got = scores(course, assignment)
    for student in students(course, assignment):
        why = id_problem(student)
        if why:
            lines.append(f"  {student!r:<24} not graded: the learner id {why}")
            continue
        score, top = got.get(student, (0.0, 0.0))
        lines.append(f"  {student:<24} {score:5.1f} / {top:4.1f}")
        for note in review(course, assignment, student):
            lines.append(f"      ! {note}")
    return "\n".join(lines)


# ---------------------------------------------------------------- the command

def _nbgrader(args: list[str], course: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    cmd = [str(Path(sys.executable).parent / "nbgrader"), *args]
    return subprocess.run(cmd, cwd=course, env=env, capture_output=True, text=True)


def autograde(course: Path, assignment: str, jobs: int = 2, extra: list[str] | None = None) -> int:
    """Autograde every submitted learner with ``jobs`` nbgrader processes; return the worst exit code."""
    everyone = students(course, assignment)
    refused = {s: why for s in everyone if (why := id_problem(s))}
    for student, why in refused.items():
        print(f"refused learner id {student!r}: it {why}. Not graded: rename the folder "
              f"{course / 'submitted' / student} to a safe id (letters, digits, '_', '.', '@', '-') and grade again.")
    everyone = [s for s in everyone if s not in refused]
    if not everyone:
        print(f"nobody has submitted {assignment} in {course / 'submitted'}")
        return 1
    # the gradebook, the assignment and the students exist before the workers start, so the
    # workers only ever add their own students' submissions
    _nbgrader(["db", "student", "list"], course)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in everyone:  # so that a learner whose submission cannot be graded still gets a 0 in export
            gb.update_or_create_student(student)
    shares = split_class(everyone, jobs)
    jobs = len(shares)
    # Each worker grades a folder of its own holding only its share's notebooks (see stage): no list of
    # learner ids is ever passed to nbgrader, and no file a learner submitted besides the notebooks
    # (nor any link, pipe or device) reaches nbgrader or the kernel.
    staging = course / STAGING
    shutil.rmtree(staging, ignore_errors=True)

    def work(i_share):
        i, share = i_share
        stage(course, assignment, share, staging / f"w{i}")
        args = ["autograde", assignment, "--force", f"--CourseDirectory.submitted_directory={STAGING}/w{i}",
                *(extra or [])]
        return _nbgrader(args, course)

    try:
        with ThreadPoolExecutor(jobs) as pool:
            results = list(pool.map(work, enumerate(shares)))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    worst = 0
    for share, proc in zip(shares, results):
        worst = worst or proc.returncode
        parts = split_log(proc.stderr, share)
        for student in share:
            log = log_path(course, assignment, student)
            if student not in parts:  # no notebook to grade: only the lines naming the learner's folder
                mine = [line for line in proc.stderr.splitlines(keepends=True) if f"/{student}/{assignment}/" in line]
                parts[student] = "nbgrader did not grade this learner (no notebook was given to it):\n" + "".join(mine)
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(parts[student], encoding="utf-8")
    print(f"nbgrader's full log of each learner: {log_path(course, assignment, '<learner>')}")
    if worst:
        print("nbgrader could not grade every submission; the report below says which and why.")
    return worst or (2 if refused else 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m manyhands.grading", description=__doc__.split("\n\n")[0])
    parser.add_argument("verb", choices=["autograde", "report"])
    parser.add_argument("assignment")
    parser.add_argument("--course", type=Path, default=COURSE, help="nbgrader course root (default: instructor/)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="grading processes (default: cores)")
    args = parser.parse_args(argv)
    course = args.course.resolve()
    code = 0
    if args.verb == "autograde":
        start = time.perf_counter()
        code = autograde(course, args.assignment, args.jobs)
        print(f"autograded in {time.perf_counter() - start:.1f} s with {args.jobs} processes")
    print(report(course, args.assignment))
    return code


if __name__ == "__main__":
    raise SystemExit(main())
