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

The checks never run in this kernel: ``manyhands.grading.checker`` runs them in a process of its own, started
with ``bwrap_argv`` too, which reaches the learner's names only as plain data.  What the sandbox does not protect
against is kernel exploits: bubblewrap is only as strong as the Linux namespaces it uses.

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

PACKAGE = Path(__file__).resolve().parent.parent  # the manyhands package (this file is in manyhands/grading/)
ROOT = PACKAGE.parent
DATASETS = Path(os.environ.get("MANYHANDS_DATA", ROOT / "datasets"))  # as manyhands.data finds it (a hub sets it)

# Files in /etc that Python, numpy and pandas read; the rest of /etc (shadow, ssh keys, ...) stays out.
ETC_FILES = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "passwd", "group",
             "nsswitch.conf", "mime.types", "ssl", "alternatives"]
SCRATCH = "/tmp/scratch"  # the learner's writable folder inside the sandbox (a private tmpfs)
WORKDIR = "/tmp/work"  # the kernel's working folder: empty and read-only
SHM = "/dev/shm"  # POSIX shared memory: a tmpfs of its own, bounded too
KERNEL_DIR = "/run/manyhands-kernel"  # the kernel's ipc sockets: a tiny tmpfs, reached from outside via /proc
CONNECTION_FILE = "/run/manyhands-connection.json"  # a read-only copy of the connection file
KERNEL_DIR_KB = 64  # sockets take no space: a file written there stops at this size
SANDBOX_UID = 65534  # when the grader runs as root, the learner's code runs as this uid (nobody)
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


