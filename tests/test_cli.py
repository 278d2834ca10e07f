"""The commands a school runs: upgrade, demo, create-school, backup."""
import re
import sqlite3

import pytest

from portal import create_app
from portal.config import TestConfig
from portal.db import db
from portal.models import Account, School


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


@pytest.mark.clause("2.6")
def test_demo_loads_only_into_a_new_database(cli_app):
    assert "Применено миграций" in run(cli_app, "db-upgrade")
    assert "Применено миграций: 0" in run(cli_app, "db-upgrade")  # upgrading again is a no-op
    assert "Демонстрационная школа загружена" in run(cli_app, "demo", "--if-new")
    assert "не загружаются" in run(cli_app, "demo", "--if-new")
    with db.connection_context():
        assert School.select().count() == 1 and School.get().is_demo
        assert {a.login for a in Account.select()} >= {"coordinator", "curator", "mentor", "mentee", "parent"}


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


def test_backup_is_a_consistent_copy_that_opens(cli_app, tmp_path):
    run(cli_app, "db-upgrade")
    run(cli_app, "demo")
    target = tmp_path / "backups" / "copy.db"
    assert "Резервная копия" in run(cli_app, "backup", str(target))
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT short_name FROM school").fetchone()[0] == "МОУ СОШ № 62"
