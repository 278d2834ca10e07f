"""The roster filled by staff: one person by hand, or class lists imported from CSV (4.4, 4.5, 4.9, 3.2)."""
import io
import time
from datetime import date

import pytest

from portal.models import AuditEvent, BaseMembership, Guardianship, MentoringFormat, Person, SchoolClass
from tests.conftest import error_messages, field_errors

YEAR = date.today().year
BORN = f"12.03.{YEAR - 12}"          # a twelve-year-old
HEADER = "Фамилия;Имя;Отчество;Пол;Дата рождения;Класс"
PARENT_HEADER = HEADER + ";Родитель: Фамилия;Родитель: Имя;Родитель: Отчество;Родитель: Телефон"


def csv_file(*lines, encoding="utf-8", sep=";") -> bytes:
    return "\r\n".join(line.replace(";", sep) for line in lines).encode(encoding) + b"\r\n"


def upload(client, data: bytes, **fields):
    client.get("/staff/people/import")
    return client.post("/staff/people/import", {"file": (io.BytesIO(data), "7b.csv"), **fields},
                       content_type="multipart/form-data")


def commit(client):
    return client.post("/staff/people/import/commit")


def text(response) -> str:
    return response.get_data(as_text=True)


def students():
    return Person.select().where(Person.kind == "student")


def word(n: int) -> str:
    """A different letters-only name for every number (names cannot hold digits)."""
    letters = "абвгдежзиклмнопрстуфхцчшэюя"
    out = ""
    while True:
        n, rest = divmod(n, len(letters))
        out = letters[rest] + out
        if not n:
            return out


def flashed(client) -> list:
    """Messages waiting for the next page (read without rendering a page another engineer owns)."""
    with client.raw.session_transaction() as session:
        return list(session.get("_flashes", []))


