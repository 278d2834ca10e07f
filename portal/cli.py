"""flask commands: upgrade the schema, load the demo, create a real school, back up, send the mail."""
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from datetime import datetime
from pathlib import Path

import click

from portal.db import db, is_sqlite


def init_app(app):
    @app.cli.command("db-upgrade")
    def db_upgrade():
        """Apply every pending migration (an existing school's database upgrades in place), then freeze the
        documents issued before documents were frozen (migration 006's data step)."""
        from portal import schema
        app.config["INSTANCE_PATH"].mkdir(parents=True, exist_ok=True)
        from portal.services import freezing
        with db.connection_context():
            done = schema.upgrade()
            # Documents issued before 006 get their frozen copy now, in the same command (migration 006).
            frozen = freezing.freeze_missing()
        click.echo(f"Применено миграций: {len(done)}" + (f" ({', '.join(done)})" if done else ""))
        if frozen:
            click.echo(f"Зафиксировано выданных ранее документов: {sum(frozen.values())}")

    @app.cli.command("demo")
    @click.option("--if-new", is_flag=True, help="Only when the database holds no school yet.")
    def demo(if_new):
        """Load the demo school «МОУ СОШ № 62» with its demo logins."""
        from portal import demo as demo_data
        from portal.models import School
        with db.connection_context():
            if School.select().exists():
                if if_new:
                    click.echo("База уже содержит школу: демонстрационные данные не загружаются.")
                    return
                raise click.ClickException("База уже содержит школу.")
            demo_data.load()
        click.echo("Демонстрационная школа загружена. Логины: " + ", ".join(demo_data.LOGINS)
                   + f"; пароль {demo_data.PASSWORD}")

    @app.cli.command("create-school")
    @click.option("--name", prompt="Полное название школы")
    @click.option("--short-name", prompt="Краткое название", default="")
    @click.option("--surname", prompt="Фамилия координатора")
    @click.option("--first-name", prompt="Имя координатора")
    @click.option("--patronymic", prompt="Отчество координатора", default="")
    @click.option("--sex", prompt="Пол координатора (m/f)", type=click.Choice(["m", "f"]))
    @click.option("--login", prompt="Логин координатора")
    def create_school(name, short_name, surname, first_name, patronymic, sex, login):
        """Create a real, empty school and print its coordinator's invitation code."""
        from portal.services import ServiceError
        from portal.services.school import create_school as create
        with db.connection_context():
            try:
                school, code = create(name, short_name, {"surname": surname, "first_name": first_name,
                                                         "patronymic": patronymic, "sex": sex}, login,
                                      invitation_ttl=app.config["INVITATION_TTL"])
            except ServiceError as exc:
                raise click.ClickException(exc.message)
        click.echo(f"Школа «{school.name}» создана.\nЛогин координатора: {login.strip().lower()}\n"
                   f"Код приглашения: {code}\nОткройте /invitation и задайте пароль с этим кодом.")

    @app.cli.command("destroy-due")
    def destroy_due():
        """Destroy the personal data whose 30 days after a withdrawal have run out (run it daily, e.g. from cron)."""
        from portal.formatting import plural
        from portal.services import consent
        with db.connection_context():
            count = consent.destroy_due()
        if count:
            closed = plural(count, "отозванному согласию", "отозванным согласиям", "отозванным согласиям")
            click.echo(f"Уничтожены персональные данные по {closed}.")
        else:
            click.echo("Уничтожать нечего: срок ни по одному отозванному согласию ещё не наступил.")

    @app.cli.command("notify-overdue")
    def notify_overdue():
        """Remind everyone who still owes answers to a monitoring round open too long (run it daily; a reminder
        still unread is not repeated, so a second run the same day writes nothing)."""
        from portal.formatting import plural
        from portal.services import monitoring
        with db.connection_context():
            count = monitoring.notify_overdue()
        if count:
            written = plural(count, "уведомление", "уведомления", "уведомлений")
            click.echo(f"Напоминания об анкетах мониторинга: {written}.")
        else:
            click.echo("Напоминать некому: просроченных анкет мониторинга без напоминания нет.")

    @app.cli.command("mail-worker")
    @click.option("--once", is_flag=True, help="Send one batch and stop (tests, cron).")
    @click.option("--interval", default=30, show_default=True, help="Seconds between batches.")
    def mail_worker(once, interval):
        """Mail the outbox: one mail per person at most every 10 minutes, retried while the relay is down
        (DECISIONS.md «Notifications and running for real»). Run one worker per database."""
        from portal.services import mail
        from portal.web import mail as web_mail
        settings = mail.Settings.from_config(app.config)
        problem = settings.problem()
        if problem:
            raise click.ClickException(problem)
        if not app.config["PORTAL_URL"]:
            raise click.ClickException("Не задан PORTAL_URL: письма ссылаются на портал "
                                       "(например, PORTAL_URL=https://nastavnik.school62.ru).")
        while True:
            with web_mail.url_context(app), db.connection_context():
                result = mail.run_batch(settings, web_mail.links(), log=lambda text: click.echo(text, err=True))
                left = mail.waiting()
            if once or result.sent or result.failed or result.dropped:
                click.echo(f"Отправлено писем: {result.sent}; ждут повтора: {result.failed}; "
                           f"не будут отправлены: {result.dropped}; в очереди уведомлений: {left['waiting']}")
            if once:
                return
            time.sleep(interval)

    @app.cli.command("backup")
    @click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
    def backup(target):
        """One archive (.tar) while the portal serves: the database copy (SQLite online backup as
        portal.db; pg_dump as portal.dump) and every uploaded file under files/ — README «Backup and restore».

        The database is copied first and the files after: an upload writes its bytes before its row, so
        every file a row in the copy names is already on disk when the files are read. The archive is
        written under a temporary name and renamed at the end: a failed backup leaves no half archive."""
        from portal.services import uploads
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        with tempfile.TemporaryDirectory(dir=target.parent) as work:
            if is_sqlite():
                copy_path = Path(work) / "portal.db"
                source = sqlite3.connect(db.obj.database)
                with sqlite3.connect(copy_path) as copy:
                    source.backup(copy)
                copy.close()
                source.close()
            else:
                if not shutil.which("pg_dump"):
                    raise click.ClickException("pg_dump не найден: установите postgresql-client.")
                copy_path = Path(work) / "portal.dump"
                subprocess.run(["pg_dump", "--format=custom", "--file", str(copy_path), app.config["DATABASE_URL"]],
                               check=True)
            files = uploads.Store.root
            try:
                with tarfile.open(partial, "w") as tar:
                    tar.add(copy_path, arcname=copy_path.name)
                    if files is not None and files.is_dir():
                        tar.add(files, arcname="files")
                    count = sum(1 for member in tar.getmembers()
                                if member.isfile() and member.name.startswith("files/"))
            except BaseException as error:
                partial.unlink(missing_ok=True)  # a half archive must not pass for a backup
                if isinstance(error, OSError):
                    raise click.ClickException(f"Резервная копия не создана: {error.strerror or error}.") from error
                raise
        partial.replace(target)
        click.echo(f"Резервная копия: {target} ({datetime.now():%d.%m.%Y %H:%M}): база данных "
                   f"({copy_path.name}) и загруженные файлы ({count})")
