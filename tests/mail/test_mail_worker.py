"""`flask mail-worker` against a real SMTP server (aiosmtpd on 127.0.0.1): what accumulates for a person goes
as one Russian mail, a relay that goes down mid-batch loses nothing, and nothing arrives twice.

Time is passed to the service as `now` instead of waiting: the batch at `now` sees what is due then."""
from datetime import timedelta

import pytest

from portal.models import AuditEvent, OutboxMail, Person
from portal.models.base import utcnow
from portal.services import mail, notifications
from portal.web import mail as web_mail
from tests.mail.conftest import PORTAL_URL, SENDER

pytestmark = pytest.mark.quality("mail")

THREE = ("consent.to_sign", "proposal.made", "meeting.to_confirm")


def batch(app, now=None):
    with web_mail.url_context(app):
        return mail.run_batch(mail.Settings.from_config(app.config), web_mail.links(), now=now or utcnow())


def text_and_html(message):
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


@pytest.fixture
def reader(mail_app, make_person):
    return make_person(kind="staff", sex="f", surname="Соколова", first_name="Мария", email="sokolova@example.org")


def test_three_state_changes_arrive_as_one_grouped_mail(mail_app, smtp, reader, make_person):
    other = make_person(surname="Кузнецов", first_name="Тимофей")
    for kind in THREE:
        # `details` may name someone else: it stays in the portal and never goes into a mail.
        notifications.notify([reader], kind, obj=other, details=f"{other.surname} {other.first_name}")
    assert OutboxMail.select().where(OutboxMail.person == reader.id).count() == 3

    result = batch(mail_app)

    assert (result.sent, result.failed) == (1, 0)
    [message] = smtp.messages
    assert smtp.received.envelopes[0].rcpt_tos == ["sokolova@example.org"]
    assert message["Subject"] == "Наставник: 3 новых уведомления"
    assert SENDER in message["From"] and message["To"] == "sokolova@example.org"
    assert message["List-Unsubscribe"].startswith(f"<{PORTAL_URL}/mail/unsubscribe/")
    text, page = text_and_html(message)
    for kind in THREE:
        assert notifications.TITLES[kind] in text
    assert f"{PORTAL_URL}/inbox/" in text and f'href="{PORTAL_URL}/inbox/"' in page
    assert f"{PORTAL_URL}/consent/" in text and f"{PORTAL_URL}/mentee/choice" in text
    assert "Не присылать уведомления на почту" in text and "Не присылать уведомления на почту" in page
    for part in (text, page, str(message["Subject"])):
        assert "Кузнецов" not in part and "Тимофей" not in part and "Соколова" not in part
    assert OutboxMail.select().where(OutboxMail.sent_at.is_null()).count() == 0
    # Nothing arrives twice: another batch now, and one after the grouping window, send nothing.
    assert batch(mail_app).sent == 0
    assert batch(mail_app, utcnow() + timedelta(minutes=30)).sent == 0
    assert len(smtp.messages) == 1


def test_one_notification_is_its_own_subject(mail_app, smtp, reader):
    notifications.notify([reader], "plan.to_agree")
    batch(mail_app)
    [message] = smtp.messages
    assert message["Subject"] == f"Наставник: {notifications.TITLES['plan.to_agree']}"


