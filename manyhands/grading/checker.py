"""The checker: a clean Python process of its own that runs the course's test cells, never the learner's code.

``CheckerProcess`` (the grader's side) starts ``python -m manyhands.grading.checker`` in the same bubblewrap
sandbox as the learner's kernel, but as a separate process that never runs a line the learner wrote.  It runs the
release's setup cells (imports, ``data.load``), then each test cell.  The learner's names reach it only as plain
data (``manyhands.grading.wire``): values decoded by the checker's own code, and functions as ``Proxy`` objects
that send plain arguments to the grader, which has the learner's kernel call the function under a time limit
and sends back a plain result.  What the learner's code prints meanwhile never reaches the checker.

The protocol is one JSON object a line: the grader sends ``setup``/``run`` requests, the checker answers ``call``
requests of its proxies and ends each request with ``done`` (what the cell printed, and its error if any).
"""

from __future__ import annotations

import ast
import builtins
import io
import json
import os
import subprocess
import sys
import threading
import time
import traceback

from manyhands.grading import wire

MAX_PRINTED = 20_000  # characters a test cell may print (the course's checks print one line)


# ---------------------------------------------------------------- inside the checker process

class Proxy:
    """A learner's function, seen from the checker: calling it asks the learner's kernel to call the real one."""

    def __init__(self, name: str, channel):
        self.__name__ = self.__qualname__ = name
        self._channel = channel

    def __call__(self, *args, **kwargs):
        try:
            request = {"args": [wire.encode(a) for a in args], "kwargs": {k: wire.encode(v) for k, v in kwargs.items()}}
        except wire.WireError as exc:  # the course's own tests pass plain data: this is the grader's mistake
            raise RuntimeError(f"the check passed {self.__name__} an argument that cannot cross: {exc}") from None
        reply = self._channel.ask({"op": "call", "name": self.__name__, **request})
        if "value" in reply:
            try:
                return wire.decode(reply["value"])
            except wire.WireError as exc:
                raise LearnerAnswerError(f"`{self.__name__}` gave back something the grader cannot read: {exc}") from None
        if "unsendable" in reply:
            raise LearnerAnswerError(f"`{self.__name__}` gave back something the grader cannot read as an answer: "
                                     f"{reply['unsendable']}. Return a number, a text, a list or a table.")
        ename, evalue = str(reply.get("raised", "Exception")), str(reply.get("evalue", ""))[:2000]
        if ename == "TimeLimit":
            raise TimeLimitReached(f"`{self.__name__}` was still running at the time limit, so it was stopped")
        cls = wire.exception_class(ename)
        raise (cls(evalue) if cls is not None else LearnerRaised(f"{ename}: {evalue}"))

    def __repr__(self):
        return f"<function {self.__name__}>"


class LearnerAnswerError(AssertionError):
    """The learner's function gave back something that is not plain data."""

    def _render_traceback_(self):
        from manyhands.feedback import render_message

        return render_message(str(self))


class UnreadableAnswer:
    """Stands in the checker for a learner's value that cannot cross as plain data: every check of its type fails,
    and its name says why."""

    def __init__(self, reason: str):
        self._reason = reason

    def __repr__(self):
        return f"<an answer the grader cannot read: {self._reason}>"


class LearnerRaised(Exception):
    """The learner's function raised an exception of its own kind."""


class TimeLimitReached(BaseException):
    """Not an Exception: a check's ``except Exception`` must not turn a stopped function into a pass."""


class _Channel:
    def __init__(self, reader, writer):
        self._reader, self._writer, self._n = reader, writer, 0

    def send(self, obj) -> None:
        # ASCII on the wire: a learner's text may hold a lone surrogate, which UTF-8 cannot encode
        self._writer.write((json.dumps(obj, ensure_ascii=True) + "\n").encode("ascii"))
        self._writer.flush()

    def receive(self) -> dict:
        line = self._reader.readline()
        if not line:
            raise SystemExit(0)
        return json.loads(line)

    def ask(self, obj) -> dict:
        self._n += 1
        self.send({**obj, "id": self._n})
        while True:
            reply = self.receive()
            if reply.get("id") == self._n:
                return reply
            # a reply to a call that an earlier check gave up waiting for (its own time limit): skipped


def _error_of(exc: BaseException) -> dict:
    render = getattr(exc, "_render_traceback_", None)
    lines = None
    if callable(render):
        try:
            lines = [str(x) for x in render()]
        except Exception:
            lines = None
    if lines is None:
        lines = [line.rstrip("\n") for line in traceback.format_exception_only(type(exc), exc)]
    evalue = str(exc)
    return {"ename": type(exc).__name__, "evalue": evalue[:4000], "traceback": [x[:4000] for x in lines[:50]]}


