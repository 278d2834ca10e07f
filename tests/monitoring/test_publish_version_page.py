"""Publishing a new version of a questionnaire (6.2–6.5): the coordinator starts from the current version,
edits, adds and removes questions (words or free text, never a numeric scale), confirms, and new surveys
use the new version; entry and exit keep the same anchor questions; bad input is refused in Russian."""
import re

import pytest

from portal.models import AuditEvent, Question, Questionnaire, Response
from portal.services import monitoring
from portal.services.staff import scope_for
from tests.conftest import error_messages, field_errors, is_russian
from tests.querycount import count_queries

NUMERIC_SCALE = "Выберите шкалу из слов или свободный ответ: числовых шкал и баллов в мониторинге нет (п. 6.5)."


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


def url(kind):
    return f"/coordinator/questionnaires/{kind}/new"


def current(school, kind):
    return monitoring.current_questionnaires(school.id)[kind]


def posted(school, kind, step="review", change=None, extra=()):
    """The editor's form as the browser sends it: the current version, `change` applied to its rows."""
    questionnaire = current(school, kind)
    rows = [[q.anchor, q.answer_type, q.text] for q in monitoring.questions_of(questionnaire.id)]
    if change:
        change(rows)
    rows += [list(row) for row in extra]
    data = {"title": questionnaire.title, "based_on": str(questionnaire.version), "step": step}
    for n, (anchor, answer_type, text) in enumerate(rows):
        data.update({f"questions-{n}-anchor": anchor, f"questions-{n}-answer_type": answer_type,
                     f"questions-{n}-text": text})
    return data


def versions():
    return Questionnaire.select().count()


def anchored(school, kind):
    return [(q.anchor, q.answer_type, q.text) for q in monitoring.questions_of(current(school, kind).id) if q.anchor]


@pytest.mark.clause("6.2")
def test_the_list_shows_each_questionnaire_with_its_version(client, school, coordinator):
    html = client.get("/coordinator/questionnaires").get_data(as_text=True)
    for kind in ("entry", "exit", "process", "satisfaction"):
        row = re.search(rf'<tr id="questionnaire-{kind}">(.*?)</tr>', html, re.S).group(1)
        count = len(monitoring.questions_of(current(school, kind).id))
        assert f'<td data-label="Версия" class="num">1</td>' in row and f'<td data-label="Вопросов" class="num">{count}</td>' in row
        assert f'href="{url(kind)}"' in row and " г." in row
    assert 'href="/coordinator/questionnaires"' in client.get("/coordinator/").get_data(as_text=True)


@pytest.mark.clause("6.2", "6.4")
def test_a_published_version_is_what_new_rounds_use(client, school, coordinator, pair):
    old = current(school, "process")
    mentee = pair["mentee"].person
    old_round = monitoring.open_round(scope_for(coordinator), pair["format"].id, "intermediate")
    answered = monitoring.answer(mentee, old.id, pair["mentorship"].id, old_round.id,
                                 {f"q{q.id}": "always" if q.answer_type == "frequency" else "agree"
                                  for q in monitoring.questions_of(old.id) if q.answer_type != "text"})
    monitoring.close_round(scope_for(coordinator), old_round.id)

    editor = client.get(url("process"))
    assert editor.status_code == 200 and old.title in editor.get_data(as_text=True)

    def reword(rows):
        rows[0][2] = "Встречи начинаются вовремя."
        del rows[1]
    data = posted(school, "process", change=reword, extra=[("", "agree", "Я понимаю, зачем нужны наши встречи.")])
    review = client.post(url("process"), data)
    page = review.get_data(as_text=True)
    assert review.status_code == 200 and "Опубликовать версию 2" in page
    assert "нельзя отменить" in page and "Я понимаю, зачем нужны наши встречи." in page
    assert versions() == 4  # the confirmation changes nothing

    published = client.post(url("process"), dict(data, step="publish"))
    assert published.status_code == 303 and published.headers["Location"].endswith("/coordinator/questionnaires")
    new = current(school, "process")
    assert new.version == 2 and new.id != old.id
    texts = [q.text for q in monitoring.questions_of(new.id)]
    assert texts[0] == "Встречи начинаются вовремя." and texts[-1] == "Я понимаю, зачем нужны наши встречи."
    assert len(texts) == len(monitoring.questions_of(old.id))
    assert Response.get_by_id(answered.id).questionnaire_id == old.id  # older answers stay with their version
    assert AuditEvent.select().where(AuditEvent.action == "monitoring.questionnaire_published").count() == 1
    assert "Опубликована версия 2" in client.get("/coordinator/questionnaires").get_data(as_text=True)

    monitoring.open_round(scope_for(coordinator), pair["format"].id, "final")
    task = next(t for t in monitoring.pending_for(mentee) if t.questionnaire.kind == "process")
    assert task.questionnaire.id == new.id


