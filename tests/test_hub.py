"""A class on JupyterHub, tested (issue 26): hub/setup.py (make hub) makes an instructor and three learners as Unix
users, the runtime, the course root and the exchange; the test brings JupyterHub up with hub/jupyterhub_config.py
(JupyterHub from PyPI, configurable-http-proxy from npm, LocalProcessSpawner) and runs a round trip through it:

- the learners' servers are started by the hub and run as the learners; their JupyterLab has no instructor tools;
- each learner fetches, answers (saving through their server's contents API, as JupyterLab saves), submits and
  fetches feedback through nbgrader's Assignment List API of their own server, behind the hub;
- the instructor releases, collects, autogrades (sandboxed, as a user who is not root), returns feedback and exports,
  as in a terminal of the hub;
- a learner cannot read the course root, the gradebook, the exchange's inbound or another learner's home, and a
  submission made under another learner's name is set aside before collect (manyhands.grading.inbound);
- the Formgrader answers as a hub service to the instructor, and refuses a learner.

Everything it makes (users, folders, processes) is removed at the end.  Root only (CI runs as root)."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

import harness
import test_browser as tb

ROOT = Path(__file__).resolve().parents[1]
HUB = Path("/srv/manyhands-test")
INSTRUCTOR = "mhtest-inst"
LEARNERS = {"mhtest-ada": "correct", "mhtest-ben": "partly right", "mhtest-cleo": "blank"}
EXPECTED = {"mhtest-ada": 8.0, "mhtest-ben": 4.0, "mhtest-cleo": 0.0}
A = N = "ex00"
TOKEN = "manyhands-hub-test-" + os.urandom(8).hex()

pytestmark = pytest.mark.nbgrader

_spec = importlib.util.spec_from_file_location("hub_setup", ROOT / "hub" / "setup.py")
hub_setup = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hub_setup)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env_for(user: str) -> dict:
    import pwd

    home = pwd.getpwnam(user).pw_dir
    env = {"HOME": home, "USER": user, "LOGNAME": user, "PATH": f"{HUB / 'env' / 'bin'}:/usr/bin:/bin",
           "MANYHANDS_DATA": str(HUB / "datasets"), "LANG": "C.UTF-8"}
    if user != INSTRUCTOR:
        env["JUPYTER_CONFIG_PATH"] = str(HUB / "learner-config")
    return env


def _user_argv(user: str, env: dict, *cmd: str) -> list[str]:
    """``cmd`` run as the Unix user, with only ``env`` (the environment the hub gives their server)."""
    return ["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()], *cmd]


def as_user(user: str, *cmd: str, cwd: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run a command as the Unix user, with the environment the hub gives their server (as in a hub terminal)."""
    env = _env_for(user)
    proc = subprocess.run(_user_argv(user, env, *cmd), cwd=cwd or env["HOME"], capture_output=True, text=True,
                          timeout=600)
    if check and proc.returncode != 0:
        logs = sorted(HUB.glob("course/autograded/*/.*.nbgrader.log"))
        extra = "".join(f"\n--- {log}:\n{log.read_text()[-2500:]}" for log in logs[:1])
        raise AssertionError(f"{user}: {' '.join(cmd)} failed:\n{proc.stdout[-1500:]}\n{proc.stderr[-2500:]}{extra}")
    return proc


def _remove_everything() -> None:
    for user in [INSTRUCTOR, *LEARNERS]:
        subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True)
    time.sleep(0.5)
    for user in [INSTRUCTOR, *LEARNERS]:
        if hub_setup.ours(user):
            subprocess.run(["userdel", "--remove", user], capture_output=True)
    shutil.rmtree(HUB / "course", ignore_errors=True)
    shutil.rmtree(HUB / "exchange", ignore_errors=True)
    shutil.rmtree(HUB / "state", ignore_errors=True)
    for leftover in ("lessons", "learner-config"):
        shutil.rmtree(HUB / leftover, ignore_errors=True)
    # env/, datasets/ and proxy/ are kept between runs on one machine (rebuilt when the requirements change)


