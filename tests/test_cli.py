"""The commands a school runs: upgrade, demo, create-school, backup."""
import re
import sqlite3
import tarfile

import pytest

from portal import create_app
from portal.config import TestConfig
from portal.db import db
from portal.models import Account, Order, RoleGrant, School, StoredFile, TargetModelVersion


@pytest.fixture
def cli_app(tmp_path):
    """An app on an empty SQLite file: the commands must build everything themselves."""
    class Config(TestConfig):
        DATABASE_URL = f"sqlite:///{tmp_path / 'portal.db'}"
        INSTANCE_PATH = tmp_path

    app = create_app(Config)
    yield app
    if not db.is_closed():
        db.close()


def run(app, *args, **kw):
    result = app.test_cli_runner().invoke(args=list(args), **kw)
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_loads_only_into_a_new_database(cli_app):
    assert "Применено миграций" in run(cli_app, "db-upgrade")
    assert "Применено миграций: 0" in run(cli_app, "db-upgrade")  # upgrading again is a no-op
    assert "Демонстрационная школа загружена" in run(cli_app, "demo", "--if-new")
    assert "не загружаются" in run(cli_app, "demo", "--if-new")
    with db.connection_context():
        assert School.select().count() == 1 and School.get().is_demo
        assert {a.login for a in Account.select()} >= {"coordinator", "curator", "mentor", "mentee", "parent"}
        assert TargetModelVersion.select().count() == 1  # the registry of documents (s10) is not empty
        # The demo's curators are appointed by a registered order «О назначении координатора и кураторов» (4.3).
        order = Order.get(Order.kind == "appointment")
        assert (order.status, order.number) == ("registered", "45-од")
        grants = RoleGrant.select().where((RoleGrant.role == "curator") & RoleGrant.mentoring_format.is_null(False))
        assert grants.count() == 3 and {g.order_number for g in grants} == {"45-од"}


@pytest.mark.clause("4.2")
def test_create_school_gives_an_empty_school_and_a_working_invitation(cli_app):
    run(cli_app, "db-upgrade")
    out = run(cli_app, "create-school", "--name", "МОУ СОШ № 7 г. Ярославля", "--short-name", "СОШ № 7",
              "--surname", "Кузнецова", "--first-name", "Мария", "--patronymic", "Ивановна", "--sex", "f",
              "--login", "Kuznetsova")
    code = re.search(r"Код приглашения: (\S+)", out).group(1)
    with db.connection_context():
        school = School.get()
        assert not school.is_demo
        assert Account.select().count() == 1
    client = cli_app.test_client()
    page = client.get("/invitation").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/invitation", data={"csrf_token": token, "code": code,
                                               "password": "a long school password", "confirm": "a long school password"})
    assert response.status_code == 303
    assert client.get("/coordinator/", follow_redirects=True).status_code == 200


def _unpack(archive, into):
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into


@pytest.mark.quality("security")
def test_backup_is_a_consistent_copy_that_opens(cli_app, tmp_path):
    run(cli_app, "db-upgrade")
    run(cli_app, "demo")
    target = tmp_path / "backups" / "copy.tar"
    out = run(cli_app, "backup", str(target))
    with db.connection_context():
        files = StoredFile.select().count()  # the demo's uploads: a scanned agreement, the target model, …
    assert files and "Резервная копия" in out and f"база данных (portal.db) и загруженные файлы ({files})" in out
    assert [p.name for p in target.parent.iterdir()] == ["copy.tar"]  # one archive, nothing half-written beside it
    restored = _unpack(target, tmp_path / "restored")
    with sqlite3.connect(restored / "portal.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT short_name FROM school").fetchone()[0] == "МОУ СОШ № 62"
        scans = copy.execute("SELECT stored_as FROM stored_file").fetchall()
    # The uploaded files are in the same archive: every row points at a file there.
    assert scans and all((restored / "files" / name[:2] / name).is_file() for (name,) in scans)


