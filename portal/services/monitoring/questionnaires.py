"""The standard questionnaires (6.3, 6.5): seeded for a school on first use, each kind's current version
and its questions, with the word scales they are answered on."""
import runpy
from pathlib import Path

from peewee import IntegrityError, fn

from portal.db import atomic_write
from portal.models import Question, Questionnaire
from portal.models.monitoring import ANSWER_TYPES, QUESTIONNAIRE_KINDS, ROUND_KINDS


# portal/data is a folder of data files, not a package: the standard questionnaires are read from it.
_STANDARD = runpy.run_path(str(Path(__file__).resolve().parents[2] / "data" / "questionnaires.py"))
SCALES, STANDARD = _STANDARD["SCALES"], _STANDARD["STANDARD"]
KIND_TITLES = dict(QUESTIONNAIRE_KINDS)
ROUND_TITLES = dict(ROUND_KINDS)
SCALE_WORDS = {kind: dict(options) for kind, options in SCALES.items()}


# --- the questionnaires ---------------------------------------------------------------------------

def seed_questionnaires(school) -> None:
    """Version 1 of each standard questionnaire, for a school that has none of that kind yet."""
    school_id = getattr(school, "id", school)
    have = {kind for (kind,) in Questionnaire.select(Questionnaire.kind)
            .where(Questionnaire.school == school_id).distinct().tuples()}
    missing = [kind for kind in STANDARD if kind not in have]
    if not missing:
        return
    try:
        with atomic_write():
            for kind in missing:
                _create_version(school_id, kind, 1, STANDARD[kind]["title"], STANDARD[kind]["questions"])
    except IntegrityError:
        pass  # a parallel request seeded them first


def _create_version(school_id: int, kind: str, version: int, title: str, questions) -> Questionnaire:
    questionnaire = Questionnaire.create(school=school_id, kind=kind, version=version, title=title)
    Question.insert_many([
        {"questionnaire": questionnaire.id, "position": n, "anchor": anchor, "answer_type": answer_type, "text": text}
        for n, (anchor, answer_type, text) in enumerate(questions, 1)]).execute()
    return questionnaire


def answer_type_choices() -> list[tuple[str, str]]:
    """Verbal scales (with their words) and free text: no numeric scale exists to choose (6.5)."""
    return [(code, f"{title}: {' / '.join(word for _, word in SCALES[code])}" if code in SCALES else title)
            for code, title in ANSWER_TYPES]


def questionnaire_versions(school_id: int) -> list[dict]:
    """Each kind's current version with its number of questions, for the coordinator's list. Three queries."""
    current = current_questionnaires(school_id)
    counts = dict(Question.select(Question.questionnaire, fn.COUNT(Question.id))
                  .where(Question.questionnaire.in_([q.id for q in current.values()]))
                  .group_by(Question.questionnaire).tuples()) if current else {}
    return [{"kind": kind, "kind_title": title, "questionnaire": current.get(kind),
             "questions": counts.get(current[kind].id, 0) if kind in current else 0}
            for kind, title in QUESTIONNAIRE_KINDS]


def current_questionnaires(school_id: int) -> dict[str, Questionnaire]:
    """kind → the newest version, seeding the standard set on first use."""
    seed_questionnaires(school_id)
    rows = Questionnaire.select().where(Questionnaire.school == school_id).order_by(Questionnaire.version)
    return {q.kind: q for q in rows}


def questions_of(questionnaire_id: int) -> list[Question]:
    return list(Question.select().where(Question.questionnaire == questionnaire_id).order_by(Question.position))


def options_of(question: Question) -> tuple[tuple[str, str], ...]:
    return SCALES.get(question.answer_type, ())
