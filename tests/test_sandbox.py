"""The grading sandbox's command line, its effect on a real kernel, and the answer audit.
(The whole class under nbgrader is in test_hostile.py.)"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

import harness
from manyhands import grading, sandbox


def test_sandbox_command_hides_the_course_and_cuts_the_network(tmp_path):
    work, private = tmp_path / "work", tmp_path / "kernel"
    work.mkdir(), private.mkdir()
    (work / "ex00.ipynb").write_text("{}")
    argv = sandbox.bwrap_argv(["python", "-m", "ipykernel_launcher"], workdir=str(work), private_dir=str(private))
    text = " ".join(argv)
    assert "--unshare-all" in argv and "--share-net" not in argv
    assert str(sandbox.ROOT / "instructor") not in text and str(sandbox.ROOT / ".git") not in text
    # stronger than masking the notebook: nothing of the learner's folder (notebook with the restored
    # hidden tests, submitted files) is mounted at all, and the kernel starts in an empty folder
    assert str(work) not in text and f"--chdir {sandbox.WORKDIR}" in text
    assert argv[argv.index("--") + 1:][1:4] == ["-I", "-B", "-m"]  # the launcher runs isolated
    assert f"--bind {private} {private}" in text  # the only writable bind besides the scratch tmpfs
    assert "/etc/shadow" not in text


def _run(cells: list[str], workdir) -> list[list]:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    client = NotebookClient(nb, timeout=30, allow_errors=True, kernel_manager_class=sandbox.SandboxedKernelManager,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return [[o.get("ename") or o.get("text", "") for o in cell.outputs] for cell in nb.cells]


def test_a_sandboxed_kernel_can_load_course_data_but_not_write_or_connect(tmp_path):
    secret = sandbox.ROOT / "instructor" / "nbgrader_config.py"
    out = _run([
        "from manyhands import data\nprint(len(data.load('party_membership')))",
        f"open({str(secret)!r}).read()",
        f"open({str(sandbox.PACKAGE / 'data.py')!r}, 'a')",
        "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=2)",
        "_ = open('/tmp/scratch/notes.txt', 'w').write('scratch is writable')",
    ], tmp_path)
    assert out[0] == ["9\n"]
    assert out[1] == ["FileNotFoundError"]
    assert out[2] == ["OSError"]  # read-only file system
    assert out[3] == ["ConnectionRefusedError"] or out[3] == ["OSError"]
    assert out[4] == []


def test_audit_does_not_flag_the_course_solutions():
    for assignment in harness.assignments():
        for notebook in harness.notebooks(assignment):
            nb = nbformat.read(harness.SOURCE / assignment / f"{notebook}.ipynb", as_version=4)
            for cell in nb.cells:
                if cell.cell_type == "code" and harness.nbgrader_meta(cell).get("solution"):
                    assert grading.audit_source(cell.source) == [], (assignment, harness.nbgrader_meta(cell)["grade_id"])


@pytest.mark.parametrize("code,reason", [
    ("import manyhands.feedback as f\nf.check_digest = print", "replaces f.check_digest"),
    ("from manyhands import feedback\nfeedback.expect = None", "replaces feedback.expect"),
    ("get_ipython().set_custom_exc((Exception,), None)", "IPython shell"),
    ("import builtins\nbuiltins.len = lambda x: 3", "built-ins"),
    ("class Any(str):\n    def __eq__(self, other):\n        return True", "__eq__"),
    ("import hashlib\nhashlib.sha256 = None", "replaces hashlib.sha256"),
    ("import socket", "network"),
])
def test_audit_flags_code_aimed_at_the_grader(code, reason):
    assert any(reason in r for r in grading.audit_source(code)), grading.audit_source(code)


def test_files_beside_the_notebook_are_never_imported_or_run(tmp_path):
    """A learner's ipykernel_launcher.py, manyhands/ package or pandas.py in the kernel's folder is
    neither run as the kernel nor imported by the course package or the learner's own code."""
    (tmp_path / "ipykernel_launcher.py").write_text("raise SystemExit('the learner is the kernel')\n")
    (tmp_path / "manyhands").mkdir()
    (tmp_path / "manyhands" / "__init__.py").write_text("raise SystemExit('a learner package')\n")
    (tmp_path / "manyhands" / "sandbox.py").write_text("raise SystemExit('a learner launcher')\n")
    (tmp_path / "pandas.py").write_text("SHADOWED = True\n")
    (tmp_path / "helper.py").write_text("SHADOWED = True\n")
    out = _run([
        "import manyhands, pandas, os, sys\nprint(manyhands.__file__.startswith(%r), hasattr(pandas, 'SHADOWED'))"
        % str(sandbox.PACKAGE),
        "import helper",
        "import resource\nprint(resource.getrlimit(resource.RLIMIT_AS)[0] > 0, sys.flags.isolated)",
    ], tmp_path)
    assert out[0] == ["True False\n"]
    assert out[1] == ["ModuleNotFoundError"]
    assert out[2] == ["True 1\n"]  # our launcher (not the learner's) set the limits; the kernel is isolated
