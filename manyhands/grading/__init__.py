"""The grader's side of the course, which learners' modules never import: one module per idea.

* ``rebuild``: the graded notebook built from the release (the learner's answers and extra code cells only);
* ``execute``: the learner's cells in the sandboxed kernel, then the checks in the checker;
* ``checker`` and ``wire``: the clean checker process, and the plain data by which it reaches the learner's names;
* ``sandbox``: the bubblewrap sandbox that the learner's kernel and the checker run in;
* ``audit``: reasons an answer deserves a human look;
* ``classroom``: who submitted, safe learner ids, each worker's share and its staging folder;
* ``reporting``: each learner's score and notes; ``command``: ``python -m manyhands.grading``;
* ``inbound``: on a hub, a submission made under another learner's name is set aside before collect.

The names below are loaded on first use, so that the sandbox's launcher (``python -m manyhands.grading.sandbox``)
and the learner kernel's ``wire`` import nothing of nbgrader.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "audit_source": "audit",
    "id_problem": "classroom", "split_class": "classroom", "students": "classroom", "stage": "classroom",
    "inspect_submission": "classroom", "STAGING": "classroom", "timestamp_problem": "classroom",
    "review": "reporting", "report": "reporting", "scores": "reporting", "log_path": "reporting", "split_log": "reporting",
    "STUDENT_LINE": "reporting", "failure_cause": "reporting",
    "autograde": "command", "main": "command", "COURSE": "command",
    "GuardedExecute": "execute", "DropLearnerResults": "execute", "HideHiddenTestOutput": "execute",
    "question_of": "execute", "CUT_NOTE": "execute",
    "RebuildFromRelease": "rebuild",
}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f"manyhands.grading.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'manyhands.grading' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_WHERE))