def bwrap_argv(kernel_argv: list[str], *, workdir: str, private_dir: str | None = None, memory_mb: int = 2048,
               cpu_seconds: int = 600, tmp_mb: int = 256, shm_mb: int = 64, nproc: int = 64,
               cache_file: str | None = None, connection_fd: int | None = None, info_fd: int | None = None,
               as_root: bool | None = None, sandbox_uid: int = SANDBOX_UID) -> list[str]:
    """The full command that runs ``kernel_argv`` in the sandbox (pure: builds a list, runs nothing).

    ``connection_fd``: an open file whose content bubblewrap copies to CONNECTION_FILE (read-only);
    ``info_fd``: the write end of a pipe on which bubblewrap says the sandbox's pid (see
    ``SandboxedKernelManager``).  ``as_root`` (default: whether this process is root) makes the launcher
    run the kernel as ``sandbox_uid`` in a user namespace of its own: root is exempt from RLIMIT_NPROC,
    and bubblewrap run by root maps the sandbox's uid to root."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(INSTALL_HINT)
    if as_root is None:
        as_root = os.geteuid() == 0
    if as_root:
        # every namespace but the user one: the launcher drops to an unprivileged uid itself (it keeps
        # only CAP_SETUID/CAP_SETGID for that, and loses them with the switch) and then makes its own
        # user namespace, so that its process count is its own
        argv = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        argv = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if info_fd is not None:
        argv += ["--info-fd", str(info_fd)]
    # a private /dev holding only null, zero, full, random, urandom, tty and a pty folder, read-only,
    # with a bounded tmpfs of its own for POSIX shared memory
    argv += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(shm_mb * 1024 * 1024),
             "--tmpfs", SHM, "--remount-ro", "/dev", "--tmpfs", "/tmp"]
    # bubblewrap makes the folders above a mount point 0700, closed to an unprivileged kernel: make them first
    prefixes = [d for d in _existing([sys.prefix, sys.base_prefix, sys.exec_prefix]) if not d.startswith("/usr/")]
    made = set()
    for dest in ["/etc/x", "/run/x", *prefixes, str(PACKAGE), str(DATASETS)]:
        for parent in reversed(Path(dest).parents[:-1]):
            if str(parent) not in made:
                made.add(str(parent))
                argv += ["--perms", "0755", "--dir", str(parent)]
    for d in SYSTEM_DIRS:
        if os.path.islink(d):  # merged /usr: /bin -> usr/bin
            argv += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            argv += ["--ro-bind", d, d]
    for name in ETC_FILES:
        argv += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    # the Python that runs the kernel: the environment and the interpreter it was made from
    for d in prefixes:
        argv += ["--ro-bind", d, d]
    # the course package and its data, read-only (nothing else of the project: not instructor/, not .git)
    argv += ["--ro-bind", str(PACKAGE), str(PACKAGE), "--ro-bind", str(DATASETS), str(DATASETS)]
    # Nothing of the learner's folder is mounted: the kernel starts in an empty, read-only folder, so
    # no file a learner submits (an ``ipykernel_launcher.py``, a ``manyhands/`` package, a ``pandas.py``)
    # can be imported or run by the launcher, the kernel or the course package, and the notebook nbgrader
    # restored (with its hidden tests) cannot be read from disk.  ``workdir`` is accepted and ignored.
    # Nor is any folder of the host writable: the connection file is a read-only copy, and the kernel
    # binds its sockets in a tiny tmpfs that the grader reaches through /proc/<pid>/root.
    # ``private_dir`` is accepted and ignored.
    if connection_fd is not None:
        argv += ["--perms", "0444", "--ro-bind-data", str(connection_fd), CONNECTION_FILE]
    argv += ["--perms", "1777", "--size", str(KERNEL_DIR_KB * 1024), "--tmpfs", KERNEL_DIR]
    # everything above is read-only; the learner writes only to a private, bounded scratch folder
    argv += ["--dir", SCRATCH, "--dir", WORKDIR, "--remount-ro", "/tmp",
             "--perms", "1777", "--size", str(tmp_mb * 1024 * 1024), "--tmpfs", SCRATCH]
    if cache_file:
        argv += ["--perms", "1777", "--dir", f"{SCRATCH}/manyhands", "--perms", "1777", "--dir",
                 f"{SCRATCH}/manyhands/cache", "--ro-bind", cache_file, f"{SCRATCH}/manyhands/cache/validated.json"]
    argv += ["--remount-ro", "/", "--chdir", WORKDIR, "--clearenv"]
    env = {"PATH": f"{sys.prefix}/bin:/usr/bin:/bin", "HOME": SCRATCH, "TMPDIR": SCRATCH, "LANG": "C.UTF-8",
           "MANYHANDS_HOME": f"{SCRATCH}/manyhands", "PYTHONDONTWRITEBYTECODE": "1", "MPLCONFIGDIR": SCRATCH,
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "JUPYTER_PLATFORM_DIRS": "1",
           "MANYHANDS_DATA": str(DATASETS)}
    for key, value in env.items():
        argv += ["--setenv", key, value]
    limits = [f"--memory-mb={memory_mb}", f"--cpu-seconds={cpu_seconds}", f"--nproc={nproc}"]
    if as_root:
        limits.append(f"--uid={sandbox_uid}")
    # -I (isolated): neither the working folder nor PYTHON* variables nor the user's site-packages on
    # the import path, for the launcher and (see _limit_and_exec) for the kernel it becomes
    return argv + ["--", os.path.abspath(sys.executable), "-I", "-B", "-m", "manyhands.grading.sandbox", *limits, "--", *kernel_argv]


class SandboxedKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernels run under bubblewrap (see the module docstring)."""

    memory_mb = Integer(2048, help="Address-space limit of a grading kernel, in MiB.").tag(config=True)
    cpu_seconds = Integer(600, help="CPU-time limit of a grading kernel, in seconds.").tag(config=True)
    tmp_mb = Integer(256, help="Size of the kernel's private scratch folder, in MiB.").tag(config=True)
    shm_mb = Integer(64, help="Size of the kernel's private /dev/shm, in MiB.").tag(config=True)
    nproc = Integer(64, help="Most processes and threads a grading kernel may have at once.").tag(config=True)
    sandbox_uid = Integer(SANDBOX_UID, help="The uid learners' code runs as when the grader is root.").tag(config=True)

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
        # a folder of the grader's own for this kernel's connection file (kept on a restart); the kernel
        # gets a read-only copy and binds its ipc sockets in a tiny tmpfs inside the sandbox
        if self._private_dir is None:
            self._private_dir = tempfile.mkdtemp(prefix="manyhands-kernel-")
            self.connection_file = os.path.join(self._private_dir, "kernel.json")
        self.ip = f"{KERNEL_DIR}/ipc"  # as the kernel sees it (the connection file says this)
        # interrupts go over the control channel: the kernel is in its own session and PID namespace
        self.kernel_spec.interrupt_mode = "message"
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        host_file = os.path.realpath(self.connection_file)
        cmd = [CONNECTION_FILE if arg == host_file else arg.replace(host_file, CONNECTION_FILE) for arg in cmd]
        self._fds = [os.open(self.connection_file, os.O_RDONLY | os.O_CLOEXEC), *os.pipe()]
        connection_fd, self._info_read, info_write = self._fds
        workdir = kw.get("cwd") or os.getcwd()
        cmd = bwrap_argv(cmd, workdir=workdir, memory_mb=self.memory_mb, cpu_seconds=self.cpu_seconds,
                         tmp_mb=self.tmp_mb, shm_mb=self.shm_mb, nproc=self.nproc, sandbox_uid=self.sandbox_uid,
                         cache_file=self._validation_cache(), connection_fd=connection_fd, info_fd=info_write)
        kw["env"] = {"PATH": os.environ.get("PATH", "")}
        kw["stdout"] = subprocess.DEVNULL  # ipykernel's start-up banner; errors still go to stderr
        kw["pass_fds"] = (connection_fd, info_write)
        return cmd, kw

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if not getattr(self, "_fds", None):
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        connection_fd, info_read, info_write = self._fds
        self._fds = None
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            os.close(connection_fd)
            os.close(info_write)
        try:
            pid = await self._sandbox_pid(info_read)
        finally:
            os.close(info_read)
        # the grader reaches the kernel's sockets through the sandbox's own root
        self.ip = f"/proc/{pid}/root{KERNEL_DIR}/ipc"

    async def _sandbox_pid(self, info_read: int, wait: float = 30.0) -> int:
        """The sandbox's pid (bubblewrap's --info-fd), once its root is in place."""
        import asyncio
        import json
        import time

        os.set_blocking(info_read, False)
        data, deadline = b"", time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                chunk = os.read(info_read, 4096)
            except BlockingIOError:
                chunk = None
            if chunk == b"":
                break
            if chunk:
                data += chunk
                try:
                    pid = int(json.loads(data)["child-pid"])
                    break
                except (ValueError, KeyError):
                    pass
            await asyncio.sleep(0.02)
        try:
            pid = int(json.loads(data)["child-pid"])
        except (ValueError, KeyError) as exc:
            raise SandboxUnavailable(f"bubblewrap did not start the sandbox (it said {data!r})") from exc
        # /proc/<pid>/root is the host's root until bubblewrap has switched to the sandbox's
        while time.monotonic() < deadline:
            if os.path.isdir(f"/proc/{pid}/root{KERNEL_DIR}"):
                return pid
            if not os.path.exists(f"/proc/{pid}"):
                break
            await asyncio.sleep(0.02)
        raise SandboxUnavailable("bubblewrap did not set up the sandbox (see the kernel's error output)")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self._private_dir and not restart:
            shutil.rmtree(self._private_dir, ignore_errors=True)
            self._private_dir = None


