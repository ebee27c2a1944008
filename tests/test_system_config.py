"""The instructor's commands and the tests behave the same on a machine whose /etc/jupyter holds a hub's
configuration (issue 26, item 8): nbgrader and every Jupyter command read /etc/jupyter, and a hub's usual settings
there (another course id and course root, another exchange, nbgrader's JupyterHubAuthPlugin, a server base URL) broke
the guide's instructor steps and `make formgrader`.

The test does not touch the machine's /etc/jupyter: it runs the guide's steps (tests/test_exchange.py, the tests
built on ``readme_steps``) in a private mount namespace where a folder of its own is mounted over /etc/jupyter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.nbgrader

HUB_NBGRADER_CONFIG = """\
# what a hub's /etc/jupyter/nbgrader_config.py commonly holds (nbgrader's "Using nbgrader with JupyterHub")
c = get_config()
c.CourseDirectory.course_id = "another_course"
c.CourseDirectory.root = "/nonexistent/course"
c.Exchange.root = "/nonexistent/exchange"
from nbgrader.auth import JupyterHubAuthPlugin
c.Authenticator.plugin_class = JupyterHubAuthPlugin
"""
HUB_SERVER_CONFIG = """\
c = get_config()
c.ServerApp.base_url = "/user/someone/"
"""


def test_the_guide_s_steps_pass_with_a_hub_configuration_in_etc_jupyter(tmp_path):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.fail("this test mounts a folder over /etc/jupyter in a private mount namespace: run it as root "
                    "(CI and `make test` do)")
    etc = tmp_path / "etc-jupyter"
    etc.mkdir()
    (etc / "nbgrader_config.py").write_text(HUB_NBGRADER_CONFIG)
    (etc / "jupyter_server_config.py").write_text(HUB_SERVER_CONFIG)
    inner = (f"mkdir -p /etc/jupyter && mount --bind {etc} /etc/jupyter && "
             f"{sys.executable} -m pytest -q -p no:cacheprovider {ROOT / 'tests' / 'test_exchange.py'} "
             "-k 'readme or formgrader or release_collect or ungraded'")
    proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", inner], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    tail = proc.stdout[-4000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, f"the guide's steps fail with a hub's /etc/jupyter:\n{tail}"
    assert " passed" in proc.stdout and "4 passed" in proc.stdout, tail
    assert not Path("/etc/jupyter/nbgrader_config.py").exists() or \
        Path("/etc/jupyter/nbgrader_config.py").read_text() != HUB_NBGRADER_CONFIG, "the mount leaked"
