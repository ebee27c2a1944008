"""The report: each learner's score and what the instructor should look at, read from the gradebook, the
graded notebooks' notes and nbgrader's log of each learner."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from manyhands.grading.audit import audit_source
from manyhands.grading.classroom import gradebook_url, id_problem, inspect_submission, students, timestamp_problem
from manyhands.grading.execute import GRADER_ERROR, HIDDEN_ERROR, STUCK_MARK, grade_id, nbgrader_meta


def _expected_notebooks(course: Path, assignment: str) -> list[str]:
    return sorted(p.stem for p in (course / "source" / assignment).glob("*.ipynb"))


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
    exceptions = [line for line in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*", line)]
    if exceptions:
        return f"nbgrader failed with {exceptions[-1][:300]}"
    errors = [line.split("] ", 1)[-1] for line in lines if "| ERROR]" in line]
    return f"nbgrader failed: {errors[-1][:300]}" if errors else "nbgrader did not grade it (no error logged)"




def _notes_of_rebuild(name: str, assignment: str, marks: dict) -> list[str]:
    notes = []
    for gid in marks.get("release_cells_missing", []):
        notes.append(f"{name}: {gid} had been deleted; the release's cell was graded in its place")
    for gid in marks.get("answers_missing", []):
        notes.append(f"{name}: {gid} was deleted by the learner (or not found); its question is graded without it")
    for what in marks.get("matched", []):
        notes.append(f"{name}: the answer {what}: its nbgrader id was missing or changed")
    for gid in marks.get("readonly_edited", []):
        notes.append(f"{name}: {gid} (read-only) was edited by the learner; nbgrader graded the original")
    if marks.get("reordered"):
        notes.append(f"{name}: cells were out of order; the release's order was restored in the graded notebook "
                     "(the learner's cells still ran in the order they were submitted)")
    if marks.get("extra_cells_over_limit"):
        notes.append(f"{name}: {marks['extra_cells_over_limit']} code cell(s) of the learner's own past the first 100 "
                     "were not kept or run")
    for what in marks.get("too_long", []):
        notes.append(f"{name}: {what} was longer than the grader keeps and runs; it was replaced by a note and "
                     "not run")
    for gid in marks.get("unknown_ids", []):
        notes.append(f"{name}: a cell claims the nbgrader id {gid!r}, which {assignment} does not have (renamed, "
                     "or pasted from another exercise): it ran as the learner's own cell and earns no points")
    for what in marks.get("settings_changed", []):
        notes.append(f"{name}: the nbgrader settings of {what} had been changed in the submission; "
                     "it was graded with the release's settings")
    if marks.get("cells_dropped"):
        notes.append(f"{name}: {marks['cells_dropped']} Markdown or raw cell(s) the learner added were left out "
                     "(only answers and the learner's code cells are graded)")
    return notes


def review(course: Path, assignment: str, student: str) -> list[str]:
    """What the instructor should know about one learner's autograded submission."""
    notes = []
    submitted = course / "submitted" / student / assignment
    notebooks, others, refused = inspect_submission(submitted)
    for entry in refused:
        notes.append(f"refused, never given to nbgrader: {entry}")
    if others:
        notes.append(f"files submitted beside the notebooks, never run nor graded: {', '.join(others)}")
    why = timestamp_problem(submitted / "timestamp.txt")
    if why:
        notes.append(f"timestamp.txt was ignored: {why}; the submission is graded as on time")
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
        notes.extend(_notes_of_rebuild(name, assignment, nb.metadata.get("manyhands", {})))
        if nb.metadata.get("manyhands", {}).get("checker_failed"):
            notes.append(f"{name}: THE CHECKER FAILED ({nb.metadata['manyhands']['checker_failed']}): the questions "
                         "whose checks had not finished score nothing; look at this submission")
        if nb.metadata.get("manyhands", {}).get("names_unreadable"):
            notes.append(f"{name}: the learner's kernel did not answer the checks (its code broke the kernel's "
                         "execution, or it died): the checks could not read the answers")
        for cell in nb.cells:
            gid = grade_id(cell) or "a cell of the learner's"
            meta = nbgrader_meta(cell)
            if cell.cell_type != "code":
                continue
            marks = cell.get("metadata", {}).get("manyhands", {})
            stuck = marks.get(STUCK_MARK)
            timed_out = stuck or any(out.get("ename") == "CellTimeoutError" for out in cell.get("outputs", []))
            if stuck:
                notes.append(f"{name}: {gid} ran past the time limit and did not stop when interrupted: it scores "
                             "nothing; the kernel was restarted and the rest graded")
            if marks.get("source_too_long") and not nb.metadata.get("manyhands", {}).get("too_long"):
                notes.append(f"{name}: {gid} holds {marks['source_too_long']:,} characters of code; it was not run")
            dropped = marks.get("results_dropped")
            if dropped:
                notes.append(f"{name}: {gid} showed {dropped} result(s) published by the learner's code; dropped "
                             "(nbgrader would read a number there as partial credit)")
            for out in cell.get("outputs", []):
                if stuck and out.get("ename") == "CellTimeoutError":
                    continue
                ename, evalue = out.get("ename"), str(out.get("evalue", ""))
                if out.get("output_type") == "error" and ename == "CellTimeoutError":
                    notes.append(f"{name}: {gid} ran past the time limit and was interrupted")
                elif out.get("output_type") == "error" and ename == HIDDEN_ERROR and "time limit" in evalue:
                    notes.append(f"{name}: {gid} ran past the time limit (in its hidden tests) and was interrupted")
                elif out.get("output_type") == "error" and ename == "DeadKernelError":
                    notes.append(f"{name}: the kernel died in {gid}")
                elif (out.get("output_type") == "error" and not meta.get("solution") and meta.get("grade")
                      and ("time limit" in evalue or "still running after" in evalue)):
                    notes.append(f"{name}: {gid}: the learner's function ran past the time limit when the checks "
                                 "called it, and was stopped")
                elif out.get("output_type") == "error" and ename == GRADER_ERROR:
                    notes.append(f"{name}: {gid}: THE GRADER FAILED ({evalue[:200]}); grade this learner again")
                elif "of output from this cell were cut" in str(out.get("data", {}).get("text/plain", "")):
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
                try:
                    reasons = audit_source(cell.source)
                except Exception as exc:  # one learner's cell must never cost the class its report
                    reasons = [f"could not be audited ({type(exc).__name__}): look at it yourself"]
                if reasons:
                    notes.append(f"{name}: {gid} needs a human look: {'; '.join(reasons)}")
    return notes


def scores(course: Path, assignment: str) -> dict[str, tuple[float, float]]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(gradebook_url(course)) as gb:
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
        try:
            notes = review(course, assignment, student)
        except Exception as exc:  # the rest of the class keeps its report
            notes = [f"THE REPORT FAILED for this learner ({type(exc).__name__}: {str(exc)[:200]}): look at the "
                     "submission and its nbgrader log yourself"]
        for note in notes:
            lines.append(f"      ! {note}")
    return "\n".join(lines)


