"""nbgrader configuration for the Many Hands course (course root: this folder)."""

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.root = __file__.rsplit("/", 1)[0] if "/" in __file__ else "."
c.CourseDirectory.course_id = "manyhands"
c.CourseDirectory.db_url = "sqlite:///" + c.CourseDirectory.root + "/gradebook.db"

# Released code cells start with this stub; learners replace it.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A learner's infinite loop must not stall a class: each cell gets 60 s, then the kernel is interrupted.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# Megabytes of output are cut rather than stored in the gradebook.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 50

# Feedback returned to learners never shows the hidden tests (they would teach how to game them).
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402
from manyhands.grading import HideHiddenTestOutput  # noqa: E402

# Nor their output: GuardedExecute (below) runs the hidden tests apart and keeps only "a hidden check of
# question N failed"; HideHiddenTestOutput is the safety net for notebooks graded any other way.
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTestOutput, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# Learners' code runs in a bubblewrap sandbox: no course root, gradebook or other submissions in
# sight, no network, bounded memory, CPU time and /tmp (see manyhands/sandbox.py for what it does
# and does not protect against).
c.Execute.kernel_manager_class = "manyhands.sandbox.SandboxedKernelManager"
c.SandboxedKernelManager.memory_mb = 2048
c.SandboxedKernelManager.cpu_seconds = 300
c.SandboxedKernelManager.tmp_mb = 256

# A learner who deletes a test or answer cell gets it back (with a note) rather than escaping the test.
c.OverwriteCells.add_missing_cells = True

# The course's own preprocessors (manyhands/grading.py): graded cells back in the source order, and a
# cap on the output kept from each cell (a print loop cannot fill the grader's memory or the gradebook).
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds, IgnorePattern, LimitOutput,
    OverwriteCells, OverwriteKernelspec, SaveAutoGrades,
)
from manyhands.grading import (  # noqa: E402
    DropBlankNbgraderMetadata, DropLearnerResults, GuardedExecute, RestoreCellOrder, RestoreNbgraderMetadata,
)

# RestoreNbgraderMetadata: each cell's nbgrader settings come from the release, never from the submission (a
# renamed or pasted cell becomes the learner's own; changed settings are put back), so nbgrader's
# OverwriteCells cannot fail the whole notebook (KeyError: 'grade_id', "Inconsistent checksums").
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, DropBlankNbgraderMetadata, RestoreNbgraderMetadata, OverwriteKernelspec,
    OverwriteCells, RestoreCellOrder, CheckCellMetadata,
]
# DropLearnerResults: a graded test cell keeps only stream and error outputs, so a number the learner's code
# publishes as a test cell's result is never read by nbgrader as partial credit.
c.Autograde.autograde_preprocessors = [
    GuardedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, DropLearnerResults, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
c.GuardedExecute.max_output_chars = 100_000
