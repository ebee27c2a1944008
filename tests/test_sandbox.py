"""The grading sandbox's command line, its effect on a real kernel, and the answer audit.
(The whole class under nbgrader is in test_hostile.py.)"""

from __future__ import annotations

import os

import nbformat
import pytest
from nbclient import NotebookClient

import harness
from manyhands import grading
from manyhands.grading import sandbox


def test_sandbox_command_hides_the_course_and_cuts_the_network(tmp_path):
    work, private = tmp_path / "work", tmp_path / "kernel"
    work.mkdir(), private.mkdir()
    (work / "ex00.ipynb").write_text("{}")
    argv = sandbox.bwrap_argv(["python", "-m", "ipykernel_launcher"], workdir=str(work), private_dir=str(private))
    text = " ".join(argv)
    assert "--share-net" not in argv and ("--unshare-all" in argv or {
        "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"} <= set(argv))  # as root: see below
    assert str(sandbox.ROOT / "instructor") not in text and str(sandbox.ROOT / ".git") not in text
    # stronger than masking the notebook: nothing of the learner's folder (notebook with the restored
    # hidden tests, submitted files) is mounted at all, and the kernel starts in an empty folder
    assert str(work) not in text and f"--chdir {sandbox.WORKDIR}" in text
    assert argv[argv.index("--") + 1:][1:4] == ["-I", "-B", "-m"]  # the launcher runs isolated
    # no folder of the host is writable from the sandbox: the kernel's connection folder is not mounted
    # (the kernel gets a read-only copy of the connection file and binds its sockets in a tiny tmpfs)
    assert str(private) not in text
    assert not {"--bind", "--bind-try", "--dev-bind", "--dev-bind-try"} & set(argv)
    assert "/etc/shadow" not in text


