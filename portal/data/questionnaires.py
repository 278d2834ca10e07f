"""The school's standard questionnaires (6.2–6.5): version 1 of each kind, seeded on first use.

Scales are words, never 1–5: a number reads as a school mark, which 6.5 forbids. The entry and exit
questionnaires ask the same anchor questions, so growth is a per-person difference (6.3); process
quality and satisfaction are the monitoring's other part (6.2).
"""

# code → the words a person picks; codes are words too, so no number ever reaches a screen or an export.
SCALES = {
    "agree": (
        ("disagree", "совсем не согласен"),
        ("rather_disagree", "скорее не согласен"),
        ("rather_agree", "скорее согласен"),
        ("agree", "полностью согласен"),
    ),
    "frequency": (
        ("never", "никогда"),
        ("rarely", "редко"),
        ("sometimes", "иногда"),
        ("often", "часто"),
        ("always", "всегда"),
    ),
}

# Personal characteristics, asked at entry and again at exit with the same anchors (6.3).
_CHARACTERISTICS = (
    ("confidence", "agree", "Я уверен(а) в своих силах, когда берусь за новое дело."),
    ("goals", "agree", "Я могу сам(а) поставить себе цель и составить план, как её достичь."),
    ("help", "frequency", "Я обращаюсь за помощью, когда сталкиваюсь с трудностью."),
    ("initiative", "frequency", "Я предлагаю свои идеи и берусь за их выполнение."),
    ("communication", "agree", "Мне легко договариваться с другими людьми."),
    ("reflection", "frequency", "Я задумываюсь, что у меня получилось, а что стоит сделать иначе."),
)

STANDARD = {
    "entry": {
        "title": "Входная анкета: личные качества",
        "questions": _CHARACTERISTICS + (
            ("", "text", "Чего вы ждёте от наставничества?"),
        ),
    },
    "exit": {
        "title": "Выходная анкета: личные качества",
        "questions": _CHARACTERISTICS + (
            ("", "text", "Что изменилось для вас за время наставничества?"),
        ),
    },
    "process": {
        "title": "Качество процесса наставничества",
        "questions": (
            ("", "frequency", "Встречи проходят в согласованное время."),
            ("", "agree", "Цели нашей работы понятны и записаны в плане."),
            ("", "frequency", "На встречах мы обсуждаем то, что для меня действительно важно."),
            ("", "agree", "Мне хватает времени, которое мы уделяем встречам."),
            ("", "text", "Что стоит изменить в организации встреч?"),
        ),
    },
    "satisfaction": {
        "title": "Удовлетворённость работой в паре",
        "questions": (
            ("", "agree", "Мне комфортно работать с этим человеком."),
            ("", "frequency", "Он(а) выполняет то, о чём мы договорились."),
            ("", "agree", "Работа в паре мне полезна."),
            ("", "agree", "Я бы продолжил(а) работу в этой паре."),
            ("", "text", "Что вы хотели бы сказать о работе в паре?"),
        ),
    },
}
