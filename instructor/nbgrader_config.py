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

c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
