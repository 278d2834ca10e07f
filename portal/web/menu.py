"""Each role's menu, grouped by task, with the entry the current page belongs to marked.

Staff have some twenty pages: one flat row of links wrapped onto three lines on a desktop and stood
390 px tall on a phone before any content. Grouped by task they fit one line, and on a phone they fold
behind one «Меню» button (a <details> element: no script). A group titled None is shown as plain links.
"""
from dataclasses import dataclass

from flask import current_app, request, url_for

MENUS: dict[str, list[tuple[str | None, list[tuple[str, str]]]]] = {
    "coordinator": [
        (None, [("Школа", "coordinator.home"), ("Панель", "coordinator.dashboard")]),
        ("Люди и базы", [("Люди", "staff.people"), ("Связи на подтверждение", "coordinator.guardianship_requests"),
                         ("Базы", "staff.bases"), ("Классные руководители", "coordinator.class_teachers_page"),
                         ("Психологическая поддержка", "coordinator.psychologists_page"),
                         ("Учётные записи", "coordinator.account_list")]),
        ("Программы и пары", [("Формы и программы", "coordinator.formats"),
                              ("Подбор наставников", "staff.proposals_index"), ("Пары", "staff.pairs")]),
        ("Ход и мониторинг", [("Ход наставничества", "staff.cycle_index"), ("Итоговые отчёты", "staff.reports"),
                              ("Анкеты", "coordinator.questionnaires"),
                              ("Предложения участников", "proposals.review"), ("Жалобы", "complaints.review")]),
        ("Обучение и поощрение", [("Школа наставников", "training.index"), ("Конкурсы наставников", "recognition.index"),
                                  ("Доска почёта", "motivation.honour_board"),
                                  ("Методическая копилка", "motivation.bank_index")]),
        ("Документы", [("Реестр документов", "registry.index"), ("Дорожная карта", "staff.roadmap"),
                       ("Приказы", "coordinator.orders"), ("Отчёты и выгрузки", "coordinator.exports_page"),
                       ("Тексты согласий", "coordinator.consent_texts"), ("К уничтожению", "coordinator.destruction")]),
        ("Настройки", [("Второй фактор", "auth.second_factor"), ("Пароль", "auth.password")]),
    ],
    "curator": [
        (None, [("Моя форма", "curator.home")]),
        ("Люди и базы", [("Люди", "staff.people"), ("Базы", "staff.bases")]),
        ("Программа и пары", [("Программа", "staff.programmes"), ("Подбор наставников", "staff.proposals_index"),
                              ("Пары", "staff.pairs")]),
        ("Ход и мониторинг", [("Ход наставничества", "staff.cycle_index"), ("Итоговые отчёты", "staff.reports"),
                              ("Результаты мониторинга", "curator.results"), ("Предложения", "proposals.index"),
                              ("Жалобы", "complaints.review")]),
        ("Обучение и поощрение", [("Школа наставников", "training.index"), ("Конкурсы", "recognition.index"),
                                  ("Методическая копилка", "motivation.bank_index")]),
        ("Документы", [("Реестр документов", "registry.index"), ("Дорожная карта", "staff.roadmap")]),
        ("Настройки", [("Второй фактор", "auth.second_factor"), ("Пароль", "auth.password")]),
    ],
    "mentor": [(None, [("Мои наставляемые", "mentor.home"), ("Анкеты", "mentor.monitoring_index"),
                       ("Оценка моей работы", "complaints.my_work"), ("Школа наставников", "training.index"),
                       ("Конкурсы", "recognition.index"), ("Копилка", "motivation.bank_index"),
                       ("Моя страница", "motivation.profile"), ("Предложения", "proposals.index"),
                       ("Поддержка психолога", "support.index"), ("Согласия", "consent.overview"),
                       ("Документы", "registry.index"), ("Пароль", "auth.password")])],
    "mentee": [(None, [("Моя программа", "mentee.home"), ("Выбор наставника", "mentee.choice"),
                       ("Анкеты", "mentee.monitoring_index"), ("Предложения", "proposals.index"),
                       ("Жалобы", "complaints.index"), ("Конкурсы", "recognition.index"),
                       ("Копилка", "motivation.bank_index"),
                       ("Поддержка психолога", "support.index"), ("Согласия", "consent.overview"),
                       ("Документы", "registry.index"), ("Пароль", "auth.password")])],
    "parent": [(None, [("Мои дети", "parent.home"), ("Предложения", "proposals.index"), ("Жалобы", "complaints.index"),
                       ("Конкурсы", "recognition.index"),
                       ("Поддержка психолога", "support.index"), ("Согласия", "consent.overview"),
                       ("Документы", "registry.index"), ("Пароль", "auth.password")])],
    "class_teacher": [(None, [("Мои классы", "class_teacher.home"), ("Мои предложения", "class_teacher.proposals"),
                              ("Документы", "registry.index"), ("Пароль", "auth.password")])],
    "psychologist": [(None, [("Обращения", "psychologist.home"), ("Второй фактор", "auth.second_factor"),
                             ("Пароль", "auth.password")])],
}


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class Group:
    title: str | None
    links: list[Link]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def menu_for(role: str | None) -> list[Group]:
    """The role's menu (none before login); the current entry is the one whose address is the longest start of
    this page's."""
    groups = MENUS.get(role, [])
    urls = _urls(role, groups)
    path = request.path
    matching = [url for url in urls.values() if path == url or path.startswith(url.rstrip("/") + "/")]
    current = max(matching, key=len, default=None)
    return [Group(title, [Link(label, urls[endpoint], urls[endpoint] == current) for label, endpoint in entries])
            for title, entries in groups]


def _urls(role: str | None, groups) -> dict[str, str]:
    """The menu's addresses: they take no arguments, so they change only with the app's mount point — built
    once per role and SCRIPT_NAME in an app, not some fifteen url_for calls on every page."""
    kept = current_app.extensions.setdefault("menu_urls", {})
    key = (role, request.script_root)
    urls = kept.get(key)
    if urls is None:
        urls = kept[key] = {endpoint: url_for(endpoint) for _, entries in groups for _, endpoint in entries}
    return urls


LOW_VISION_COOKIE = "low_vision"
LOW_VISION_YEAR = 365 * 24 * 3600
