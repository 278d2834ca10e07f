"""The parent as representative in a real browser on a 360 px phone (s8; services/representation.py): the demo
`parent` sees that her son Пётр (14 or older) chooses his mentor himself — no button; for a younger child of hers
(under 14, cast from the demo's own juniors of «Ученик – ученик» and linked to her here) she chooses a mentor
among those the curator proposed, confirms the question, and her page says the mentor was chosen by her for the
child; the mentor is told who chose. Each page fits the screen and passes axe."""
import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from portal.db import db
from portal.models import Account, Guardianship, MentoringFormat, Notification, Person
from portal.models.base import utcnow
from portal.services import matching, representation
from portal.services.staff import scope_for
from tests.e2e.flows import log_in, on_a_phone, path_is

pytestmark = [pytest.mark.e2e, pytest.mark.clause("s8")]

FORMAT = "Ученик – ученик"


def cast() -> tuple[Person, Person, int]:
    """A junior under 14 without proposals, linked to the demo parent; two mentors proposed to them by the
    curator. Returns the child, the first mentor and the first proposal's id."""
    with db.connection_context():
        fmt = MentoringFormat.get(MentoringFormat.name == FORMAT)
        staff = scope_for(Account.get(Account.login == "curator"))
        parent = Account.get(Account.login == "parent").person
        today = date.today()
        for row in matching.queue(staff, fmt.id)["rows"]:
            child = row.membership.person
            age = child.age_on(today)
            if row.open_proposals or age is None or age >= representation.CHOICE_AGE:
                continue
            offered = [c.person for c in matching.rank_candidates(staff, fmt.id, child.id).offered][:2]
            if len(offered) == 2:
                break
        else:
            pytest.fail(f"the demo has no mentee of «{FORMAT}» under 14 without proposals who could be offered "
                        "two mentors: see `_bases` and `_matching` in portal/demo.py")
        with db.atomic():
            Guardianship.create(parent=parent, child=child, basis="родитель", confirmed_at=utcnow())
            proposals = matching.propose(staff, fmt.id, child.id, [m.id for m in offered])
        return child, offered[0], proposals[0].id


def test_a_parent_chooses_for_a_child_under_14_and_not_for_her_son_of_15(page: Page):
    child, mentor, proposal_id = cast()
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "parent")
    expect(page.get_by_text("Наставника выбирает сам ребёнок (раздел 8 Положения), вы видите его выбор.")
           ).to_be_visible()  # Пётр's proposals: no button
    expect(page.get_by_text("Ребёнку нет 14 лет: наставника можете выбрать вы или сам ребёнок")).to_be_visible()
    on_a_phone(page, "parent-home-choices")

    page.locator(f'a[href="/parent/children/{child.id}/choice/{proposal_id}"]').click()
    expect(page).to_have_url(path_is(f"/parent/children/{child.id}/choice/{proposal_id}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("наставником для")
    on_a_phone(page, "parent-choose-question")
    page.get_by_role("button", name="Выбрать наставника", exact=True).click()

    expect(page).to_have_url(re.compile(r"/parent/#child-proposal-\d+$"))
    expect(page.get_by_role("status").first).to_contain_text("Вы выбрали наставника за")
    expect(page.locator(f"#child-proposal-{proposal_id}")).to_contain_text("вами за ребёнка")
    on_a_phone(page, "parent-home-chosen")
    with db.connection_context():
        told = Notification.get((Notification.kind == "choice.to_confirm") & (Notification.person == mentor.id))
        assert told.details.startswith("Выбор сделал родитель (Иванова О. Н.) за ")
