"""The second factor in a real browser (SECURITY.md, «Accounts and sessions»): the demo coordinator opens
«Второй фактор» from the menu, scans nothing but reads the key printed under the QR code (as a person
typing it into an app by hand), turns the factor on with a computed code, keeps the recovery codes, logs
out, and logs in again with the password and then a fresh code; a recovery code works once."""
import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.flows import PASSWORD, follow_menu, log_in, log_out, on_a_phone, path_is, submit_login

pytestmark = [pytest.mark.e2e, pytest.mark.quality("security", "accessibility")]


def _next_code(totp: pyotp.TOTP, after: int | None) -> tuple[str, int]:
    """The code of the current time step, waiting for a new step if that one was used already."""
    step = totp.timecode(time.time())
    while after is not None and step <= after:
        time.sleep(1)
        step = totp.timecode(time.time())
    return totp.generate_otp(step), step


def test_the_coordinator_turns_on_the_second_factor_and_logs_in_with_a_code(page):
    page.set_viewport_size({"width": 360, "height": 740})  # a coordinator may well set it up on the phone
    log_in(page, "coordinator")
    follow_menu(page, "Второй фактор")
    expect(page).to_have_url(path_is("/account/second-factor"))
    expect(page.get_by_text("Не включён")).to_be_visible()
    page.get_by_role("link", name="Включить").click()
    expect(page).to_have_url(path_is("/account/second-factor/enable"))
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    on_a_phone(page, "second-factor-enable")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    phone = pyotp.TOTP(secret)

    page.get_by_label("Код из приложения-аутентификатора").fill("000000")
    page.get_by_label("Пароль от портала").fill(PASSWORD)
    page.get_by_role("button", name="Включить").click()
    expect(page.locator("#code-error")).to_have_text("Неверный код")

    code, used = _next_code(phone, None)
    page.get_by_label("Код из приложения-аутентификатора").fill(code)
    page.get_by_label("Пароль от портала").fill(PASSWORD)
    page.get_by_role("button", name="Включить").click()
    expect(page.get_by_role("heading", name="Второй фактор включён")).to_be_visible()
    recovery = page.locator("#recovery-codes code").all_inner_texts()
    assert len(recovery) == 10 and all(re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", c) for c in recovery)
    on_a_phone(page, "second-factor-recovery-codes")
    page.get_by_role("link", name="Я сохранила коды").click()  # the demo coordinator is Смирнова Елена Викторовна
    expect(page.locator("#codes-left")).to_have_text("10")

    log_out(page)
    submit_login(page, "coordinator")
    expect(page).to_have_url(path_is("/login/code"))
    expect(page.get_by_role("heading", name="Подтверждение входа")).to_be_visible()
    on_a_phone(page, "login-code")
    code, used = _next_code(phone, used)
    page.get_by_label("Код из приложения или резервный код").fill(code)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(path_is("/coordinator/"))

    # The phone is lost: a recovery code opens the door once.
    log_out(page)
    submit_login(page, "coordinator")
    page.get_by_label("Код из приложения или резервный код").fill(recovery[0])
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(path_is("/coordinator/"))
    page.goto("/account/second-factor")
    expect(page.locator("#codes-left")).to_have_text("9")
