"""A new version of a questionnaire, the coordinator's: checked field by field, published with its twin
when entry and exit share a reworded anchor question (6.3)."""
from dataclasses import dataclass

from peewee import IntegrityError

from portal.db import atomic_write
from portal.models import Question, Questionnaire
from portal.services import NotAllowed, ServiceError, audit
from portal.services.monitoring.questionnaires import (
    KIND_TITLES, SCALES, _create_version, current_questionnaires, questions_of,
)


# A new version of a questionnaire (the coordinator's editor).
MAX_TITLE = 300
MAX_QUESTION_TEXT = 500
MAX_QUESTIONS = 40
# Entry and exit share their anchor questions (6.3).
TWIN_KINDS = {"entry": "exit", "exit": "entry"}


class InvalidVersion(ServiceError):
    """A new questionnaire version refused field by field.

    `errors` maps (row, field) to its Russian message: row is a question's position in the posted list
    (0-based), or None for the whole questionnaire (`title`, `questions`)."""

    def __init__(self, errors: dict[tuple[int | None, str], str]):
        super().__init__("Проверьте анкету: не все вопросы заполнены как нужно.")
        self.errors = errors


@dataclass
class VersionDraft:
    """A checked new version, as it will be published; `twin_version` is set when the entry (exit)
    questionnaire's reworded anchors also publish a new exit (entry) version, so both keep asking the
    same anchor questions (6.3)."""

    kind: str
    title: str
    questions: list[tuple[str, str, str]]
    version: int
    twin_kind: str | None = None
    twin_version: int | None = None
    twin_questions: list[tuple[str, str, str]] | None = None
    twin_title: str = ""


def current_version(scope, kind: str) -> tuple[Questionnaire, list[Question]]:
    """The version a new one starts from; only the coordinator edits the school's questionnaires."""
    _check_publisher(scope, kind)
    current = current_questionnaires(scope.school_id)[kind]
    return current, questions_of(current.id)


def _check_publisher(scope, kind: str) -> None:
    if not scope.is_coordinator:
        raise NotAllowed("Анкеты школы меняет координатор.")
    if kind not in KIND_TITLES:
        raise NotAllowed("Нет такого вида анкеты.")


def _one_line(value) -> str:
    return " ".join(str(value or "").split())


def _text_error(text: str, limit: int, empty: str) -> str | None:
    if not text:
        return empty
    if len(text) > limit:
        return f"Не длиннее {limit} символов."
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return "Текст содержит недопустимые символы."
    return None


def _check_questions(rows, anchors: dict[str, Question], errors) -> list[tuple[str, str, str]]:
    """Text and answer type of each question; an anchor stays where it is and keeps its scale (6.3)."""
    cleaned, seen = [], set()
    for n, (anchor, answer_type, text) in enumerate(rows):
        anchor, answer_type, text = _one_line(anchor), _one_line(answer_type), _one_line(text)
        problem = _text_error(text, MAX_QUESTION_TEXT, "Впишите текст вопроса.")
        if problem:
            errors[(n, "text")] = problem
        if answer_type not in SCALES and answer_type != "text":
            errors[(n, "answer_type")] = ("Выберите шкалу из слов или свободный ответ: числовых шкал и баллов "
                                          "в мониторинге нет (п. 6.5).")
        if anchor:
            if anchor not in anchors or anchor in seen:
                errors[(None, "questions")] = "Якорные вопросы берутся только из текущей версии анкеты."
            elif answer_type != anchors[anchor].answer_type:
                errors[(n, "answer_type")] = ("Шкалу якорного вопроса менять нельзя: иначе ответы на входе "
                                              "и выходе не сравнить (п. 6.3).")
            seen.add(anchor)
        cleaned.append((anchor, answer_type, text))
    for anchor, question in anchors.items():
        if anchor not in seen:
            errors.setdefault((None, "questions"), f"Якорный вопрос «{question.text}» удалять нельзя: по нему "
                                                   "сравнивают ответы на входе и выходе (п. 6.3).")
    if not cleaned:
        errors[(None, "questions")] = "В анкете должен быть хотя бы один вопрос."
    elif len(cleaned) > MAX_QUESTIONS:
        errors[(None, "questions")] = f"Не больше {MAX_QUESTIONS} вопросов в анкете."
    return cleaned


def check_version(scope, kind: str, title: str, questions, based_on: int | None = None) -> VersionDraft:
    """A new version as it would be published, or InvalidVersion with a Russian message per field.

    `questions` are (anchor, answer type, text) in order; `based_on` is the version the coordinator
    started from, so a version someone published meanwhile is not silently replaced."""
    _check_publisher(scope, kind)
    current = current_questionnaires(scope.school_id)
    base = current[kind]
    base_questions = questions_of(base.id)
    anchors = {q.anchor: q for q in base_questions if q.anchor} if kind in TWIN_KINDS else {}
    errors: dict[tuple[int | None, str], str] = {}
    title = _one_line(title)
    problem = _text_error(title, MAX_TITLE, "Впишите название анкеты.")
    if problem:
        errors[(None, "title")] = problem
    cleaned = _check_questions(list(questions), anchors, errors)
    if based_on is not None and based_on != base.version:
        errors[(None, "questions")] = (f"Пока вы правили анкету, опубликована её версия {base.version}. "
                                       "Откройте страницу заново, чтобы начать с неё.")
    elif not errors and title == base.title and cleaned == [(q.anchor, q.answer_type, q.text)
                                                             for q in base_questions]:
        errors[(None, "questions")] = "Анкета не изменилась: новая версия не нужна."
    if errors:
        raise InvalidVersion(errors)
    draft = VersionDraft(kind, title, cleaned, base.version + 1)
    twin_kind = TWIN_KINDS.get(kind)
    if twin_kind in current:
        texts = {anchor: text for anchor, _, text in cleaned if anchor}
        twin = current[twin_kind]
        rows = [(q.anchor, q.answer_type, q.text) for q in questions_of(twin.id)]
        renamed = [(a, t, texts.get(a, text) if a else text) for a, t, text in rows]
        if renamed != rows:
            draft.twin_kind, draft.twin_version, draft.twin_questions = twin_kind, twin.version + 1, renamed
            draft.twin_title = twin.title
    return draft


def publish_version(scope, kind: str, title: str, questions, based_on: int | None = None,
                    ip: str = "") -> Questionnaire:
    """A changed set of questions is a new version; answers already given keep pointing at the old one.

    Only the coordinator publishes. Entry and exit ask the same anchor questions (6.3): an anchor is
    never removed nor given another scale, and rewording one publishes the twin questionnaire too."""
    try:
        with atomic_write():
            draft = check_version(scope, kind, title, questions, based_on)
            published = _create_version(scope.school_id, kind, draft.version, draft.title, draft.questions)
            audit.record("monitoring.questionnaire_published", actor=scope.person, obj=published,
                         school=scope.school_id, ip=ip, kind=kind, version=draft.version)
            if draft.twin_kind:
                twin = _create_version(scope.school_id, draft.twin_kind, draft.twin_version, draft.twin_title,
                                       draft.twin_questions)
                audit.record("monitoring.questionnaire_published", actor=scope.person, obj=twin,
                             school=scope.school_id, ip=ip, kind=draft.twin_kind, version=draft.twin_version,
                             anchors_from=kind)
    except IntegrityError:
        raise InvalidVersion({(None, "questions"): "Эту анкету только что опубликовали в другом окне. "
                                                   "Откройте страницу заново."}) from None
    return published