# Seccomp: no new user namespace inside the sandbox, and no memory outside the bounded folders.  In a
# user namespace of its own any process may mount a tmpfs of unbounded size (host memory) or make its
# own /dev/shm, so unshare and clone with CLONE_NEWUSER are refused (EPERM), and so is setns; clone3,
# whose flags a filter cannot read, says ENOSYS, so the C library falls back to clone.  memfd_create and
# System V shmget make shared memory that no folder's size bounds (POSIX shared memory, in /dev/shm,
# still works): refused too.  Other ABIs (i386, x32) get ENOSYS for every call.
_SYSCALLS = {"x86_64": (0xC000003E, {"unshare": 272, "clone": 56, "clone3": 435, "setns": 308,
                                     "memfd_create": 319, "shmget": 29}),
             "aarch64": (0xC00000B7, {"unshare": 97, "clone": 220, "clone3": 435, "setns": 268,
                                      "memfd_create": 279, "shmget": 194})}
CLONE_NEWUSER = 0x10000000
REFUSED_CALLS = ["setns", "memfd_create", "shmget"]


def seccomp_program(machine: str) -> bytes:
    """The BPF program (struct sock_filter[]) of the filter above, for this machine's ABI."""
    import errno
    import struct

    arch, nr = _SYSCALLS[machine]
    allow, enosys, eperm = 0x7FFF0000, 0x00050000 | errno.ENOSYS, 0x00050000 | errno.EPERM
    LD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06  # BPF_LD|W|ABS, BPF_JMP|{JEQ,JGE,JSET}|K, BPF_RET|K
    # (code, jump-if-true label, jump-if-false label, k); a label is an instruction index to reach
    prog = [(LD, None, None, 4), (JEQ, "nr", "enosys", arch), ("nr", LD, None, None, 0),
            (JGE, "enosys", None, 0x40000000), (JEQ, "enosys", None, nr["clone3"]),
            (JEQ, "flags", None, nr["unshare"]), (JEQ, "flags", None, nr["clone"])]
    prog += [(JEQ, "eperm", None, nr[name]) for name in REFUSED_CALLS]
    prog += [(RET, None, None, allow), ("flags", LD, None, None, 16), (JSET, "eperm", "allow", CLONE_NEWUSER),
             ("allow", RET, None, None, allow), ("enosys", RET, None, None, enosys), ("eperm", RET, None, None, eperm)]
    labels = {ins[0]: i for i, ins in enumerate(prog) if isinstance(ins[0], str)}
    out = []
    for i, ins in enumerate(prog):
        code, jt, jf, k = ins[1:] if isinstance(ins[0], str) else ins
        jump = [0 if label is None else labels[label] - i - 1 for label in (jt, jf)]
        out.append(struct.pack("<HBBI", code, *jump, k))
    return b"".join(out)


