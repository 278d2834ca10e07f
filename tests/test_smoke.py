import pytest


@pytest.mark.quality("access")
@pytest.mark.parametrize("role,heading", [
    ("coordinator", "Школа в целом"), ("curator", "Форма «Ученик – ученик»"), ("mentor", "Мои наставляемые"),
    ("mentee", "Моя программа наставничества"), ("parent", "Мои дети")])
def test_each_role_reaches_its_home(client, login_as, role, heading):
    login_as(role)
    response = client.get("/")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert heading in page.get_data(as_text=True)


def test_an_id_too_long_for_the_database_is_not_found(client, login_as):
    login_as("coordinator")
    response = client.get("/staff/people/99999999999999999999")
    assert response.status_code == 404 and "Страница не найдена" in response.get_data(as_text=True)