@pytest.mark.clause("6.5")
@pytest.mark.quality("htmx")
def test_rows_are_added_and_removed_without_scripts_and_with_htmx(client, school, coordinator):
    count = len(monitoring.questions_of(current(school, "process").id))
    page = client.post(url("process"), dict(posted(school, "process"), add_row="1"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert html.count('name="questions-') == 3 * (count + 1)
    fragment = client.post(url("process"), dict(posted(school, "process"), drop_row="0"), htmx=True)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html and 'id="questionnaire-editor"' in html
    assert html.count('name="questions-') == 3 * (count - 1)
    assert monitoring.questions_of(current(school, "process").id)[0].text not in html
    assert versions() == 4
    # The answer types on offer are verbal scales and free text: no number to pick (6.5).
    options = re.findall(r"<option[^>]*>([^<]*)</option>", html)
    assert options and not any(re.search(r"\d", option) for option in options)
    assert "<script" not in html and "hx-on" not in html


@pytest.mark.clause("6.5")
@pytest.mark.parametrize("row, field, message", [
    (("", "agree", "   "), "text", "Впишите текст вопроса."),
    (("", "likert7", "Мне нравится"), "answer_type", NUMERIC_SCALE),
    (("", "1-5", "Оцените встречи"), "answer_type", NUMERIC_SCALE),
    (("", "score", "Поставьте балл"), "answer_type", NUMERIC_SCALE),
    (("", "agree", "x" * 501), "text", "Не длиннее 500 символов."),
])
def test_bad_questions_are_refused_beside_the_field(client, school, coordinator, row, field, message):
    before = versions()
    data = posted(school, "process", step="publish", extra=[row])
    n = sum(1 for key in data if key.endswith("-text")) - 1
    response = client.post(url("process"), data)
    assert response.status_code == 422
    assert field_errors(response, f"questions-{n}-{field}") == [message]
    assert versions() == before and current(school, "process").version == 1
    assert not AuditEvent.select().where(AuditEvent.action == "monitoring.questionnaire_published").exists()


@pytest.mark.quality("validation")
@pytest.mark.parametrize("change, message", [
    (lambda data: data.update(title=""), "Впишите название анкеты."),
    (lambda data: [data.pop(k) for k in list(data) if k.startswith("questions-")], "хотя бы один вопрос"),
    (lambda data: None, "Анкета не изменилась"),
    (lambda data: data.update(based_on="0"), "опубликована её версия 1"),
    (lambda data: data.update({"questions-0-anchor": "confidence"}), "Якорные вопросы берутся только"),
])
def test_a_questionnaire_as_a_whole_is_refused_in_russian(client, school, coordinator, change, message):
    data = posted(school, "process", step="publish")
    change(data)
    response = client.post(url("process"), data)
    assert response.status_code == 422
    assert any(message in m for m in error_messages(response)), error_messages(response)
    assert all(is_russian(m) for m in error_messages(response))
    assert versions() == 4


@pytest.mark.clause("6.3")
def test_rewording_an_entry_anchor_publishes_the_exit_with_the_same_anchor(client, school, coordinator):
    assert anchored(school, "entry") == anchored(school, "exit")

    def reword(rows):
        rows[0][2] = "Я берусь за новое дело уверенно."
    data = posted(school, "entry", change=reword, extra=[("", "text", "Что вы хотите узнать от наставника?")])
    review = client.post(url("entry"), data).get_data(as_text=True)
    assert "выходная анкета тоже получит новую версию 2" in review
    assert client.post(url("entry"), dict(data, step="publish")).status_code == 303
    assert current(school, "entry").version == 2 and current(school, "exit").version == 2
    assert anchored(school, "entry") == anchored(school, "exit")
    assert anchored(school, "exit")[0][2] == "Я берусь за новое дело уверенно."
    exit_texts = [q.text for q in monitoring.questions_of(current(school, "exit").id)]
    assert "Что вы хотите узнать от наставника?" not in exit_texts  # only anchors travel to the twin
    events = AuditEvent.select().where(AuditEvent.action == "monitoring.questionnaire_published")
    assert events.count() == 2


@pytest.mark.clause("6.3")
def test_a_non_anchor_change_leaves_the_twin_alone(client, school, coordinator):
    data = posted(school, "exit", step="publish", extra=[("", "agree", "Наставник помог мне.")])
    assert client.post(url("exit"), data).status_code == 303
    assert current(school, "exit").version == 2 and current(school, "entry").version == 1
    assert anchored(school, "entry") == anchored(school, "exit")


@pytest.mark.clause("6.3")
@pytest.mark.parametrize("change, where, message", [
    (lambda rows: rows.pop(0), None, "удалять нельзя"),
    (lambda rows: rows[0].__setitem__(1, "frequency"), "questions-0-answer_type",
     "Шкалу якорного вопроса менять нельзя"),
    (lambda rows: rows[1].__setitem__(0, rows[0][0]), None, "Якорные вопросы берутся только"),
])
def test_anchors_cannot_be_removed_or_rescaled(client, school, coordinator, change, where, message):
    response = client.post(url("entry"), posted(school, "entry", step="publish", change=change))
    assert response.status_code == 422
    messages = field_errors(response, where) if where else error_messages(response)
    assert any(message in m for m in messages), messages
    assert versions() == 4


@pytest.mark.clause("6.3")
def test_anchor_rows_have_no_remove_button_and_a_fixed_scale(client, school, coordinator):
    html = client.get(url("entry")).get_data(as_text=True)
    anchors = [q for q in monitoring.questions_of(current(school, "entry").id) if q.anchor]
    for n, _ in enumerate(anchors):
        assert f'name="drop_row" value="{n}"' not in html
        assert f'<select id="questions-{n}-answer_type"' not in html
    assert f'name="drop_row" value="{len(anchors)}"' in html  # the free-text question may go


@pytest.mark.quality("access")
@pytest.mark.parametrize("role", ["curator", "mentor", "mentee", "parent"])
def test_only_the_coordinator_publishes(client, school, login_as, role):
    data = posted(school, "process", step="publish", extra=[("", "agree", "Новый вопрос")])
    login_as(role)
    for path in ("/coordinator/questionnaires", url("process")):
        assert client.get(path).status_code == 403
    assert client.post(url("process"), data).status_code == 403
    assert versions() == 4


@pytest.mark.quality("access")
def test_anonymous_is_sent_to_login(client):
    response = client.get(url("process"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.quality("validation")
def test_an_unknown_kind_is_not_found(client, coordinator):
    assert client.get(url("grades")).status_code == 404
    assert client.post(url("grades"), {"title": "Оценки", "step": "publish"}).status_code == 404


@pytest.mark.quality("csrf")
def test_publishing_needs_the_csrf_token(client, school, coordinator):
    data = posted(school, "process", step="publish", extra=[("", "agree", "Новый вопрос")])
    response = client.post(url("process"), data, csrf=False)
    assert response.status_code == 400
    assert versions() == 4


@pytest.mark.quality("query count")
def test_the_pages_cost_a_fixed_number_of_queries(client, school, coordinator):
    with count_queries() as small_list:
        client.get("/coordinator/questionnaires")
    with count_queries() as small_editor:
        client.get(url("process"))
    data = posted(school, "process", step="publish", extra=[("", "agree", f"Вопрос {n}") for n in range(20)])
    assert client.post(url("process"), data).status_code == 303
    with count_queries() as large_list:
        client.get("/coordinator/questionnaires")
    with count_queries() as large_editor:
        html = client.get(url("process")).get_data(as_text=True)
    assert "Вопрос 19" in html
    assert len(small_list) == len(large_list) and len(small_editor) == len(large_editor)
    assert Question.select().count() > 40
