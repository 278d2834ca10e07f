"""The frame of every page: the menu grouped by task with the current entry marked, and the
«версия для слабовидящих» switch kept in a cookie without any script."""
import re

import pytest

pytestmark = pytest.mark.quality("accessibility")

GROUP = re.compile(r'<details class="menu-group">\s*<summary( class="current")?>([^<]+)</summary>')
CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>')


def menu_of(response) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    page = response.get_data(as_text=True)
    groups = GROUP.findall(page)
    return [title for _, title in groups], [title for current, title in groups if current], CURRENT.findall(page)


def test_the_coordinators_menu_is_grouped_by_task_and_marks_where_one_is(client, conn, login_as):
    login_as("coordinator")
    groups, open_groups, current = menu_of(client.get("/staff/people?page=1"))
    assert groups == ["Люди и базы", "Программы и пары", "Ход и мониторинг", "Обучение и поощрение", "Документы",
                      "Настройки"]
    assert open_groups == ["Люди и базы"] and current == [("/staff/people", "Люди")]
    # The home page is «Школа», not every page under /coordinator/.
    assert menu_of(client.get("/coordinator/"))[2] == [("/coordinator/", "Школа")]
    assert menu_of(client.get("/coordinator/orders"))[1:] == (["Документы"], [("/coordinator/orders", "Приказы")])


def test_the_menu_folds_behind_one_button_with_no_script(client, conn, login_as):
    login_as("curator")
    page = client.get("/curator/").get_data(as_text=True)
    assert '<details class="menu-all">' in page and '<summary class="menu-button">Меню</summary>' in page
    assert "<script>" not in page and " onclick=" not in page


def test_a_parent_sees_a_short_menu_without_groups(client, conn, login_as):
    login_as("parent")
    groups, _, current = menu_of(client.get("/parent/"))
    assert groups == [] and current == [("/parent/", "Мои дети")]


def test_the_low_vision_version_is_switched_on_and_off_and_kept(client, conn, login_as):
    login_as("mentee")
    page = client.get("/mentee/").get_data(as_text=True)
    assert 'class="low-vision"' not in page and "Версия для слабовидящих" in page

    switched = client.post("/display", {"low_vision": "1", "next": "/mentee/"})
    assert switched.status_code == 303 and switched.headers["Location"] == "/mentee/"
    for url in ("/mentee/", "/password"):
        page = client.get(url).get_data(as_text=True)
        assert '<body hx-headers' in page and 'class="low-vision"' in page, url
        assert "Обычная версия сайта" in page

    client.post("/display", {"low_vision": "0", "next": "/mentee/"})
    assert 'class="low-vision"' not in client.get("/mentee/").get_data(as_text=True)


def test_the_switch_works_before_login_and_never_sends_one_elsewhere(client, conn):
    client.get("/login")
    response = client.post("/display", {"low_vision": "1", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"
    assert 'class="low-vision"' in client.get("/login").get_data(as_text=True)