def pending_files(app) -> list:
    folder = app.config["INSTANCE_PATH"] / "imports"
    return list(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


# --- one by one --------------------------------------------------------------------------------------

PERSON = {"kind": "student", "surname": "Иванов", "first_name": "Пётр", "patronymic": "Сергеевич", "sex": "m",
          "birth_date": f"{YEAR - 12}-03-12", "school_class": "7б", "phone": "", "email": ""}


@pytest.mark.clause("4.5", "3.2")
def test_coordinator_adds_a_student_and_the_class_is_created(client, coordinator, school):
    assert client.get("/staff/people/new").status_code == 200
    response = client.post("/staff/people/new", PERSON)
    person = Person.get(Person.surname == "Иванов")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/people/{person.id}")
    assert person.school_class.name == "7Б" and person.birth_date == date(YEAR - 12, 3, 12)
    assert person.is_minor()
    event = AuditEvent.get(AuditEvent.action == "person.created")
    assert event.object_id == person.id and event.actor_id == coordinator.person_id


@pytest.mark.clause("4.5")
def test_a_curator_adds_people_too(client, login_as, school):
    login_as("curator")
    response = client.post("/staff/people/new", {**PERSON, "kind": "staff", "birth_date": "", "school_class": "",
                                                 "position": "учитель математики"})
    assert response.status_code == 303
    assert Person.get(Person.surname == "Иванов").position == "учитель математики"


@pytest.mark.quality("validation")
def test_the_same_person_twice_is_refused_beside_the_name(client, coordinator, school):
    client.get("/staff/people/new")
    assert client.post("/staff/people/new", PERSON).status_code == 303
    response = client.post("/staff/people/new", {**PERSON, "surname": "ИВАНОВ", "first_name": "Петр"})
    assert response.status_code == 422
    assert field_errors(response, "surname") == [f"Иванов Петр Сергеевич, {BORN} уже есть в списке школы."]
    assert Person.select().where(Person.surname == "Иванов").count() == 1


@pytest.mark.quality("validation")
@pytest.mark.parametrize("field,value,message", [
    ("birth_date", "", "Не указана дата рождения."),
    ("birth_date", "12/03/2012", "Дата рождения «12/03/2012» не в формате ДД.ММ.ГГГГ."),
    ("birth_date", "31.02.2012", "Дата рождения 31.02.2012 не существует."),
    ("school_class", "12А", "Класс «12А» не распознан: нужны число от 1 до 11 и буква, например 7Б."),
    ("surname", "", "Не указана фамилия."),
    ("sex", "", "Не указан пол."),
    ("email", "не адрес", "Адрес электронной почты «не адрес» не похож на адрес."),
    ("surname", "Иванов\x00", "Значение содержит недопустимые символы."),
])
def test_bad_input_is_refused_beside_the_field(client, coordinator, school, field, value, message):
    """A student's birth date is required: who is a minor (and whose parent signs) is computed from it."""
    client.get("/staff/people/new")
    response = client.post("/staff/people/new", {**PERSON, field: value})
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert students().count() == 0


# --- importing class lists ----------------------------------------------------------------------------

GOOD_ROWS = (
    f"Иванов;Пётр;Сергеевич;м;{BORN};7Б",
    f"Петрова;Анна;Олеговна;ж;01.09.{YEAR - 12};7б",
    f"Сидоров;Илья;;муж;5.1.{YEAR - 10};5 А",
)


@pytest.mark.quality("mail")
@pytest.mark.parametrize("title", ["Эл. почта", "E-mail", "Электронная почта"])
def test_an_email_column_fills_the_address_and_a_bad_one_imports_nothing(client, coordinator, school, title):
    """The address mail goes to (README «Mail») comes with the class list; a bad one stops the whole file."""
    bad = upload(client, csv_file(f"{HEADER};{title}", f"Иванов;Пётр;Сергеевич;м;{BORN};7Б;ivanov@example.org",
                                  f"Петрова;Анна;Олеговна;ж;{BORN};7Б;не адрес"))
    assert "«не адрес» не похож на адрес" in text(bad) and students().count() == 0
    upload(client, csv_file(f"{HEADER};{title}", f"Иванов;Пётр;Сергеевич;м;{BORN};7Б;ivanov@example.org"))
    assert commit(client).status_code == 303
    assert students().get().email == "ivanov@example.org"


@pytest.mark.clause("4.5", "3.2")
def test_a_utf8_semicolon_list_is_previewed_then_committed(client, coordinator, school, app):
    data = "\ufeff".encode() + csv_file(HEADER + ";СНИЛС", *(row + ";" for row in GOOD_ROWS))
    preview = upload(client, data)
    page = text(preview)
    assert preview.status_code == 200
    assert "Проверка пройдена" in page and "Иванов Пётр Сергеевич" in page and "СНИЛС" in page
    assert students().count() == 0 and len(pending_files(app)) == 1  # a preview writes nothing

    response = commit(client)
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/people")
    assert ("success", "Импортировано человек: 3; новых классов: 2.") in flashed(client)  # shown on the roster page
    by_name = {p.surname: p for p in students()}
    assert set(by_name) == {"Иванов", "Петрова", "Сидоров"}
    assert by_name["Петрова"].sex == "f" and by_name["Петрова"].school_class.name == "7Б"
    assert by_name["Сидоров"].birth_date == date(YEAR - 10, 1, 5) and by_name["Сидоров"].school_class.name == "5А"
    assert sorted(c.name for c in SchoolClass.select()) == ["5А", "7Б"]
    event = AuditEvent.get(AuditEvent.action == "roster.imported")
    assert event.details_dict["people"] == 3 and event.details_dict["classes_created"] == 2
    assert AuditEvent.select().where(AuditEvent.action == "roster.imported").count() == 1
    assert pending_files(app) == []


@pytest.mark.clause("4.5", "3.2")
def test_a_windows1251_comma_list_with_types(client, coordinator, school):
    data = csv_file("ФАМИЛИЯ;имя;Отчество;Пол;Дата рождения;Класс;Тип;Телефон",
                    f"Ёлкина;Мария;Ивановна;женский;02.02.{YEAR - 15};9В;;",
                    'Кузнецов;Олег;Петрович;мужской;;;сотрудник;"+7 (4852) 11-22-33"',
                    encoding="cp1251", sep=",")
    assert upload(client, data).status_code == 200
    assert commit(client).status_code == 303
    assert Person.get(Person.surname == "Ёлкина").school_class.name == "9В"
    teacher = Person.get(Person.surname == "Кузнецов")
    assert teacher.kind == "staff" and teacher.phone == "+7 (4852) 11-22-33" and teacher.school_class is None


@pytest.mark.quality("validation")
def test_a_file_with_bad_rows_imports_nothing_and_lists_each_line(client, coordinator, school, app):
    data = csv_file(HEADER, GOOD_ROWS[0], f"Петрова;Анна;;ж;;7Б", "", f"Орлов;Иван;;м;31.02.{YEAR - 12};7Б",
                    f"Котов;Иван;;x;{BORN};15Я")
    response = upload(client, data)
    assert response.status_code == 422
    page = text(response)
    assert "ничего не импортировано" in page
    for problem in ("Строка 3: не указана дата рождения", f"Строка 5: дата рождения 31.02.{YEAR - 12} не существует",
                    "Строка 6: пол «x» не распознан", "Строка 6: класс «15Я» не распознан"):
        assert problem in page
    assert "Строка 2:" not in page
    assert students().count() == 0 and pending_files(app) == []
    response = commit(client)  # nothing was kept for a commit
    assert response.status_code == 303 and students().count() == 0


@pytest.mark.quality("validation")
@pytest.mark.parametrize("data", [
    HEADER.encode("utf-16") + b"\r\n\x00",                             # UTF-16 from «Unicode text»
    bytes(range(256)) * 4,                                             # binary
    csv_file(HEADER, GOOD_ROWS[0], encoding="koi8-r"),                 # neither UTF-8 nor cp1251
], ids=["utf-16", "binary", "koi8-r"])
def test_a_file_in_a_wrong_encoding_gets_a_clear_message(client, coordinator, school, data):
    response = upload(client, data)
    assert response.status_code == 422
    assert "сохраните список как CSV в кодировке UTF-8 или Windows-1251" in " ".join(error_messages(response))
    assert students().count() == 0


@pytest.mark.quality("validation")
@pytest.mark.parametrize("data,message", [
    (b"PK\x03\x04 excel", "Это файл Excel, а нужен CSV"),
    (b"", "Файл пустой."),
    (b" \r\n", "Файл пустой."),
    (csv_file("Фамилия;Имя;Дата рождения", GOOD_ROWS[0]), "В первой строке файла нет столбцов «Пол»."),
    (csv_file("ФИО;Пол", "Иванов Пётр;м"), "Фамилия, имя и отчество нужны в отдельных столбцах"),
    (csv_file(HEADER), "В файле нет ни одной строки с людьми"),
    (b"x" * (2 * 1024 * 1024 + 1), "Файл больше 2 МБ"),
], ids=["xlsx", "empty", "blank", "no-sex-column", "fio-column", "header-only", "too-big"])
def test_a_file_that_is_no_class_list_is_refused(client, coordinator, school, data, message):
    response = upload(client, data)
    assert response.status_code == 422
    assert message in text(response)
    assert students().count() == 0


@pytest.mark.quality("validation")
def test_duplicates_in_the_file_and_against_the_roster(client, coordinator, school, make_person):
    make_person(kind="student", surname="Иванов", first_name="Пётр", patronymic="Сергеевич",
                birth_date=date(YEAR - 12, 3, 12))
    data = csv_file(HEADER, GOOD_ROWS[1], GOOD_ROWS[0], f"ПЕТРОВА;анна;Олеговна;Ж;01.09.{YEAR - 12};7Б")
    response = upload(client, data)
    assert response.status_code == 422
    page = text(response)
    assert f"Строка 3: Иванов Пётр Сергеевич, {BORN} уже есть в школе" in page
    assert "Строка 4: такой человек уже есть в списке (строка 2)" in page
    assert students().count() == 1


@pytest.mark.quality("concurrency")
def test_the_commit_checks_the_roster_again(client, coordinator, school):
    """Someone added the same child between the preview and the commit: still nothing is imported."""
    assert upload(client, csv_file(HEADER, *GOOD_ROWS)).status_code == 200
    client.get("/staff/people/new")
    assert client.post("/staff/people/new", PERSON).status_code == 303
    response = commit(client)
    assert response.status_code == 422
    assert f"Строка 2: Иванов Пётр Сергеевич, {BORN} уже есть в школе" in text(response)
    assert students().count() == 1


@pytest.mark.quality("idempotency")
def test_a_double_click_on_import_imports_once(client, coordinator, school):
    upload(client, csv_file(HEADER, *GOOD_ROWS))
    token = client.token
    first = commit(client)
    second = client.raw.post("/staff/people/import/commit", data={"csrf_token": token})
    assert first.status_code == 303 and second.status_code == 303
    assert "уже импортирован" in text(client.get(second.headers["Location"]))
    assert students().count() == 3


@pytest.mark.clause("4.11", "4.5")
def test_parent_columns_link_parents_confirmed_so_they_can_sign(client, coordinator, login, school, make_person,
                                                                make_account):
    known = make_person(kind="parent", sex="f", surname="Петрова", first_name="Ирина", patronymic="Павловна",
                        birth_date=None, phone="8 (910) 000-11-22")
    data = csv_file(PARENT_HEADER,
                    f"Иванов;Пётр;Сергеевич;м;{BORN};7Б;Иванова;Ольга;Николаевна;+7 910 123-45-67",
                    f"Иванова;Мария;Сергеевна;ж;03.04.{YEAR - 9};3А;Иванова;Ольга;Николаевна;8 910 123 45 67",
                    f"Петрова;Анна;Олеговна;ж;01.09.{YEAR - 12};7Б;Петрова;Ирина;Павловна;+79100001122",
                    f"Сидоров;Илья;;м;05.01.{YEAR - 10};5А;;;;")
    preview = upload(client, data)
    assert preview.status_code == 200 and "(уже в списке)" in text(preview)
    assert commit(client).status_code == 303

    mother = Person.get((Person.surname == "Иванова") & (Person.first_name == "Ольга"))
    assert mother.kind == "parent" and mother.sex == "f"
    links = list(Guardianship.select())
    assert len(links) == 3  # one mother of two children; a known parent reused by name and phone
    assert {link.child.first_name for link in links if link.parent_id == mother.id} == {"Пётр", "Мария"}
    assert [link.child.first_name for link in links if link.parent_id == known.id] == ["Анна"]
    assert all(link.confirmed_by_id == coordinator.person_id and link.confirmed_at for link in links)
    assert Person.select().where(Person.kind == "parent").count() == 2

    parent = make_account("parent", person=mother)
    client.post("/logout")
    client.get("/login")
    login(parent.login)
    client.get("/consent/esign")
    client.post("/consent/esign", {"agree": "y", "password": "correct horse battery"})
    son = Person.get(Person.first_name == "Пётр")
    assert client.get(f"/consent/{son.id}/parent_mentee").status_code == 200
    stranger = Person.get(Person.surname == "Сидоров")
    assert client.get(f"/consent/{stranger.id}/parent_mentee").status_code == 404


@pytest.mark.clause("4.4", "4.10")
def test_import_nominates_everyone_to_a_base_awaiting_consent(client, coordinator, school):
    fmt = MentoringFormat.of_school(school)[2]
    preview = upload(client, csv_file(HEADER, *GOOD_ROWS), mentoring_format=str(fmt.id), base="mentee")
    assert "базу наставляемых формы «Учитель – ученик»" in text(preview)
    assert commit(client).status_code == 303
    members = list(BaseMembership.select())
    assert len(members) == 3
    assert {(m.mentoring_format_id, m.base, m.status) for m in members} == {(fmt.id, "mentee", "awaiting_consent")}
    assert {m.nominated_by_id for m in members} == {coordinator.person_id}
    event = AuditEvent.get(AuditEvent.action == "roster.imported").details_dict
    assert event["nominated"] == 3 and event["format"] == fmt.id and event["base"] == "mentee"


@pytest.mark.clause("4.5", "4.4")
def test_a_curator_nominates_only_into_their_own_format(client, login_as, school):
    own, other = list(MentoringFormat.of_school(school))[:2]
    login_as("curator")
    page = text(client.get("/staff/people/import"))
    assert own.name in page and other.name not in page
    assert upload(client, csv_file(HEADER, *GOOD_ROWS), mentoring_format=str(other.id), base="mentor").status_code == 404
    assert upload(client, csv_file(HEADER, *GOOD_ROWS), mentoring_format="x", base="mentor").status_code == 404
    assert commit(client).status_code == 303
    assert students().count() == 0 and BaseMembership.select().count() == 0

    assert upload(client, csv_file(HEADER, *GOOD_ROWS), mentoring_format=str(own.id), base="mentor").status_code == 200
    assert commit(client).status_code == 303
    assert [(m.mentoring_format_id, m.base) for m in BaseMembership.select()] == [(own.id, "mentor")] * 3


@pytest.mark.quality("access")
@pytest.mark.parametrize("role", ["mentor", "mentee", "parent"])
def test_other_roles_cannot_fill_the_roster(client, login_as, school, role):
    login_as(role)
    assert client.get("/staff/people/new").status_code == 403
    assert client.get("/staff/people/import").status_code == 403
    assert client.post("/staff/people/new", PERSON).status_code == 403
    assert upload(client, csv_file(HEADER, *GOOD_ROWS)).status_code == 403
    assert commit(client).status_code == 403
    assert Person.select().where(Person.surname == "Иванов").count() == 0


@pytest.mark.quality("performance")
def test_two_thousand_rows_import_in_one_go(client, coordinator, school, make_person):
    make_person(kind="student", surname="Старожилов", birth_date=date(YEAR - 14, 1, 1))
    letters = "АБВГДЕЖИКЛ"
    rows = [f"Ученик-{word(n)};Иван;Петрович;{'м' if n % 2 else 'ж'};"
            f"{1 + n % 28:02d}.{1 + n % 12:02d}.{YEAR - 8 - n % 9};{1 + n % 11}{letters[n % 10]};"
            f"Родитель-{word(n // 2)};Мария;Ивановна;+7 900 {n // 2:07d}" for n in range(2000)]
    fmt = MentoringFormat.of_school(school).first()
    started = time.perf_counter()
    assert upload(client, csv_file(PARENT_HEADER, *rows), mentoring_format=str(fmt.id), base="mentee").status_code == 200
    previewed = time.perf_counter()
    assert commit(client).status_code == 303
    finished = time.perf_counter()
    print(f"\n2,000 rows: preview {previewed - started:.2f} s, commit {finished - previewed:.2f} s")
    assert students().count() == 2001
    assert Person.select().where(Person.kind == "parent").count() == 1000
    assert Guardianship.select().count() == 2000
    assert BaseMembership.select().where(BaseMembership.status == "awaiting_consent").count() == 2000
    assert Person.get(Person.surname == f"Ученик-{word(1999)}").school_class.name == "9Л"
