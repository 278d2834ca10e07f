"""Monitoring (6.1–6.5): the standard questionnaires, who must answer what now, answering, and rounds.

Entry and exit questionnaires follow a pair's cycle (the first and the final held meeting); the process
and satisfaction questionnaires follow the rounds the curator or a mentor opens for a format (6.4).
A person is surveyed only with a valid consent, answers only in words (6.5), and an answer is final.

A package of modules by aggregate; callers use `from portal.services import monitoring` and
`monitoring.X`, which this module re-exports:
  questionnaires  the standard set, each kind's current version, its questions and scales
  versions        a new version checked and published, with its twin (entry and exit share anchors)
  answering       who must answer what now, the answering page, storing an answer
  rounds          rounds opened, closed, and how complete each is
"""
from portal.services.monitoring.questionnaires import (  # noqa: F401
    SCALES, STANDARD, KIND_TITLES, ROUND_TITLES, SCALE_WORDS, seed_questionnaires, answer_type_choices,
    questionnaire_versions, current_questionnaires, questions_of, options_of,
)
from portal.services.monitoring.versions import (  # noqa: F401
    MAX_TITLE, MAX_QUESTION_TEXT, MAX_QUESTIONS, TWIN_KINDS, InvalidVersion, VersionDraft, current_version,
    check_version, publish_version,
)
from portal.services.monitoring.answering import (  # noqa: F401
    CYCLE_KINDS, ROUND_QUESTIONNAIRES, SURVEYED_STATUSES, MAX_TEXT, InvalidAnswers, Task, field_name,
    pending_for, task_for, answers_of, validate, answer, answer_page, round_title,
)
from portal.services.monitoring.rounds import (  # noqa: F401
    OVERDUE_DAYS, running_rounds, kinds_to_open, open_round, mentor_formats, mentor_rounds, open_round_as_mentor,
    round_for, close_round, expected_by_format, format_rounds, notify_overdue,
)
