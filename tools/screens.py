#!/usr/bin/env python3
"""The README's phone screenshots (docs/screens/), taken anew from the demo school: `make screens`.

Serves a fresh demo database in a thread, as the browser tests do, and photographs at 375 px what
parents and pupils see first: the parent's home with a consent waiting, the consent signing form, and
the mentee's choice of mentor. Run it after a change to those pages and commit the pictures.
"""
import re
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app, demo  # noqa: E402
from portal.config import Config  # noqa: E402
from portal.db import db  # noqa: E402
from portal.schema import upgrade  # noqa: E402

OUT = ROOT / "docs" / "screens"
PHONE = {"width": 375, "height": 812}
CHROMIUM = "/usr/bin/chromium"
ACKNOWLEDGE = re.compile(r"^С Положением о наставничестве ознакомлена?$")


def serve(instance: Path) -> str:
    class Demo(Config):
        DATABASE_URL = f"sqlite:///{instance / 'portal.db'}"
        INSTANCE_PATH = instance
        SESSION_COOKIE_SECURE = False

    app = create_app(Demo)
    with db.connection_context():
        upgrade()
        demo.load()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def log_in(page, login: str) -> None:
    page.goto("/login")
    page.get_by_label("Логин", exact=True).fill(login)
    page.get_by_label("Пароль", exact=True).fill(demo.PASSWORD)
    page.get_by_role("button", name="Войти", exact=True).click()
    page.wait_for_load_state("load")
    if page.url.endswith("/regulation/acknowledge"):  # the first login only
        page.get_by_role("button", name=ACKNOWLEDGE).click()
        page.wait_for_load_state("load")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as instance, sync_playwright() as playwright:
        base = serve(Path(instance))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])

        def photograph(login, name, steps):
            context = browser.new_context(base_url=base, viewport=PHONE, locale="ru-RU",
                                          timezone_id="Europe/Moscow", device_scale_factor=1)
            page = context.new_page()
            log_in(page, login)
            steps(page)
            page.wait_for_load_state("load")
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            print(OUT / f"{name}.png")
            context.close()

        photograph("parent", "parent-home", lambda page: page.goto("/parent/"))
        photograph("parent", "consent-signing",
                   lambda page: page.get_by_role("link", name="Подписать согласие").first.click())
        photograph("mentee", "mentor-choice", lambda page: page.goto("/mentee/choice"))
        browser.close()


if __name__ == "__main__":
    main()