@pytest.mark.quality("security")
def test_a_backup_holds_a_file_uploaded_before_it_and_restores_as_the_readme_says(cli_app, tmp_path):
    """README «Backup and restore»: unpack the archive, put portal.db and files/ into the instance directory;
    the restored portal serves the file uploaded before the backup, byte for byte."""
    from portal.services import uploads
    run(cli_app, "db-upgrade")
    run(cli_app, "demo")
    scan = b"%PDF-1.4\n% the signed order, scanned before the backup\n%%EOF\n"
    with db.connection_context():
        uploaded = uploads.store(School.get().id, None, "Приказ № 12-од (скан).pdf", scan, purpose="test")
    target = tmp_path / "copy.tar"
    run(cli_app, "backup", str(target))
    with db.connection_context():  # after the backup: not in it
        later = uploads.store(School.get().id, None, "позже.pdf", scan + b"later")

    instance = _unpack(target, tmp_path / "restored-instance")

    class Restored(TestConfig):
        DATABASE_URL = f"sqlite:///{instance / 'portal.db'}"
        INSTANCE_PATH = instance

    create_app(Restored)
    with db.connection_context():
        kept = StoredFile.get(StoredFile.sha256 == uploaded.sha256)
        assert kept.name == "Приказ № 12-од (скан).pdf"
        assert uploads.read(kept) == scan
        assert not StoredFile.select().where(StoredFile.sha256 == later.sha256).exists()


CREATE = {"--name": "МОУ СОШ № 7 г. Ярославля", "--short-name": "СОШ № 7", "--surname": "Кузнецова",
          "--first-name": "Мария", "--patronymic": "Ивановна", "--sex": "f", "--login": "kuznetsova"}


@pytest.mark.quality("validation")
@pytest.mark.parametrize("option, value, message", [
    ("--name", "<script>alert(1)</script> СОШ № 7", "Полное название школы: только буквы, цифры"),
    ("--name", "СОШ <b>№ 7</b>", "Полное название школы: только буквы, цифры"),
    ("--short-name", "<img src=x onerror=alert(1)>", "Краткое название: только буквы, цифры"),
    ("--name", "Школа " + "о" * 200, "Полное название школы: не длиннее 200 символов"),
    ("--surname", "<script>alert(1)</script>", "Фамилия координатора: только буквы, дефис"),
    ("--first-name", "Мария<br>", "Имя координатора: только буквы, дефис"),
    ("--patronymic", "Ивановна\x07", "Отчество координатора: только буквы, дефис"),
    ("--first-name", " ", "Имя координатора: заполните"),
    ("--login", "<b>kuz</b>", "Логин: от 3 до 64 латинских букв"),
])
def test_create_school_refuses_what_the_pages_refuse_and_writes_nothing(cli_app, option, value, message):
    """Names typed at the console follow the rules of the pages; a refusal says why and leaves the database empty."""
    run(cli_app, "db-upgrade")
    args = [part for key, default in CREATE.items() for part in (key, value if key == option else default)]
    result = cli_app.test_cli_runner().invoke(args=["create-school", *args])
    assert result.exit_code != 0
    assert message in result.output
    with db.connection_context():
        assert School.select().count() == 0 and Account.select().count() == 0


@pytest.mark.quality("validation")
def test_create_school_takes_the_punctuation_of_an_official_name(cli_app):
    run(cli_app, "db-upgrade")
    name = "Муниципальное общеобразовательное учреждение «Средняя школа № 7 им. А. С. Пушкина» (МОУ СШ № 7)"
    args = [part for key, default in CREATE.items() for part in (key, name if key == "--name" else default)]
    out = run(cli_app, "create-school", *args, "--surname", "Римская-Корсакова", "--patronymic", "")
    assert f"Школа «{name}» создана" in out
    with db.connection_context():
        assert School.get().name == name


@pytest.mark.quality("security")
def test_a_failed_backup_leaves_no_half_written_archive(cli_app, tmp_path, monkeypatch):
    run(cli_app, "db-upgrade")
    run(cli_app, "demo")

    def unreadable(self, name, *args, **kwargs):
        raise PermissionError(13, "Отказано в доступе", str(name))

    monkeypatch.setattr(tarfile.TarFile, "add", unreadable)
    target = tmp_path / "backups" / "copy.tar"
    result = cli_app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "Резервная копия не создана" in result.output
    assert list(target.parent.iterdir()) == []  # neither the archive nor its .part