def _deny_new_user_namespaces() -> None:
    import ctypes
    import platform

    prog = seccomp_program(platform.machine())
    libc = ctypes.CDLL(None, use_errno=True)

    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]

    buf = ctypes.create_string_buffer(prog, len(prog))
    fprog = Fprog(len(prog) // 8, ctypes.cast(buf, ctypes.c_char_p))
    PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
            libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "cannot install the sandbox's seccomp filter")


def _become(uid: int) -> None:
    """Run as ``uid`` (not root: RLIMIT_NPROC binds), in a user namespace of its own (the count is per
    sandbox, not shared by every kernel running as ``uid``)."""
    import ctypes

    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # drops every capability
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER) != 0:
        raise OSError(ctypes.get_errno(), "cannot make the sandbox's user namespace")


def _limit_and_exec(argv: list[str]) -> None:
    """Inside the sandbox: set resource limits, then become the kernel (``python -m manyhands.grading.sandbox``)."""
    import resource

    split = argv.index("--")
    limits = dict(opt.lstrip("-").split("=", 1) for opt in argv[:split])
    kernel_argv = argv[split + 1:]
    mem = int(limits["memory-mb"]) * 1024 * 1024
    cpu = int(limits["cpu-seconds"])
    nproc = int(limits["nproc"])
    if "uid" in limits:  # the grader is root: bubblewrap left CAP_SETUID/CAP_SETGID for this only
        _become(int(limits["uid"]))
    _deny_new_user_namespaces()
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