def test_every_writable_folder_of_the_sandbox_is_a_bounded_tmpfs(tmp_path):
    argv = sandbox.bwrap_argv(["python"], workdir=str(tmp_path), connection_fd=7, info_fd=8, tmp_mb=256, shm_mb=64)
    sizes = {argv[i + 3]: int(argv[i + 1]) for i, a in enumerate(argv) if a == "--size" and argv[i + 2] == "--tmpfs"}
    assert sizes == {sandbox.SHM: 64 << 20, sandbox.KERNEL_DIR: sandbox.KERNEL_DIR_KB << 10, sandbox.SCRATCH: 256 << 20}
    unsized = [argv[i + 1] for i, a in enumerate(argv) if a == "--tmpfs" and argv[i - 2] != "--size"]
    remounted = [argv[i + 1] for i, a in enumerate(argv) if a == "--remount-ro"]
    assert unsized == ["/tmp"] and {"/tmp", "/dev", "/"} <= set(remounted)  # the rest is read-only
    # as root: no user namespace from bwrap (it would map the sandbox to host uid 0), the launcher drops
    as_root = sandbox.bwrap_argv(["python"], workdir=str(tmp_path), as_root=True)
    assert "--unshare-all" not in as_root and "--unshare-user" not in as_root
    assert as_root[as_root.index("--") + 1:].count(f"--uid={sandbox.SANDBOX_UID}") == 1
    i = as_root.index("--cap-drop")
    assert as_root[i + 1:i + 6] == ["ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    not_root = sandbox.bwrap_argv(["python"], workdir=str(tmp_path), as_root=False)
    assert "--unshare-all" in not_root and "--cap-add" not in not_root
    assert not any(a.startswith("--uid=") for a in not_root)


def _run(cells: list[str], workdir) -> list[list]:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    client = NotebookClient(nb, timeout=30, allow_errors=True, kernel_manager_class=sandbox.SandboxedKernelManager,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return [_joined(cell.outputs) for cell in nb.cells]


def _joined(outputs) -> list:
    """A cell's outputs, each error by its name and each run of stream output as one text: a loaded machine may
    deliver one print as two stream messages, and a test must not depend on message boundaries."""
    out, last_stream = [], None
    for o in outputs:
        if o.get("output_type") == "stream":
            if last_stream == o.get("name"):
                out[-1] += o.get("text", "")
                continue
            out.append(o.get("text", ""))
            last_stream = o.get("name")
        else:
            out.append(o.get("ename") or o.get("text", ""))
            last_stream = None
    return out


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
    # read-only file system (OSError: EROFS); when the grader is root the kernel runs as nobody, so the
    # file's permissions refuse it first (PermissionError, a kind of OSError)
    assert out[2] == ["PermissionError" if os.geteuid() == 0 else "OSError"]
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


# ---- the limits hold whoever runs the grader (class 4 of "Grading that holds"); here the grader is root

FILL = '''
import errno, os
def fill(folder, total=1 << 30, chunk=1 << 20, per_file=32 << 20):
    """Write up to `total` bytes in files of `per_file` bytes; say how much went in and what stopped it."""
    done, i = 0, 0
    try:
        while done < total:
            with open(os.path.join(folder, f"fill{i}"), "wb") as f:
                for _ in range(per_file // chunk):
                    f.write(b"x" * chunk)
                    f.flush()
                    done += chunk
            i += 1
    except OSError as e:
        return done, errno.errorcode.get(e.errno, type(e).__name__)
    return done, None
print("ready")
'''

FORK = '''
import os, time
kids, stopped = [], None
for i in range(100):
    try:
        pid = os.fork()
    except OSError as e:
        stopped = type(e).__name__
        break
    if pid == 0:
        time.sleep(2)
        os._exit(0)
    kids.append(pid)
for pid in kids:
    os.waitpid(pid, 0)
print(len(kids), stopped)
'''


def _stopped_at(output: list, limit: int) -> bool:
    """fill() went up to `limit` (less what the folder held before) and was stopped: no space left."""
    written, reason = output[0].strip("()\n").split(", ")
    return limit - (4 << 20) <= int(written) <= limit and reason == "'ENOSPC'"


def test_the_limits_hold_with_a_real_kernel_whoever_grades(tmp_path):
    """Fork 100 processes, write 1 GiB to /dev/shm, /dev, /tmp, the scratch folder and the kernel's
    connection folder: each stops at its stated limit, and the kernel reports every other cell."""
    import errno

    out = _run([
        FILL,
        FORK,  # 100 processes against a limit of 64 (threads count too)
        "print(fill('/dev/shm'))",
        "print(fill('/dev'))",
        "print(fill('/tmp'))",
        "print(fill('/tmp/scratch'))",
        f"print(fill({sandbox.KERNEL_DIR!r}))",
        # the connection file the kernel was given, and the folder it is in
        "import json, ipykernel.connect as c\ncf = c.get_connection_file()\n"
        "print(cf, fill(os.path.dirname(cf)), json.load(open(cf))['ip'])",
        "x = bytearray(3 << 30)",  # 3 GiB against a 2 GiB address space
        "import resource\nprint(os.getuid(), resource.getrlimit(resource.RLIMIT_CPU)[0], "
        "resource.getrlimit(resource.RLIMIT_NPROC)[0])",
        # a nested user namespace could mount a tmpfs of any size; memfd and System V memory are unbounded
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "print(libc.unshare(0x10000000), ctypes.get_errno(), libc.shmget(0, 1 << 30, 0o1600), ctypes.get_errno())",
        "os.memfd_create('big')",
        "print('still here')",
    ], tmp_path)
    fork, shm, dev, tmp, scratch, kernel_dir, connection, memory, ids, userns, memfd, last = out[1:]
    forked, stopped = fork[0].split()
    assert int(forked) < 64 and stopped == "BlockingIOError", fork  # EAGAIN: RLIMIT_NPROC binds
    assert _stopped_at(shm, 64 << 20), shm  # /dev/shm: 64 MiB of its own
    assert dev == ["(0, 'EROFS')\n"], dev  # /dev is read-only (its devices still work)
    assert tmp == ["(0, 'EROFS')\n"], tmp
    assert _stopped_at(scratch, 256 << 20), scratch  # the stated 256 MiB (the course's cache is in it)
    written = int(kernel_dir[0].strip("()\n").split(",")[0])
    assert written <= sandbox.KERNEL_DIR_KB << 10 and "ENOSPC" in kernel_dir[0], kernel_dir
    assert connection == [f"{sandbox.CONNECTION_FILE} (0, 'EROFS') {sandbox.KERNEL_DIR}/ipc\n"], connection
    assert memory == ["MemoryError"]
    uid, cpu, nproc = ids[0].split()
    assert int(uid) != 0 and cpu == "600" and nproc == "64", ids
    assert userns == [f"-1 {errno.EPERM} -1 {errno.EPERM}\n"], userns
    assert memfd == ["PermissionError"]
    assert last == ["still here\n"]


BOMB = '''
import os, time
n = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(8)
            os._exit(0)
        n += 1
except OSError:
    pass
time.sleep(8)
print(n)
'''


def test_a_fork_bomb_in_one_kernel_leaves_another_kernel_its_processes(tmp_path):
    """Each sandbox counts its own processes (a user namespace each), though all run as one uid."""
    import threading
    import time

    results = {}
    thread = threading.Thread(target=lambda: results.update(bomb=_run([BOMB], tmp_path)))
    thread.start()
    time.sleep(5)  # the bomb has used its 64 by now
    honest = _run(["import threading\nts = [threading.Thread(target=lambda: None) for _ in range(20)]\n"
                   "[t.start() for t in ts]\n[t.join() for t in ts]\nprint('ok')", FORK], tmp_path)
    thread.join()
    assert honest[0] == ["ok\n"] and int(honest[1][0].split()[0]) > 30
    assert 0 < int(results["bomb"][0][0]) < 64
