"""Configuration from the environment, with defaults that are safe for one school on SQLite."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance: Path) -> str:
    """A key kept in instance/ so sessions survive a restart without anyone configuring one."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    INSTANCE_PATH = Path(os.environ.get("PORTAL_INSTANCE", ROOT / "instance"))
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_PATH / 'portal.db'}")
    SECRET_KEY = None  # filled by create_app from _secret_key
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Staff who see children's data are logged out sooner (DECISIONS.md, sessions).
    STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_LIMIT = timedelta(hours=12)
    # The CSRF token lives as long as the session: a page left open for a lesson still posts.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = False
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    # Failed logins are counted in the database (services/throttle.py): «failures/seconds».
    LOGIN_LIMIT_PER_LOGIN = os.environ.get("LOGIN_LIMIT_PER_LOGIN", "5/60")
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "15/300")
    INVITATION_LIMIT_PER_IP = os.environ.get("INVITATION_LIMIT_PER_IP", "20/600")
    INVITATION_TTL = timedelta(days=14)
    PASSWORD_HASHER = "argon2"
    PDF_ENGINE = os.environ.get("PDF_ENGINE")
    PDF_MAX_CONCURRENT = int(os.environ.get("PDF_MAX_CONCURRENT", "2"))
    # Keep the dashboard's figures until the next audited change (services/dashboard.OverviewCache).
    DASHBOARD_CACHE = True
    # Keep the rendered public pages («Наши наставники», the honour board) until the next audited change
    # (services/public_pages.PageCache): a withdrawn consent is an audited change, so it is gone at once.
    PUBLIC_CACHE = True
    # Keep a mentor's pair page data (the journal) until the next audited change (services/kept.py).
    JOURNAL_CACHE = True
    # Who may put the embeddable public pages in a frame (CSP frame-ancestors): the school's own site, e.g.
    # "https://school62.ru". They carry no form or button, so framing them cannot trick anyone into a click.
    PUBLIC_EMBED_ANCESTORS = os.environ.get("PUBLIC_EMBED_ANCESTORS", "*")
    # The addresses of the reverse proxy (nginx) whose X-Forwarded-For/-Proto/-Host the portal believes;
    # anyone else's are dropped. gunicorn.conf.py sets 127.0.0.1 when nothing is given; `flask run` trusts none.
    TRUSTED_PROXIES = [ip.strip() for ip in os.environ.get("TRUSTED_PROXIES", "").split(",") if ip.strip()]
    # Set by gunicorn.conf.py in each worker: served for real (deploy/), by so many worker processes.
    PRODUCTION = "PORTAL_WORKERS" in os.environ
    WORKERS = int(os.environ.get("PORTAL_WORKERS", "1"))
    # Mail (DECISIONS.md, "Notifications and running for real"): without SMTP_HOST the portal mails nothing
    # and the inbox is the only channel. SMTP_SECURITY: starttls, ssl or none (a relay on the same host).
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "starttls")
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "")
    # The portal's address as people open it (https://nastavnik.school62.ru): mails link to it.
    PORTAL_URL = os.environ.get("PORTAL_URL", "").rstrip("/")
    TESTING = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    # A cheap hash keeps the suite fast; production always uses argon2id.
    PASSWORD_HASHER = "fast"
    # Fixtures write rows directly, without the audit events that renew the cache; its own tests turn it on.
    DASHBOARD_CACHE = False
    PUBLIC_CACHE = False
    JOURNAL_CACHE = False
    RATELIMIT_STORAGE_URI = "memory://"
    TRUSTED_PROXIES = []
    PRODUCTION = False
    WORKERS = 1
    SMTP_HOST = ""
    PORTAL_URL = "http://localhost"

