"""What the portal asks of a person reaches their inbox, in a real browser: the curator proposes mentors,
the mentee sees the unread count rise, opens the item and lands on the choice screen, chooses; the mentor
finds the choice in their inbox; a parent who has signed nothing finds the consent waiting."""
import re

import pytest
from playwright.sync_api import Page, expect

from portal.services.notifications import TITLES
from tests.e2e.flows import log_in, path_is
from tests.e2e.test_pairing_flow import MENTEE_LOGIN, MENTOR_LOGIN, cast, curator_proposes, log_in_own, mentee_chooses

pytestmark = [pytest.mark.e2e, pytest.mark.quality("notifications")]

INBOX = re.compile(r"^Уведомления")


def unread(page: Page) -> int:
    """The count beside «Уведомления» in the header (no badge: nothing unread)."""
    badge = page.locator("#inbox-unread")
    return int(badge.inner_text().split(":")[-1]) if badge.count() else 0


def open_inbox(page: Page) -> None:
    page.get_by_role("link", name=INBOX).click()
    expect(page).to_have_url(path_is("/inbox/"))
    expect(page.get_by_role("heading", name="Уведомления", exact=True)).to_be_visible()


def test_a_proposal_and_a_choice_reach_the_inboxes_of_those_who_act_next(page, new_page):
    scene = cast()
    mentee = new_page()
    log_in_own(mentee, MENTEE_LOGIN, "/mentee/")
    before = unread(mentee)

    curator_proposes(page, scene)
    mentee.reload()
    assert unread(mentee) == before + 1
    open_inbox(mentee)
    mentee.get_by_role("link", name=TITLES["proposal.made"], exact=True).click()
    expect(mentee).to_have_url(path_is("/mentee/choice"))
    assert unread(mentee) == before
    mentee_chooses(mentee, scene, logged_in=True)

    mentor = new_page()
    log_in_own(mentor, MENTOR_LOGIN, "/mentor/")
    assert unread(mentor) >= 1
    open_inbox(mentor)
    item = mentor.locator(".inbox-item").filter(has=mentor.get_by_role("link", name=TITLES["choice.to_confirm"]))
    expect(item).to_have_count(1)
    expect(item).to_contain_text("новое")
    item.get_by_role("link", name=TITLES["choice.to_confirm"]).click()
    expect(mentor).to_have_url(path_is("/mentor/"))
    expect(mentor.locator("#waiting")).to_contain_text(scene.mentee.full_name)


def test_a_parent_who_signed_nothing_finds_the_consent_waiting(page):
    log_in(page, "parent2")
    assert unread(page) >= 1
    open_inbox(page)
    page.get_by_role("link", name=TITLES["consent.to_sign"]).first.click()
    expect(page).to_have_url(path_is("/consent/"))