class Api:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def __call__(self, method: str, path: str, data=None, token: str | None = None, form: dict | None = None):
        body = json.dumps(data).encode() if data is not None else (b"" if method in ("POST", "PUT") else None)
        url = self.base + path
        if form:
            url += "?" + "&".join(f"{k}={v}" for k, v in form.items())
        req = urllib.request.Request(url, data=body, method=method,
                                     headers={"Authorization": f"token {token or self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as resp:
            text = resp.read().decode()
            return resp.status, (json.loads(text) if text.strip().startswith(("{", "[")) else text)


@pytest.fixture(scope="module")
def hub():
    if os.geteuid() != 0:
        pytest.fail("the hub test makes Unix users and runs servers as them: run it as root (CI and make test do)")
    for tool in ("npm", "runuser", "useradd", "bwrap"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is missing: make test installs the system packages the hub test needs")
    _remove_everything()
    timings = {}
    started = time.perf_counter()
    hub_setup.setup(HUB, INSTRUCTOR, list(LEARNERS))
    timings["setup"] = time.perf_counter() - started
    ports = {"MANYHANDS_HUB_PORT": _port(), "MANYHANDS_HUB_API_PORT": _port(), "MANYHANDS_PROXY_API_PORT": _port(),
             "MANYHANDS_FORMGRADER_PORT": _port()}
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MANYHANDS"))},
           **{k: str(v) for k, v in ports.items()}, "MANYHANDS_HUB_ROOT": str(HUB), "MANYHANDS_HUB_API_TOKEN": TOKEN}
    log = open(HUB / "state" / "hub.log", "w")
    started = time.perf_counter()
    proc = subprocess.Popen([str(HUB / "env" / "bin" / "jupyterhub"), "-f", str(ROOT / "hub" / "jupyterhub_config.py")],
                            cwd=HUB / "state", env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{ports['MANYHANDS_HUB_PORT']}"
    api = Api(base, TOKEN)
    try:
        deadline = time.time() + 90
        while True:
            try:
                api("GET", "/hub/api/users")
                break
            except (OSError, urllib.error.HTTPError):
                if time.time() > deadline or proc.poll() is not None:
                    raise AssertionError("the hub did not start:\n" + (HUB / "state" / "hub.log").read_text()[-4000:])
                time.sleep(0.5)
        timings["hub up"] = time.perf_counter() - started
        yield {"api": api, "base": base, "timings": timings, "proc": proc}
    finally:
        tb.stop_server(proc, timeout=40)  # the hub stops every user's server first
        print("hub timings (s):", {k: round(v, 1) for k, v in timings.items()})
        print((HUB / "state" / "hub.log").read_text()[-3000:] if (HUB / "state" / "hub.log").exists() else "")
        _remove_everything()


def _start_server(api: Api, user: str) -> str:
    api("POST", f"/hub/api/users/{user}/server")
    deadline = time.time() + 90
    while time.time() < deadline:
        _, info = api("GET", f"/hub/api/users/{user}")
        server = info.get("servers", {}).get("")
        if server and server.get("ready"):
            _, token = api("POST", f"/hub/api/users/{user}/tokens", {"note": "hub test", "expires_in": 3600})
            return token["token"]
        time.sleep(0.5)
    raise AssertionError(f"{user}'s server did not start")


@pytest.fixture(scope="module")
def round_trip(hub):
    api, timings = hub["api"], hub["timings"]
    course, exchange = str(HUB / "course"), str(HUB / "exchange")
    x = f"--Exchange.root={exchange}"
    started = time.perf_counter()
    as_user(INSTRUCTOR, "nbgrader", "generate_assignment", A, "--force", cwd=course)
    as_user(INSTRUCTOR, "nbgrader", "release_assignment", A, "--force", x, cwd=course)
    tokens = {}
    for user in [*LEARNERS, INSTRUCTOR]:
        t0 = time.perf_counter()
        tokens[user] = _start_server(api, user)
        timings[f"server {user}"] = time.perf_counter() - t0
    source = harness.Course.source_nb_of(A, N)
    wrong = harness.load_wrong_answers()[A][N]
    query = {"course_id": "manyhands", "assignment_id": A}
    validated = {}
    for user, kind in LEARNERS.items():
        me = f"/user/{user}"
        api("POST", f"{me}/assignments/fetch", token=tokens[user], form=query)
        _, model = api("GET", f"{me}/api/contents/{A}/{N}.ipynb", token=tokens[user])
        fetched = nbformat.from_dict(model["content"])
        if kind == "correct":
            answered = harness.solved(fetched, source)
        elif kind == "partly right":
            answered = harness.with_answers(harness.solved(fetched, source), {
                "q2_answer": wrong["q2_answer"]["wrong"][0]["code"], "q4_answer": wrong["q4_answer"]["wrong"][0]["code"]})
        else:
            answered = fetched
        api("PUT", f"{me}/api/contents/{A}/{N}.ipynb", {"type": "notebook", "format": "json", "content": answered},
            token=tokens[user])
        # the Validate button: nbgrader's validate handler of the learner's own server, on the saved notebook
        _, validated[user] = api("POST", f"{me}/assignments/validate", token=tokens[user],
                                 form={"path": f"{A}/{N}.ipynb"})
        _, listing = api("POST", f"{me}/assignments/submit", token=tokens[user], form=query)
        assert listing.get("success") and any(a.get("status") == "submitted" for a in listing["value"]), \
            f"{user}'s submit failed: {listing}"
    # ada, whose answers are right, also submits them under ben's name, later than ben did
    time.sleep(1.1)
    forged = as_user("mhtest-ada", "nbgrader", "submit", A, "--student=mhtest-ben", check=False)
    # and keeps doing so in a loop while the instructor collects: a check of inbound followed by a collect from
    # inbound would let a forgery written in between through; the course collects from a verified private copy
    env = _env_for("mhtest-ada")
    loop = subprocess.Popen(_user_argv("mhtest-ada", env, "sh", "-c",
                                       f"while true; do nbgrader submit {A} --student=mhtest-ben; done"),
                            cwd=env["HOME"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(3)
        set_aside = as_user(INSTRUCTOR, "python", "-m", "manyhands.grading.inbound", A, f"--exchange={exchange}",
                            check=False, cwd=course)
        time.sleep(2)
    finally:
        os.killpg(loop.pid, signal.SIGKILL)
        loop.wait()
    import pwd

    ada = pwd.getpwnam("mhtest-ada").pw_uid
    late = [p for p in (HUB / "exchange" / "manyhands" / "inbound").iterdir()
            if p.name.startswith(f"mhtest-ben+{A}+") and p.stat().st_uid == ada]  # written after the check
    graded = as_user(INSTRUCTOR, "python", "-m", "manyhands.grading", "autograde", A, "--course", course, "--jobs", "2",
                     cwd=course)
    as_user(INSTRUCTOR, "nbgrader", "generate_feedback", A, "--force", cwd=course)
    as_user(INSTRUCTOR, "nbgrader", "release_feedback", A, x, cwd=course)
    for user in LEARNERS:
        api("POST", f"/user/{user}/assignments/fetch_feedback", token=tokens[user], form=query)
    as_user(INSTRUCTOR, "nbgrader", "export", "--to", "grades.csv", cwd=course)
    timings["round trip"] = time.perf_counter() - started
    return {"tokens": tokens, "forged": forged, "set_aside": set_aside, "graded": graded, "validated": validated,
            "late forgeries": len(late)}


def test_servers_run_as_their_users_from_the_shared_runtime(hub, round_trip):
    for user in [*LEARNERS, INSTRUCTOR]:
        _, info = hub["api"]("GET", f"/hub/api/users/{user}")
        pid = info["servers"][""]["state"]["pid"]
        status = Path(f"/proc/{pid}/status").read_text()
        uid = int(next(ln for ln in status.splitlines() if ln.startswith("Uid:")).split()[1])
        import pwd

        assert uid == pwd.getpwnam(user).pw_uid, f"{user}'s server runs as uid {uid}"
        assert Path(f"/proc/{pid}/exe").resolve().is_relative_to(Path("/usr")), "not Debian's Python"


def test_every_learner_is_graded_and_the_forged_submission_is_not_collected(round_trip):
    assert round_trip["forged"].returncode == 0, "nbgrader let ada write a submission under ben's name"
    assert round_trip["set_aside"].returncode == 1 and "claims mhtest-ben, but the folder belongs to mhtest-ada" in \
        round_trip["set_aside"].stderr, round_trip["set_aside"].stderr
    with open(HUB / "course" / "grades.csv") as f:
        rows = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(f) if r["assignment"] == A}
    assert round_trip["set_aside"].stderr.count("claims mhtest-ben") >= 2, "the forging loop was not running"
    assert round_trip["late forgeries"] >= 1, "no forgery landed after the check: the race was not tried"
    assert rows == EXPECTED  # ben keeps his own 4.0, not the 8.0 of the answers submitted in his name


def test_validate_on_the_hub_passes_the_right_answers_and_shows_the_blank_one_line_checks(round_trip):
    """Validate through each learner's server: the right answers pass; the blank release fails, and what it shows of
    a failed check is its one line and the message, never the check's key or hints (issue 24, item 11b)."""
    import re

    results = round_trip["validated"]
    assert all(r.get("success") for r in results.values()), results
    right = results["mhtest-ada"]["value"]
    assert not (right.get("failed") or right.get("changed") or right.get("passed_with_errors")), right
    failed = results["mhtest-cleo"]["value"].get("failed") or []
    shown = json.dumps(failed)
    assert any(f.get("source", "").strip().endswith('check("ex00", "q1")') and "Not yet" in f.get("error", "")
               for f in failed), shown[:2000]
    assert not re.search(r"[0-9a-f]{64}", shown) and "hint=" not in shown, shown[:2000]


def test_every_learner_receives_their_own_feedback_without_hidden_tests(round_trip):
    import pwd

    for user in LEARNERS:
        pages = list((Path(pwd.getpwnam(user).pw_dir) / A / "feedback").rglob(f"{N}.html"))
        assert len(pages) == 1, f"{user}: {len(pages)} feedback pages"
        page = pages[0].read_text(encoding="utf-8")
        assert f"Score: {EXPECTED[user]:.1f} / 12.0" in page
        assert not harness.hidden_leaks(page, harness.Course.source_nb_of(A, N))
        assert pages[0].stat().st_uid == pwd.getpwnam(user).pw_uid


@pytest.mark.parametrize("what", ["course root", "source with solutions", "gradebook", "inbound", "another's home",
                                  "another's answers"])
def test_a_learner_cannot_read_what_is_not_theirs(round_trip, what):
    target = {"course root": ["ls", str(HUB / "course")],
              "source with solutions": ["cat", str(HUB / "course" / "source" / A / f"{N}.ipynb")],
              "gradebook": ["cat", str(HUB / "course" / "gradebook.db")],
              "inbound": ["ls", str(HUB / "exchange" / "manyhands" / "inbound")],
              "another's home": ["ls", "/home/mhtest-ben"],
              "another's answers": ["cat", f"/home/mhtest-ben/{A}/{N}.ipynb"]}[what]
    if what in ("source with solutions", "gradebook"):  # they exist: the refusal is the permissions', not a typo's
        assert Path(target[1]).exists()
    proc = as_user("mhtest-ada", *target, check=False)
    assert proc.returncode != 0 and "Permission denied" in proc.stderr, f"ada could read the {what}: {proc.stdout[:200]}"


def test_learners_have_no_instructor_tools_and_the_instructor_has_the_formgrader(hub, round_trip):
    api, tokens = hub["api"], round_trip["tokens"]
    for path in ("formgrader", "formgraders"):  # nbgrader's instructor server extensions are off for a learner
        with pytest.raises(urllib.error.HTTPError) as refused:
            api("GET", f"/user/mhtest-ada/{path}", token=tokens["mhtest-ada"])
        assert refused.value.code == 404, path
    for user, hidden in (("mhtest-ada", True), (INSTRUCTOR, False)):
        _, page = api("GET", f"/user/{user}/lab", token=tokens[user])
        config = json.loads(page.split('id="jupyter-config-data" type="application/json">', 1)[1].split("</script>", 1)[0])
        disabled = config.get("disabledExtensions", [])
        disabled = list(disabled) if not isinstance(disabled, dict) else [k for k, v in disabled.items() if v]
        assert ("@jupyter/nbgrader:formgrader" in disabled) == hidden, (user, disabled)
    status, page = api("GET", "/services/formgrader/formgrader", token=tokens[INSTRUCTOR])
    assert status == 200 and "nbgrader formgrade" in page, "the Formgrader service does not open for the instructor"
    _, assignments = api("GET", "/services/formgrader/formgrader/api/assignments", token=tokens[INSTRUCTOR])
    graded = {a["name"]: a["num_submissions"] for a in assignments}
    assert graded[A] == len(LEARNERS) and set(graded) == {p.name for p in (ROOT / "instructor" / "source").iterdir()
                                                         if p.name.startswith("ex")}, graded
    with pytest.raises(urllib.error.HTTPError) as refused:
        api("GET", "/services/formgrader/formgrader", token=tokens["mhtest-ada"])
    assert refused.value.code in (403, 404)


def test_make_hub_refuses_to_weaken_permissions(tmp_path):
    loose = tmp_path / "loose"
    loose.mkdir()
    loose.chmod(0o777)
    with pytest.raises(hub_setup.Refused, match="writable by group or others"):
        hub_setup.setup(loose, "mhtest-nobody", ["mhtest-nobody2"])
    with pytest.raises(hub_setup.Refused, match="was not made for the course"):
        hub_setup.setup(tmp_path / "fresh", "nobody", [])
    assert not hub_setup.ours("mhtest-nobody") and not (tmp_path / "fresh").exists()


def test_in_chromium_the_learner_s_assignment_list_and_the_instructor_s_formgrader_tab(hub, round_trip, output_dir):
    """A learner signs in with the class password and opens Nbgrader > Assignment List: ex00 stands among the
    submitted assignments. The instructor signs in and opens the Formgrader in a tab of its own, through the hub."""
    from playwright.sync_api import sync_playwright

    password = (HUB / "state" / "password").read_text().strip()
    shots = output_dir / "hub"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = tb.launch_chromium(p)
        for user in ("mhtest-ada", INSTRUCTOR):
            context = browser.new_context(viewport={"width": 1280, "height": 850})
            page = context.new_page()
            page.goto(hub["base"] + "/hub/login")
            page.fill("#username_input", user)
            page.fill("#password_input", password)
            page.click("#login_submit")
            page.wait_for_selector(".jp-LabShell", timeout=90_000)
            if user != INSTRUCTOR:
                page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
                labels = page.locator(".lm-Menu-itemLabel").all_inner_texts()
                assert "Formgrader" not in labels and "Create Assignment" not in labels, labels
                page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
                submitted = page.locator("#submitted_assignments_list")
                submitted.get_by_text(A, exact=True).first.wait_for(timeout=30_000)
                page.screenshot(path=str(shots / "learner_assignment_list.png"))
            else:
                tab = context.new_page()
                tab.goto(hub["base"] + "/services/formgrader/formgrader")
                row = tab.locator("tr", has_text=A).first
                row.wait_for(timeout=30_000)
                assert "released" in row.inner_text()
                tab.screenshot(path=str(shots / "instructor_formgrader.png"))
                _hand_grade_in_the_formgrader(hub, round_trip, tab, shots)
            context.close()
        browser.close()


def _hand_grade_in_the_formgrader(hub, round_trip, tab, shots) -> None:
    """The instructor marks ada's written answer (question 5, 4 points) on the Formgrader's grading page, as a
    person would: type 3 into its score box and leave it. The mark reaches the gradebook, and the export gives ada
    her 8 autograded points plus the 3."""
    api, token = hub["api"], round_trip["tokens"][INSTRUCTOR]
    formgrader = "/services/formgrader/formgrader"
    _, notebooks = api("GET", f"{formgrader}/api/submitted_notebooks/{A}/{N}", token=token)
    ada = next(nb for nb in notebooks if nb["student"] == "mhtest-ada")
    tab.goto(hub["base"] + f"{formgrader}/submissions/{ada['id']}/")
    score = tab.locator("input.score#q5_answer")
    score.wait_for(timeout=30_000)
    score.scroll_into_view_if_needed()
    score.fill("3")
    score.press("Tab")  # the Formgrader saves a score when its box loses focus

    def manual_score():
        _, grades = api("GET", f"{formgrader}/api/grades", token=token, form={"submission_id": ada["id"]})
        return next(g["manual_score"] for g in grades if g["name"] == "q5_answer")

    deadline = time.time() + 30
    while manual_score() != 3 and time.time() < deadline:
        time.sleep(0.5)
    assert manual_score() == 3, "the mark typed in the Formgrader did not reach the gradebook"
    tab.screenshot(path=str(shots / "instructor_hand_grading.png"))
    as_user(INSTRUCTOR, "nbgrader", "export", "--to", "grades_hand.csv", cwd=str(HUB / "course"))
    with open(HUB / "course" / "grades_hand.csv") as f:
        rows = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(f) if r["assignment"] == A}
    assert rows == {**EXPECTED, "mhtest-ada": EXPECTED["mhtest-ada"] + 3}, rows
