"""A least-privilege kernel for autograding: every learner's notebook runs in a bubblewrap sandbox.

nbgrader runs a learner's code with the instructor's rights.  ``SandboxedKernelManager`` (set as
``c.Execute.kernel_manager_class`` in ``instructor/nbgrader_config.py``) starts each grading kernel
inside ``bwrap`` (bubblewrap, the Debian package that Flatpak uses) so that the learner's code:

* sees only a read-only allowlist of the file system: the system libraries, the Python
  installation, the course package and its datasets; it starts in an empty read-only folder and
  never sees the learner's autograded folder (so no submitted file can be imported or run, and
  the restored hidden tests cannot be read from disk), and Python runs isolated (``-I``);
* cannot see the course root (source notebooks, hidden tests, gradebook, other submissions, the
  exchange), the instructor's home folder or the rest of ``/tmp``;
* has no network (a new, empty network namespace), no view of other processes (new PID
  namespace), no capabilities, and writes only to a private ``/tmp`` of bounded size;
* is limited in memory, CPU time, file size and number of processes (``setrlimit`` in the
  launcher below, before ipykernel starts).

The kernel talks to nbgrader over Unix sockets (ZeroMQ's ``ipc`` transport) in a private folder
made for that one kernel, since TCP on localhost does not cross network namespaces.

What it does not protect against: code that attacks the kernel's own test cells from inside the
same Python process (patching ``hashlib``, ``json`` or the feedback helpers before the tests run).
nbgrader restores the test cells' text, but the tests run in the learner's interpreter; the
course's grading report (``manyhands.grading``) flags answers that touch the grading machinery
so that the instructor reads them.  Nor does it protect against kernel exploits: bubblewrap is
only as strong as the Linux namespaces it uses.

Without bubblewrap the manager refuses to start a kernel, with a message saying how to install
it; ``MANYHANDS_UNSAFE_GRADING=1`` grades without a sandbox (for a trusted class only).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, default

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
DATASETS = ROOT / "datasets"

# Files in /etc that Python, numpy and pandas read; the rest of /etc (shadow, ssh keys, ...) stays out.
ETC_FILES = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "passwd", "group",
             "nsswitch.conf", "mime.types", "ssl", "alternatives"]
SCRATCH = "/tmp/scratch"  # the only writable folder inside the sandbox (a private tmpfs)
WORKDIR = "/tmp/work"  # the kernel's working folder: empty and read-only
SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]

UNSAFE_ENV = "MANYHANDS_UNSAFE_GRADING"
INSTALL_HINT = ("bubblewrap (bwrap) is needed to grade learners' code safely. Install it with "
                "`sudo apt-get install bubblewrap` (the Makefile's `make system` does this), or set "
                f"{UNSAFE_ENV}=1 to grade without a sandbox (only for code you trust).")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here."""


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def _existing(paths):
    out = []
    for p in paths:
        if os.path.isdir(p) and p not in out:
            out.append(p)
    return out


def validation_cache() -> str | None:
    """Validate the datasets here, in the trusted grading process, and return the file that records it.

    Each grading kernel gets that record read-only, so it skips frictionless's start-up and cannot
    forge a record for a dataset that does not validate."""
    from manyhands import data

    data.validate_all()
    path = data._cache_file()
    return str(path) if path.exists() else None


