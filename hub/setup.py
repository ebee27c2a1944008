"""Set up a trial class of the course on JupyterHub on one machine (``make hub``): local Unix users, a runtime every
user can execute, the course package and data without the instructor's files, the course root and the exchange with
owners and modes that keep learners out of what is not theirs.  Run as root.

    python hub/setup.py [--root /srv/manyhands] [--instructor mh-instructor] [--learners mh-ada mh-ben mh-cleo]

What it makes (every path under --root):
    env/            a virtual environment from Debian's /usr/bin/python3 (root's pyenv Python lives in root's 0700
                    home, where no other user can run it): the course's pinned runtime, JupyterHub, and the
                    ``manyhands`` package installed as a copy (not editable: an editable install would point
                    learners at this repository, which holds instructor/source/)
    datasets/       the course data, read-only for all (the package finds it through MANYHANDS_DATA)
    lessons/        the lessons, read-only for all; each learner gets a copy of their own in their home
    learner-config/ the learners' Jupyter configuration (course, exchange, nbgrader's instructor tools off), handed
                    to each learner's server by the hub (JUPYTER_CONFIG_PATH), never written into /etc/jupyter
    course/         the nbgrader course root (instructor/: config and sources with solutions and hidden tests), owned
                    by the instructor, mode 0700: no learner can list or read it, nor the gradebook later
    exchange/       nbgrader's exchange, owned by the instructor, mode 0755: learners read what is released and write
                    their submissions into inbound/ (mode 0733: they can write into it, not list it)
    proxy/          configurable-http-proxy from the npm registry
    state/          the hub's database and cookie secret, root only

It refuses to run where it would weaken permissions: a folder it would make that already exists with group or other
write, or owned by someone else; a user name that exists and was not made by this script.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MARK = "Many Hands trial class"  # the GECOS field of every user this script makes: the only users it will change
JUPYTERHUB = "jupyterhub==6.1.1"
PROXY = "configurable-http-proxy@5.3.0"
DEBIAN_PYTHON = "/usr/bin/python3"

# nbgrader's instructor tools, off for learners (the Validate button and the Assignment List stay), and the Jupyter
# news toast
LEARNER_LABCONFIG = """{
  "disabledExtensions": {
    "@jupyter/nbgrader:formgrader": true,
    "@jupyter/nbgrader:create-assignment": true,
    "@jupyter/nbgrader:course-list": true,
    "@jupyterlab/apputils-extension:announcements": true
  }
}
"""
LEARNER_SERVER_CONFIG = """{
  "ServerApp": {
    "jpserver_extensions": {
      "nbgrader.server_extensions.formgrader": false,
      "nbgrader.server_extensions.course_list": false
    }
  }
}
"""


class Refused(SystemExit):
    pass


def run(*cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def ours(name: str) -> bool:
    """Whether the Unix user ``name`` exists and was made by this script."""
    try:
        return pwd.getpwnam(name).pw_gecos == MARK
    except KeyError:
        return False


def check_user(name: str) -> None:
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return
    if entry.pw_gecos != MARK:
        raise Refused(f"make hub: refused: the user {name} exists and was not made for the course; "
                      "choose other names (LEARNERS=..., INSTRUCTOR=...)")


def check_folder(path: Path, owners: set[int]) -> None:
    """A folder that exists already must not be writable by group or others, and must belong to one of ``owners``."""
    if not path.exists():
        return
    st = path.stat()
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise Refused(f"make hub: refused: {path} is writable by group or others (mode {stat.filemode(st.st_mode)}); "
                      "the course will not use it as it is")
    if st.st_uid not in owners:
        raise Refused(f"make hub: refused: {path} belongs to uid {st.st_uid}, not to root or the course's instructor")


def make_user(name: str) -> pwd.struct_passwd:
    if not ours(name):
        run("useradd", "--create-home", "--shell", "/bin/bash", "--comment", MARK, name)
    entry = pwd.getpwnam(name)
    os.chmod(entry.pw_dir, 0o700)  # Debian makes homes 0755: another learner could read this one's answers
    return entry


def own(path: Path, user: pwd.struct_passwd) -> None:
    for p in [path, *path.rglob("*")]:
        os.lchown(p, user.pw_uid, user.pw_gid)


def build_env(env: Path) -> None:
    marker = env / ".manyhands-installed"
    if marker.exists() and marker.read_text() == _install_key():
        return
    if not (env / "bin" / "python").exists():
        run(DEBIAN_PYTHON, "-m", "venv", env)
    pip = [env / "bin" / "python", "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    run(*pip, "-r", REPO / "requirements.txt", JUPYTERHUB)
    # a copy of the package, not an editable install (which would point into this repository)
    run(*pip, "--no-deps", "--force-reinstall", REPO)
    marker.write_text(_install_key())


def _install_key() -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in [REPO / "requirements.txt", REPO / "pyproject.toml", *sorted((REPO / "manyhands").rglob("*.py"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def readonly_copy(src: Path, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for p in [dest, *dest.rglob("*")]:
        os.lchown(p, 0, 0)
        p.chmod(0o755 if p.is_dir() else 0o644)


def setup(root: Path, instructor: str, learners: list[str], port: int = 8000) -> dict:
    if os.geteuid() != 0:
        raise Refused("make hub: run it as root (it makes Unix users and starts their servers)")
    if not Path(DEBIAN_PYTHON).exists():
        raise Refused(f"make hub: {DEBIAN_PYTHON} is missing: install Debian's python3 and python3-venv")
    for name in [instructor, *learners]:
        check_user(name)
    teacher_uid = {pwd.getpwnam(instructor).pw_uid} if ours(instructor) else set()
    for sub in ("", "env", "datasets", "lessons", "learner-config", "proxy", "state"):
        check_folder(root / sub, {0})
    for sub in ("course", "exchange"):
        check_folder(root / sub, {0} | teacher_uid)

    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    teacher = make_user(instructor)
    people = {name: make_user(name) for name in learners}

    build_env(root / "env")
    readonly_copy(REPO / "datasets", root / "datasets")
    readonly_copy(REPO / "lessons", root / "lessons")

    config = root / "learner-config"
    config.mkdir(exist_ok=True)
    (config / "labconfig").mkdir(exist_ok=True)
    (config / "labconfig" / "page_config.json").write_text(LEARNER_LABCONFIG)
    (config / "jupyter_server_config.json").write_text(LEARNER_SERVER_CONFIG)
    (config / "nbgrader_config.py").write_text(
        "c = get_config()  # written by make hub: every learner's nbgrader settings\n"
        "c.CourseDirectory.course_id = 'manyhands'\n"
        f"c.Exchange.root = {str(root / 'exchange')!r}\n"
        "c.Authenticator.plugin_class = 'nbgrader.auth.NoAuthPlugin'  # the exchange's permissions decide\n")
    for p in [config, *config.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)

    course = root / "course"
    if not course.exists():
        shutil.copytree(REPO / "instructor", course, ignore=shutil.ignore_patterns(
            "gradebook.db", "submitted", "autograded", "feedback", "release", "__pycache__", "*.log"))
    exchange = root / "exchange"
    exchange.mkdir(exist_ok=True)
    for path, mode in ((course, 0o700), (exchange, 0o755)):
        own(path, teacher)
        path.chmod(mode)
    (course / "nbgrader_config.py").chmod(0o600)

    for entry in people.values():  # each learner's own copy of the lessons, in their own 0700 home
        mine = Path(entry.pw_dir) / "lessons"
        if not mine.exists():
            shutil.copytree(root / "lessons", mine)
            own(mine, entry)
            for p in [mine, *mine.rglob("*")]:
                p.chmod(0o700 if p.is_dir() else 0o600)

    proxy = root / "proxy"
    cli = proxy / "node_modules" / ".bin" / "configurable-http-proxy"
    if not cli.exists():
        run("npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", proxy, PROXY,
            stdout=subprocess.DEVNULL)
    state = root / "state"
    state.mkdir(exist_ok=True)
    state.chmod(0o700)
    password = state / "password"
    if not password.exists():  # the trial class's shared password (DummyAuthenticator); PAM: see guide/hub.md
        import secrets

        password.write_text(secrets.token_urlsafe(12))
        password.chmod(0o600)
    (state / "users").write_text(" ".join([instructor, *learners]))
    return {"root": str(root), "instructor": instructor, "learners": learners, "port": port}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path("/srv/manyhands"))
    parser.add_argument("--instructor", default="mh-instructor")
    parser.add_argument("--learners", nargs="*", default=["mh-ada", "mh-ben", "mh-cleo"])
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        setup(args.root, args.instructor, args.learners, args.port)
    except Refused as refusal:
        print(refusal.code, file=sys.stderr)
        return 2
    print(f"""The class is ready under {args.root}.
Start the hub:   MANYHANDS_HUB_ROOT={args.root} {args.root}/env/bin/jupyterhub -f {REPO}/hub/jupyterhub_config.py
It serves http://127.0.0.1:{args.port}/ (127.0.0.1 only). Sign in as {args.instructor} or as a learner
({', '.join(args.learners)}) with the class password in {args.root}/state/password (root only; hand it out).
Add learners: make hub LEARNERS="{' '.join(args.learners)} new-name" (users are made, nothing is lost).
Stop it: Ctrl-C in the hub's terminal (the learners' servers stop with it).""")
    return 0


if __name__ == "__main__":
    sys.exit(main())
