"""models.base.KeptSelect: a hot query's text written once, its rows the same as peewee's own reading.

The busiest pages (the mentor's pair page, the choice screen) read their pairs, meetings, verdicts and plans
through kept selects; what they get must not differ from the select they replace — the same instances
with the same values (dates parsed, outer joins that found nothing left as None), through the same
`execute_sql` door the query-count tests watch."""
from datetime import date, timedelta

import pytest

from portal.models import Meeting, MeetingConfirmation, Mentorship, Person
from portal.models.base import KeptSelect
from portal.services import cycle
from portal.services.cycle import MeetingData
from portal.services.cycle.access import _pairs_with_people
from tests.querycount import count_queries


def _values(instance):
    return None if instance is None else dict(instance.__data__)


def _log(pair, stage, days_ago):
    return cycle.log_meeting(pair["mentor"].person, pair["mentorship"].id,
                             MeetingData(stage=stage, held_on=date.today() - timedelta(days=days_ago),
                                         topic=f"Встреча {stage}"))


@pytest.mark.quality("performance")
def test_a_kept_join_reads_what_the_select_reads(pair):
    mentorship, mentor = pair["mentorship"], pair["mentor"].person
    kept = KeptSelect(lambda pair_id, mentor_id: _pairs_with_people().where(
        (Mentorship.id == pair_id) & (Mentorship.mentor == mentor_id)))
    expected = _pairs_with_people().where(Mentorship.id == mentorship.id).get()
    with count_queries() as queries:
        [(found, fmt, person, programme)] = kept.models(mentorship.id, mentor.id)
    assert len(queries) == 1
    assert _values(found) == _values(expected)
    assert _values(fmt) == _values(expected.mentoring_format) and _values(person) == _values(expected.mentor)
    assert _values(programme) == _values(expected.programme) and isinstance(programme.starts_on, date)
    # Another pair's values through the same kept text; someone else's pair is not found.
    assert kept.models(mentorship.id, mentor.id + 1000) == []
    assert _values(kept.models(mentorship, mentor)[0][0]) == _values(expected)  # a row stands for its id
    # An outer join that found nothing is None, as the select leaves it.
    Mentorship.update(programme=None).where(Mentorship.id == mentorship.id).execute()
    [(_, _, _, programme)] = kept.models(mentorship.id, mentor.id)
    assert programme is None and cycle.mentorship_of_mentor(mentor, mentorship.id).programme is None


@pytest.mark.quality("performance")
def test_a_kept_select_takes_lists_of_any_length_and_aliased_columns(pair):
    first, second = _log(pair, "first", 20), _log(pair, "trial", 10)
    cycle.confirm_meeting(pair["mentee"].person, first.id, "confirmed")
    kept = KeptSelect(lambda ids: MeetingConfirmation.select(MeetingConfirmation, Person.surname, Person.sex)
                      .join(Person).where(MeetingConfirmation.meeting.in_(ids)))
    [(verdict, person)] = kept.models([first.id])
    assert verdict.meeting_id == first.id and verdict.verdict == "confirmed" and verdict.created_at is not None
    assert person.surname == pair["mentee"].person.surname and person.sex == "f"
    assert len(kept.models([second.id, first.id, 10 ** 6])) == 1 and kept.models([second.id]) == []
    # An aliased value lands on the row's first model, converted as its column is.
    previous = Meeting.alias()
    aliased = KeptSelect(lambda pair_id: Meeting.select(Meeting, previous.held_on.alias("before"))
                         .join(previous, on=(previous.id == Meeting.id))
                         .where(Meeting.mentorship == pair_id).order_by(Meeting.held_on))
    rows = aliased.models(pair["mentorship"].id)
    assert [m.before for m, in rows] == [first.held_on, second.held_on]
    assert aliased.tuples(pair["mentorship"].id)[0][-1] == first.held_on


@pytest.mark.quality("performance")
def test_a_value_the_query_does_not_use_is_refused(pair):
    kept = KeptSelect(lambda pair_id: Mentorship.select().where(Mentorship.id == 1))
    with pytest.raises(ValueError):
        kept.models(pair["mentorship"].id)
    with pytest.raises(TypeError):
        KeptSelect(lambda day: Meeting.select().where(Meeting.held_on == day)).models(date.today())