def test_the_relay_going_down_mid_batch_loses_nothing_and_sends_nothing_twice(mail_app, smtp, reader, make_person,
                                                                            monkeypatch):
    second = make_person(kind="staff", email="second@example.org")
    for kind in THREE:
        notifications.notify([reader, second], kind)
    composed = []
    real_compose = mail.compose

    def compose_then_fail(person, items, links, sender):
        composed.append(person.id)
        if len(composed) == 2:
            smtp.stop()  # the first mail went; the relay is gone before the second
        return real_compose(person, items, links, sender)

    monkeypatch.setattr(mail, "compose", compose_then_fail)
    now = utcnow()
    result = batch(mail_app, now)

    assert (result.sent, result.failed) == (1, 1)
    assert [e.rcpt_tos for e in smtp.received.envelopes] == [["sokolova@example.org"]]
    kept = list(OutboxMail.select().where(OutboxMail.person == second.id))
    assert len(kept) == 3
    for row in kept:
        assert row.sent_at is None and row.dropped_at is None
        assert row.attempts == 1 and row.next_attempt_at > now and row.last_error
    # Still down a minute later: the rows wait longer (backoff), nothing is lost.
    monkeypatch.setattr(mail, "compose", real_compose)
    later = kept[0].next_attempt_at
    assert batch(mail_app, later).failed == 1
    row = OutboxMail.get_by_id(kept[0].id)
    assert row.attempts == 2 and row.next_attempt_at - later == mail.backoff(2) == timedelta(minutes=2)
    # Before the backoff runs out the worker does not even try.
    smtp.start()
    assert batch(mail_app, later + timedelta(seconds=30)).sent == 0
    # The relay is back and the time has come: the three arrive, in one mail, once.
    result = batch(mail_app, row.next_attempt_at)
    assert (result.sent, result.failed) == (1, 0)
    assert [e.rcpt_tos for e in smtp.received.envelopes] == [["sokolova@example.org"], ["second@example.org"]]
    text, _ = text_and_html(smtp.messages[-1])
    assert all(notifications.TITLES[kind] in text for kind in THREE)
    assert batch(mail_app, row.next_attempt_at + timedelta(hours=2)).sent == 0
    assert len(smtp.messages) == 2
    assert OutboxMail.select().where(OutboxMail.sent_at.is_null()).count() == 0