def _run(code: str, namespace: dict) -> dict:
    """Run one cell's code in the checker's namespace: what it printed, and its error (if any)."""
    out = io.StringIO()
    old_out, old_err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = out  # a warning a check's pandas prints is not the learner's stderr
    error = None
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(code, "<check>", "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001 - every failure of a check is its outcome
        if isinstance(exc, SystemExit) and not isinstance(exc, TimeLimitReached):
            error = {"ename": "SystemExit", "evalue": "a check ended early", "traceback": ["SystemExit"]}
        else:
            error = _error_of(exc)
    finally:
        sys.stdout, sys.stderr = old_out, old_err
    printed = out.getvalue()
    if len(printed) > MAX_PRINTED:
        printed = printed[:MAX_PRINTED] + f"\n[grader: {len(printed) - MAX_PRINTED:,} characters cut]\n"
    return {"op": "done", "printed": printed, "error": error}


def serve_forever() -> None:
    # the protocol has the process's stdin and stdout to itself: anything else written to file descriptor 1
    # (a C library, a stray print) goes to stderr, which the grader keeps apart
    reader = os.fdopen(os.dup(0), "rb")
    writer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    channel = _Channel(reader, writer)
    namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
    setup_names: set[str] = set()
    snapshots: dict[str, dict] = {}
    while True:
        request = channel.receive()
        op = request.get("op")
        if op not in ("setup", "run"):
            continue  # a reply to a call that a check stopped waiting for (its own time limit): nothing to answer
        if op == "setup":
            reply = _run(request["code"], namespace)
            setup_names = {k for k in namespace if not k.startswith("__")}
            reply["names"] = sorted(setup_names)
        elif op == "run":
            if request.get("restore") in snapshots:  # the namespace as this cell's visible checks left it
                namespace.clear()
                namespace.update(snapshots.get(request["restore"], {}))
            for name, described in request.get("names", {}).items():
                if name in setup_names or hasattr(builtins, name):
                    continue  # the course's own names and Python's built-ins are never the learner's
                if "$function" in described:
                    namespace[name] = Proxy(name, channel)
                elif "$value" in described:
                    try:
                        namespace[name] = wire.decode(described["$value"])
                    except wire.WireError:
                        namespace.pop(name, None)
                        namespace.setdefault("__unsendable__", {})[name] = "it is not in the grader's format"
                elif "$unsendable" in described:
                    namespace[name] = UnreadableAnswer(str(described["$unsendable"])[:300])
                else:
                    namespace.pop(name, None)
            reply = _run(request["code"], namespace)
            if "save" in request:
                snapshots[request["save"]] = dict(namespace)
        else:
            reply = {"op": "done", "printed": "", "error": {"ename": "CheckerError", "evalue": f"unknown request {op!r}",
                                                            "traceback": []}}
        reply["id"] = request.get("id")
        channel.send(reply)


# ---------------------------------------------------------------- the grader's side

def names_used(code: str) -> list[str]:
    """The names a test cell may look up in the learner's notebook: every name it reads, every text that could be a
    name (``feedback.defined(globals(), "signed_count")``), and the names read by the package's checks it calls."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
            names.add(node.value)
    from manyhands import checks  # a one-line check cell, check("ex03", "q1"): the names its function reads

    for exercise, question in checks.calls_in(code):
        try:
            names.update(checks.names_read(exercise, question))
        except (ValueError, ImportError):
            pass  # no such check: the cell fails in the checker with that message
    return sorted(n for n in names if not n.startswith("__") and not hasattr(builtins, n))


class CheckerError(RuntimeError):
    """The checker process failed (not the learner's answer)."""


class CheckerProcess:
    """The checker, started in the sandbox; ``run(code, names, on_call)`` runs one cell of checks."""

    def __init__(self, argv: list[str], env: dict | None = None, log=None):
        self.log = log
        self._proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      env=env, start_new_session=True)
        self._stderr: list[bytes] = []
        threading.Thread(target=self._drain, daemon=True).start()
        self._n = 0
        self.setup_names: set[str] = set()

    def _drain(self):
        for line in self._proc.stderr:
            if sum(map(len, self._stderr)) < 100_000:
                self._stderr.append(line)

    def stderr(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")

    def _send(self, obj) -> None:
        try:
            self._proc.stdin.write((json.dumps(obj, ensure_ascii=True) + "\n").encode("ascii"))
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise CheckerError(f"the checker stopped ({self.stderr()[-500:]})") from exc

    def _receive(self, deadline: float) -> dict:
        import select

        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CheckerError("the checker did not answer in time")
            ready, _, _ = select.select([self._proc.stdout], [], [], left)
            if ready:
                line = self._proc.stdout.readline()
                if not line:
                    raise CheckerError(f"the checker stopped ({self.stderr()[-500:]})")
                return json.loads(line)

    def request(self, obj: dict, on_call, timeout: float) -> dict:
        """Send one request; answer the checker's calls with ``on_call(name, args, kwargs) -> reply`` until done.
        ``timeout`` bounds the checker's own time; time spent in the learner's kernel does not count."""
        self._n += 1
        rid = f"r{self._n}"  # never equal to a call's id (the checker numbers those)
        self._send({**obj, "id": rid})
        deadline = time.monotonic() + timeout
        while True:
            msg = self._receive(deadline)
            if msg.get("op") == "call":
                started = time.monotonic()
                reply = on_call(msg["name"], msg.get("args", []), msg.get("kwargs", {}))
                deadline += time.monotonic() - started
                self._send({**reply, "id": msg.get("id")})
            elif msg.get("op") == "done" and msg.get("id") == rid:
                return msg

    def setup(self, code: str, timeout: float = 120) -> dict:
        reply = self.request({"op": "setup", "code": code}, lambda *a: {"raised": "RuntimeError", "evalue": "no calls"},
                             timeout)
        self.setup_names = set(reply.get("names", []))
        return reply

    def close(self) -> None:
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


if __name__ == "__main__":
    serve_forever()
