import pytest


@pytest.mark.clause("2.6")
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