def test_backoff_doubles_and_stops_at_an_hour():
    assert [mail.backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert mail.backoff(1000) == timedelta(hours=1)


def test_at_most_one_mail_every_ten_minutes_grouping_what_came_meanwhile(mail_app, smtp, reader):
    notifications.notify([reader], "consent.to_sign")
    start = utcnow()
    assert batch(mail_app, start).sent == 1
    notifications.notify([reader], "proposal.made")
    notifications.notify([reader], "plan.to_agree")
    assert batch(mail_app, start + timedelta(minutes=2)).sent == 0
    assert batch(mail_app, start + timedelta(minutes=9, seconds=59)).sent == 0
    assert batch(mail_app, start + timedelta(minutes=10, seconds=1)).sent == 1
    first, second = smtp.messages
    assert second["Subject"] == "Наставник: 2 новых уведомления"
    text, _ = text_and_html(second)
    assert notifications.TITLES["consent.to_sign"] not in text  # already mailed in the first
    assert notifications.TITLES["proposal.made"] in text and notifications.TITLES["plan.to_agree"] in text


def test_mail_off_or_no_address_sends_nothing_and_keeps_the_rows(mail_app, smtp, reader, make_person):
    gone = make_person(kind="staff", email="gone@example.org")
    notifications.notify([reader, gone], "consent.to_sign")
    Person.update(mail_off=True).where(Person.id == reader.id).execute()
    Person.update(email="").where(Person.id == gone.id).execute()
    result = batch(mail_app)
    assert (result.sent, result.dropped) == (0, 2)
    assert smtp.messages == []
    rows = list(OutboxMail.select())
    assert len(rows) == 2 and all(row.dropped_at is not None and row.sent_at is None for row in rows)
    # A person who turned mail off gets no outbox row at all from then on.
    notifications.notify([reader], "proposal.made")
    assert OutboxMail.select().count() == 2


def test_an_address_a_header_cannot_carry_waits_and_does_not_stop_the_batch(mail_app, smtp, reader, make_person):
    broken = make_person(kind="staff", email="a@example.org\nBcc: everyone@example.org")
    notifications.notify([broken, reader], "consent.to_sign")
    result = batch(mail_app)
    assert (result.sent, result.failed) == (1, 1)
    assert [e.rcpt_tos for e in smtp.received.envelopes] == [["sokolova@example.org"]]
    row = OutboxMail.get(OutboxMail.person == broken.id)
    assert row.sent_at is None and row.dropped_at is None and row.attempts == 1


def test_no_mail_without_smtp(app, make_person):
    person = make_person(kind="staff", email="someone@example.org")
    notifications.notify([person], "consent.to_sign")
    assert OutboxMail.select().count() == 0


def test_the_unsubscribe_link_of_a_mail_turns_mail_off(mail_app, smtp, reader, client):
    notifications.notify([reader], "consent.to_sign")
    batch(mail_app)
    path = smtp.messages[0]["List-Unsubscribe"].strip("<>").removeprefix(PORTAL_URL).removesuffix("/one-click")
    page = client.get(path)
    assert page.status_code == 200 and "Не присылать уведомления на почту" in page.get_data(as_text=True)
    assert "Соколова" not in page.get_data(as_text=True) and "sokolova" not in page.get_data(as_text=True)
    assert Person.get_by_id(reader.id).mail_off is False  # opening the link changes nothing
    assert client.post(path).status_code == 303
    assert Person.get_by_id(reader.id).mail_off is True
    event = AuditEvent.get(AuditEvent.action == "mail.off")
    assert event.object_id == reader.id and event.actor_id is None
    assert "больше не приходят" in client.get(path).get_data(as_text=True)
    notifications.notify([reader], "proposal.made")
    assert batch(mail_app, utcnow() + timedelta(hours=1)).sent == 0 and len(smtp.messages) == 1


def test_a_mail_programs_one_click_unsubscribes_without_a_session(mail_app, smtp, reader, client):
    notifications.notify([reader], "consent.to_sign")
    batch(mail_app)
    [message] = smtp.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = message["List-Unsubscribe"].strip("<>").removeprefix(PORTAL_URL)
    assert client.raw.get(path).status_code == 303  # a scanner's GET changes nothing
    assert client.raw.post(path, data={"other": "x"}).status_code == 303
    assert Person.get_by_id(reader.id).mail_off is False
    assert client.raw.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Person.get_by_id(reader.id).mail_off is True


def test_a_forged_or_foreign_token_is_404(mail_app, reader, client):
    token = mail.unsubscribe_token("another secret", reader.id)
    assert client.get(f"/mail/unsubscribe/{token}").status_code == 404
    assert client.get("/mail/unsubscribe/garbage").status_code == 404


def test_the_inbox_switch_shows_the_address_and_turns_mail_off_and_on(mail_app, client, make_account, login):
    account = make_account("mentor")
    Person.update(email="mentor@example.org").where(Person.id == account.person_id).execute()
    login(account.login)
    page = client.get("/inbox/").get_data(as_text=True)
    assert "Присылать уведомления на почту" in page and "mentor@example.org" in page
    assert client.post("/inbox/mail", {}).status_code == 303  # the box unticked
    assert Person.get_by_id(account.person_id).mail_off is True
    assert AuditEvent.get(AuditEvent.action == "mail.off").actor_id == account.person_id
    assert notifications.notify([account.person_id], "consent.to_sign") and OutboxMail.select().count() == 0
    assert client.post("/inbox/mail", {"mail": "y"}).status_code == 303
    assert Person.get_by_id(account.person_id).mail_off is False
    notifications.notify([account.person_id], "proposal.made")
    assert OutboxMail.select().count() == 1


def test_no_switch_without_an_address_or_without_smtp(app, client, make_account, login):
    account = make_account("mentor")
    login(account.login)
    assert "Присылать уведомления на почту" not in client.get("/inbox/").get_data(as_text=True)
    Person.update(email="mentor@example.org").where(Person.id == account.person_id).execute()
    assert "Присылать уведомления на почту" not in client.get("/inbox/").get_data(as_text=True)


def test_the_worker_command_sends_a_batch(mail_app, smtp, reader):
    notifications.notify([reader], "consent.to_sign")
    result = mail_app.test_cli_runner().invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "Отправлено писем: 1" in result.output
    assert len(smtp.messages) == 1


def test_the_worker_command_refuses_without_smtp(app):
    result = app.test_cli_runner().invoke(args=["mail-worker", "--once"])
    assert result.exit_code != 0
    assert "SMTP_HOST" in result.output
