"""nbgrader configuration for the Many Hands course (course root: this folder)."""

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.root = __file__.rsplit("/", 1)[0] if "/" in __file__ else "."
c.CourseDirectory.course_id = "manyhands"
# The gradebook: sqlite in the course root, or the database MANYHANDS_DB_URL names (PostgreSQL, for several graders
# at once: nbgrader's FAQ says sqlite is not safe for that). The course's commands read the same variable
# (manyhands.grading.classroom.gradebook_url; make ... DB=postgresql+psycopg2://...).
import os  # noqa: E402

c.CourseDirectory.db_url = os.environ.get("MANYHANDS_DB_URL") or "sqlite:///" + c.CourseDirectory.root + "/gradebook.db"
# On the course's hub the exchange is named here, from the environment the hub gives the instructor's server and the
# Formgrader: nbgrader's Formgrader does not take --Exchange.root from its command line, and a machine's
# /etc/jupyter may name another exchange (a hub's usual setting), which would show every release as a draft.
if os.environ.get("MANYHANDS_EXCHANGE"):
    c.Exchange.root = os.environ["MANYHANDS_EXCHANGE"]

# Who may fetch and submit is decided by the exchange folder's Unix permissions, not by JupyterHub's groups: a
# machine whose /etc/jupyter names nbgrader's JupyterHubAuthPlugin (a hub's usual setting) would otherwise break
# `nbgrader db student add` and every exchange step run outside a hub ("JUPYTERHUB_USER env is required").
# The trade-off is in guide/hub.md.
c.Authenticator.plugin_class = "nbgrader.auth.NoAuthPlugin"

# Released code cells start with this stub; learners replace it.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A learner's infinite loop must not stall a class: each cell gets 60 s, then the kernel is interrupted.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# Megabytes of output are cut rather than stored in the gradebook.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 50

# Feedback returned to learners never shows the hidden tests (they would teach how to game them), nor their
# output: the checker keeps only "a hidden check of question N failed"; HideHiddenTestOutput is the safety net
# for notebooks graded any other way.
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, ClearOutput, GetGrades, IgnorePattern, LimitOutput,
    OverwriteCells, OverwriteKernelspec, SaveAutoGrades,
)
from manyhands.grading.execute import (  # noqa: E402
    ClearReleaseHiddenTests, DropLearnerResults, GuardedExecute, HideHiddenTestOutput, InertLearnerMarkup,
)
from manyhands.grading.rebuild import RebuildFromRelease  # noqa: E402

# A feedback page shows what a learner wrote and printed as text only (InertLearnerMarkup: no HTML, script or SVG of
# the learner's), so a page opened by someone else (an instructor, a teaching assistant) runs nothing the learner put
# there.  (nbconvert's own sanitize_html also escapes the release's headings and paragraphs, so it is not used.)
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTestOutput, ClearReleaseHiddenTests, InertLearnerMarkup,
                                    CSSHTMLHeaderPreprocessor]

# Learners' code runs in a bubblewrap sandbox: no course root, gradebook or other submissions in sight, no
# network, bounded memory, CPU time and /tmp (see manyhands/grading/sandbox.py for what it does and does not
# protect against).  The checks run apart, in a checker process of their own in the same kind of sandbox.
c.Execute.kernel_manager_class = "manyhands.grading.sandbox.SandboxedKernelManager"
c.SandboxedKernelManager.memory_mb = 2048
c.SandboxedKernelManager.cpu_seconds = 300
c.SandboxedKernelManager.tmp_mb = 256

# Rule 1: the graded notebook is built from the release. RebuildFromRelease takes from the submission only the
# answers' source and the learner's own code cells (every cell's metadata, tags, order and test code come from
# the release); OverwriteCells then puts back the hidden tests from the gradebook.
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [
    ClearOutput, RebuildFromRelease, OverwriteKernelspec, OverwriteCells, CheckCellMetadata,
]
# Rule 2: the checks never run in the learner's interpreter. GuardedExecute runs the learner's cells in the
# sandboxed kernel (output capped), then every test cell in the checker, which reaches the learner's names only as
# plain data. DropLearnerResults is a safety net: a graded test cell keeps only stream and error outputs.
c.Autograde.autograde_preprocessors = [
    GuardedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, DropLearnerResults, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
c.GuardedExecute.max_output_chars = 100_000
c.GuardedExecute.max_notebook_output_chars = 1_000_000
