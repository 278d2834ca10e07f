"""deploy/ kept true to the code: the nginx site's upload limit is the app's, its static root is the
project's static/, the units run commands the CLI has and the gunicorn config they name."""
import re
from pathlib import Path

import pytest

from portal.config import Config
from portal.services import uploads

pytestmark = pytest.mark.quality("security")

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
NGINX = (DEPLOY / "nginx" / "nastavnik.conf").read_text()


def test_nginx_lets_through_the_largest_upload_the_app_takes():
    size = int(re.search(r"client_max_body_size (\d+)m;", NGINX).group(1)) * 1024 * 1024
    assert uploads.MAX_BYTES < size <= uploads.MAX_BYTES + 1024 * 1024
    assert Config.MAX_CONTENT_LENGTH < size


def test_nginx_is_https_only_and_passes_the_forwarded_headers():
    assert "return 301 https://$host$request_uri;" in NGINX
    assert NGINX.count('add_header Strict-Transport-Security "max-age=31536000') == 2  # the site and static/
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header} " in NGINX


def test_nginx_serves_the_projects_static_files():
    alias = re.search(r"location /static/ \{\s*alias /srv/nastavnik/(\S+);", NGINX).group(1)
    assert alias == "static/" and (ROOT / alias / "css" / "portal.css").exists()


def test_the_units_run_commands_the_portal_has(app):
    commands = set(app.cli.list_commands(None))
    units = {path.name: path.read_text() for path in (DEPLOY / "systemd").glob("*.service")}
    assert set(units) == {"nastavnik.service", "nastavnik-backup.service", "nastavnik-destroy-due.service",
                          "nastavnik-mail.service"}
    used = {m for text in units.values() for m in re.findall(r"flask --app wsgi ([a-z-]+)", text)}
    assert used == {"db-upgrade", "backup", "destroy-due", "notify-overdue", "mail-worker"} and used <= commands
    assert "gunicorn -c gunicorn.conf.py wsgi:app" in units["nastavnik.service"]
    assert (ROOT / "gunicorn.conf.py").exists()
    for timer in ("nastavnik-backup.timer", "nastavnik-destroy-due.timer"):
        assert "OnCalendar=" in (DEPLOY / "systemd" / timer).read_text()


def test_env_example_names_every_mail_setting():
    """deploy/env.example shows how to turn mail on with the settings portal/config.py reads."""
    example = (DEPLOY / "env.example").read_text()
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_USER", "SMTP_PASSWORD", "MAIL_SENDER", "PORTAL_URL"):
        assert re.search(rf"^#? ?{name}=", example, re.M), name
        assert hasattr(Config, name)