def bwrap_argv(kernel_argv: list[str], *, workdir: str, private_dir: str, memory_mb: int = 2048,
               cpu_seconds: int = 600, tmp_mb: int = 256, nproc: int = 64,
               cache_file: str | None = None) -> list[str]:
    """The full command that runs ``kernel_argv`` in the sandbox (pure: builds a list, runs nothing)."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(INSTALL_HINT)
    argv = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for d in SYSTEM_DIRS:
        if os.path.islink(d):  # merged /usr: /bin -> usr/bin
            argv += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            argv += ["--ro-bind", d, d]
    for name in ETC_FILES:
        argv += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    # the Python that runs the kernel: the environment and the interpreter it was made from
    for d in _existing([sys.prefix, sys.base_prefix, sys.exec_prefix]):
        if not d.startswith("/usr/"):
            argv += ["--ro-bind", d, d]
    # the course package and its data, read-only (nothing else of the project: not instructor/, not .git)
    argv += ["--ro-bind", str(PACKAGE), str(PACKAGE), "--ro-bind", str(DATASETS), str(DATASETS)]
    # Nothing of the learner's folder is mounted: the kernel starts in an empty, read-only folder, so
    # no file a learner submits (an ``ipykernel_launcher.py``, a ``manyhands/`` package, a ``pandas.py``)
    # can be imported or run by the launcher, the kernel or the course package, and the notebook nbgrader
    # restored (with its hidden tests) cannot be read from disk.  ``workdir`` is accepted and ignored.
    # the private folder holding this kernel's connection file and sockets
    argv += ["--bind", private_dir, private_dir]
    # everything above is read-only; the learner writes only to a private, bounded scratch folder
    argv += ["--dir", SCRATCH, "--dir", WORKDIR, "--remount-ro", "/tmp",
             "--size", str(tmp_mb * 1024 * 1024), "--tmpfs", SCRATCH]
    if cache_file:
        argv += ["--ro-bind", cache_file, f"{SCRATCH}/manyhands/cache/validated.json"]
    argv += ["--remount-ro", "/", "--chdir", WORKDIR, "--clearenv"]
    env = {"PATH": f"{sys.prefix}/bin:/usr/bin:/bin", "HOME": SCRATCH, "TMPDIR": SCRATCH, "LANG": "C.UTF-8",
           "MANYHANDS_HOME": f"{SCRATCH}/manyhands", "PYTHONDONTWRITEBYTECODE": "1", "MPLCONFIGDIR": SCRATCH,
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "JUPYTER_PLATFORM_DIRS": "1"}
    for key, value in env.items():
        argv += ["--setenv", key, value]
    limits = [f"--memory-mb={memory_mb}", f"--cpu-seconds={cpu_seconds}", f"--nproc={nproc}"]
    # -I (isolated): neither the working folder nor PYTHON* variables nor the user's site-packages on
    # the import path, for the launcher and (see _limit_and_exec) for the kernel it becomes
    return argv + ["--", sys.executable, "-I", "-B", "-m", "manyhands.sandbox", *limits, "--", *kernel_argv]


class SandboxedKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernels run under bubblewrap (see the module docstring)."""

    memory_mb = Integer(2048, help="Address-space limit of a grading kernel, in MiB.").tag(config=True)
    cpu_seconds = Integer(600, help="CPU-time limit of a grading kernel, in seconds.").tag(config=True)
    tmp_mb = Integer(256, help="Size of the kernel's private /tmp, in MiB.").tag(config=True)

    @default("transport")
    def _default_transport(self):
        return "ipc"

    _cache_file: str | None = None
    _cache_ready = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._private_dir = None

    @classmethod
    def _validation_cache(cls) -> str | None:
        if not cls._cache_ready:
            cls._cache_file = validation_cache()
            cls._cache_ready = True
        return cls._cache_file

    async def _async_pre_start_kernel(self, **kw):
        if os.environ.get(UNSAFE_ENV) == "1":
            self.transport = "tcp"
            self.log.warning("%s=1: grading WITHOUT a sandbox", UNSAFE_ENV)
            return await super()._async_pre_start_kernel(**kw)
        if bwrap_path() is None:
            raise SandboxUnavailable(INSTALL_HINT)
        # a folder of its own for this kernel's connection file and ipc sockets
        self._private_dir = tempfile.mkdtemp(prefix="manyhands-kernel-")
        self.connection_file = os.path.join(self._private_dir, "kernel.json")
        self.ip = os.path.join(self._private_dir, "ipc")
        # interrupts go over the control channel: the kernel is in its own session and PID namespace
        self.kernel_spec.interrupt_mode = "message"
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        workdir = kw.get("cwd") or os.getcwd()
        cmd = bwrap_argv(cmd, workdir=workdir, private_dir=self._private_dir, memory_mb=self.memory_mb,
                         cpu_seconds=self.cpu_seconds, tmp_mb=self.tmp_mb,
                         cache_file=self._validation_cache())
        kw["env"] = {"PATH": os.environ.get("PATH", "")}
        kw["stdout"] = subprocess.DEVNULL  # ipykernel's start-up banner; errors still go to stderr
        return cmd, kw

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self._private_dir and not restart:
            shutil.rmtree(self._private_dir, ignore_errors=True)
            self._private_dir = None


def _limit_and_exec(argv: list[str]) -> None:
    """Inside the sandbox: set resource limits, then become the kernel (``python -m manyhands.sandbox``)."""
    import resource

    split = argv.index("--")
    limits = dict(opt.lstrip("-").split("=", 1) for opt in argv[:split])
    kernel_argv = argv[split + 1:]
    mem = int(limits["memory-mb"]) * 1024 * 1024
    cpu = int(limits["cpu-seconds"])
    nproc = int(limits["nproc"])
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if Path(kernel_argv[0]).name.startswith("python") and "-I" not in kernel_argv[1:3]:
        kernel_argv = [kernel_argv[0], "-I", "-B", *kernel_argv[1:]]  # the kernel, isolated too
    os.execv(kernel_argv[0], kernel_argv)


if __name__ == "__main__":
    _limit_and_exec(sys.argv[1:])
