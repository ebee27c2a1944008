"""JupyterHub configuration for a trial class of Many Hands on one machine (see guide/hub.md; made ready by make hub).

Everything it needs lives under MANYHANDS_HUB_ROOT (default /srv/manyhands), as hub/setup.py made it: the runtime
every user can execute (env/), the learners' configuration (learner-config/), the course root (course/, the
instructor's only), the exchange (exchange/), the proxy (proxy/) and the hub's own state (state/, root only).

- JupyterHub listens on 127.0.0.1 only (MANYHANDS_HUB_IP to change it, behind TLS).
- Sign-in: the trial class's shared password (DummyAuthenticator, offline), for the users make hub made and no one
  else. For a real class use PAM (c.JupyterHub.authenticator_class = "pam") or the institution's authenticator.
- Each user's server runs as that Unix user (LocalProcessSpawner), from env/; learners get learner-config/ (nbgrader's
  instructor tools off), the instructor does not.
- The Formgrader is a hub service of its own, opened in its own browser tab at /services/formgrader/ (inside
  JupyterLab it is blank: every Jupyter server forbids framing, nbgrader issue 1870), and only the instructor may open
  it.
"""

import os
import pwd
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub provides it)

ROOT = Path(os.environ.get("MANYHANDS_HUB_ROOT", "/srv/manyhands"))
STATE = ROOT / "state"
ENV = ROOT / "env"
USERS = (STATE / "users").read_text().split()
INSTRUCTOR, LEARNERS = USERS[0], USERS[1:]
PORT = int(os.environ.get("MANYHANDS_HUB_PORT", "8000"))
FORMGRADER_PORT = int(os.environ.get("MANYHANDS_FORMGRADER_PORT", "9999"))

c.JupyterHub.ip = os.environ.get("MANYHANDS_HUB_IP", "127.0.0.1")
c.JupyterHub.port = PORT
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("MANYHANDS_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('MANYHANDS_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [str(ROOT / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops the learners' servers

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = (STATE / "password").read_text().strip()
c.Authenticator.allowed_users = set(USERS)
c.Authenticator.admin_users = {INSTRUCTOR}

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(ENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.http_timeout = 60
_PATH = f"{ENV / 'bin'}:/usr/local/bin:/usr/bin:/bin"
c.Spawner.environment = {
    "MANYHANDS_DATA": str(ROOT / "datasets"),  # the package is a copy without its data: the data is here
    "PATH": _PATH,
}
# JupyterLab's terminals as non-login shells: Debian's /etc/profile would reset PATH and hide nbgrader
c.Spawner.args = ['--ServerApp.terminado_settings={"shell_command": ["/bin/bash"]}']


def _per_user(spawner):
    """Learners get the course's learner configuration; the instructor keeps nbgrader's instructor tools."""
    if spawner.user.name != INSTRUCTOR:
        spawner.environment["JUPYTER_CONFIG_PATH"] = str(ROOT / "learner-config")
    else:
        spawner.environment["NBGRADER_COURSE_ROOT"] = str(ROOT / "course")
        spawner.environment["MANYHANDS_EXCHANGE"] = str(ROOT / "exchange")  # read by the course's nbgrader_config.py


c.Spawner.pre_spawn_hook = _per_user

# The Formgrader in its own tab, run as the instructor from the course root.
c.JupyterHub.services = [{
    "name": "formgrader",
    "url": f"http://127.0.0.1:{FORMGRADER_PORT}",
    "command": [str(ENV / "bin" / "jupyterhub-singleuser"), "--ServerApp.root_dir=.",
                f"--ServerApp.port={FORMGRADER_PORT}", "--ServerApp.default_url=/formgrader",
                f"--Exchange.root={ROOT / 'exchange'}"],
    "user": INSTRUCTOR,
    "cwd": str(ROOT / "course"),
    "environment": {"MANYHANDS_DATA": str(ROOT / "datasets"), "MANYHANDS_EXCHANGE": str(ROOT / "exchange"), "PATH": _PATH,
                    "HOME": pwd.getpwnam(INSTRUCTOR).pw_dir},
    "oauth_no_confirm": True,
}]
c.JupyterHub.load_roles = [
    {"name": "formgrader-users", "users": [INSTRUCTOR], "scopes": ["access:services!service=formgrader"]},
]

# A script's way in (the course's hub test, an instructor's own tools): MANYHANDS_HUB_API_TOKEN names an API token
# with the hub's admin role (start and stop servers, read users). Without it, no such token exists.
if os.environ.get("MANYHANDS_HUB_API_TOKEN"):
    c.JupyterHub.services.append({"name": "course-admin", "api_token": os.environ["MANYHANDS_HUB_API_TOKEN"]})
    c.JupyterHub.load_roles.append({"name": "admin", "services": ["course-admin"]})
