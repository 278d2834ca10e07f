"""The portal served by gunicorn with several worker processes on the test's database, and a browser
made of urllib: for what only shows across processes (a mentor's last place, the login limit), and
for the production config itself (tests/test_gunicorn_production.py)."""
import contextlib
import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.conftest import CSRF_RE

ROOT = Path(__file__).resolve().parents[1]
REQUEST_TIMEOUT = 20
START_TIMEOUT = 30


def _gunicorn() -> str:
    beside_python = Path(sys.executable).parent / "gunicorn"
    return str(beside_python if beside_python.exists() else ROOT / ".venv" / "bin" / "gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(database_url: str, tmp_path: Path, workers: int, threads: int = 4):
    """gunicorn serving tests/gunicorn_app.py; yields {"base", "log"}; killed whatever happens."""
    port = _free_port()
    env = dict(os.environ, GUNICORN_DATABASE_URL=database_url, GUNICORN_INSTANCE_PATH=str(tmp_path))
    with _running([_gunicorn(), "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
                   "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--graceful-timeout", "5",
                   "tests.gunicorn_app:app"], env, port, tmp_path / "gunicorn.log") as served:
        yield served


@contextlib.contextmanager
def serve_production(env: dict, tmp_path: Path):
    """gunicorn as a real school runs it: the project's gunicorn.conf.py and wsgi:app, configured by `env`
    alone (DATABASE_URL, SECRET_KEY, WEB_CONCURRENCY…) on a free port; yields {"base", "log"}."""
    port = _free_port()
    env = dict(os.environ, **env, BIND=f"127.0.0.1:{port}")
    with _running([_gunicorn(), "-c", "gunicorn.conf.py", "wsgi:app"], env, port,
                  tmp_path / "gunicorn.log") as served:
        yield served


@contextlib.contextmanager
def _running(argv: list[str], env: dict, port: int, log_path: Path):
    with open(log_path, "wb") as log:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, log_path.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start:\n" + log_path.read_text(errors="replace")
            try:
                with urllib.request.urlopen(base + "/login", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        yield {"base": base, "log": log_path}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


class Browser:
    """One person's browser: its own cookies, the CSRF token read from the last page, a timeout on everything."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = None

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=REQUEST_TIMEOUT) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        match = CSRF_RE.search(text)
        if match:
            self.token = match.group(1) or match.group(2)
        return status, text

    def post_login(self, login: str, password: str) -> tuple[int, str]:
        """The login form as a person fills it: the page first, for its CSRF token."""
        self.request("/login")
        return self.request("/login", {"login": login, "password": password, "csrf_token": self.token})
