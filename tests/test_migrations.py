"""Migrations against the models (ARCHITECTURE.md "Data", DECISIONS.md "Tests and benchmark").

1. Every migration applied to an empty database gives the schema `create_tables(MODELS)` gives:
   columns (name, type as the database reports it, nullability, database-level default), indexes
   (columns, uniqueness) and foreign keys (column -> table.column, ON DELETE / ON UPDATE).
2. A database filled under the first migration's schema upgrades to the head with its rows intact
   and readable through the current models.
3. The models and the migrations agree: peewee-migrate's auto-diff (what `create --auto` would
   write) finds nothing, so a model changed without a migration fails the suite.

Each test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL names a server (CI). On
PostgreSQL the test creates throwaway databases next to TEST_DATABASE_URL's (never touching that one,
which conftest's `migrated_postgres` owns) and drops them afterwards.
"""
import hashlib
import os
from contextlib import contextmanager
from datetime import date, datetime

import pytest
from peewee_migrate.router import compile_migrations

from portal import schema
from portal.db import database_from_url, db
from portal.models import MODELS
from portal.models.base import BaseModel
from tests.conftest import PG_URL, pg_admin, pg_database_beside

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
HISTORY_TABLE = "migratehistory"

pytestmark = pytest.mark.quality("migration")
MODEL_TABLES = {m._meta.table_name: m for m in MODELS}


# --- databases ---------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=BACKENDS)
def new_database(request, tmp_path_factory):
    """A factory of empty databases on one backend, built as the app builds them; all of them are
    removed when the module's tests on that backend are done."""
    created = []
    tmp_path = tmp_path_factory.mktemp("migrations")

    def make(label: str):
        if request.param == "sqlite":
            database = database_from_url(f"sqlite:///{tmp_path / label}.db")
            created.append((database, None))
            return database
        name, url = pg_database_beside(f"cmp_{os.getpid()}_{label}")
        database = database_from_url(url)
        created.append((database, name))
        return database

    yield make
    for database, pg_name in created:
        if pg_name is None:
            database.close()
        else:
            database.close_all()
            pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", pg_name)


@contextmanager
def bound(database):
    """Point the app's database proxy, and so the models and portal.schema, at `database`."""
    previous = db.obj
    db.initialize(database)
    try:
        with database.connection_context():
            yield database
    finally:
        db.initialize(previous)


# --- introspection -----------------------------------------------------------------------------

def describe(database, table):
    """The table as the database reports it, in a form two databases can be compared by."""
    columns = {
        c.name: {
            # full_type keeps the length on PostgreSQL ("character varying(200)"); SQLite
            # reports the declared type ("VARCHAR(200)") in both fields.
            "type": c.full_type or c.data_type,
            "null": c.null,
            "primary_key": c.primary_key,
            "default": c.default,
        }
        for c in database.get_columns(table)
    }
    indexes = sorted((tuple(i.columns), i.unique) for i in database.get_indexes(table))
    index_names = sorted((tuple(i.columns), i.name) for i in database.get_indexes(table))
    foreign_keys = sorted(
        (fk.column, f"{fk.dest_table}.{fk.dest_column}", (fk.on_delete or "").upper(),
         (fk.on_update or "").upper())
        for fk in database.get_foreign_keys(table)
    )
    return {"columns": columns, "indexes": indexes, "foreign_keys": foreign_keys, "index_names": index_names}


def differences(table, migrated, created):
    """Readable lines for what differs between the migrated table and the one the models create."""
    lines = []
    m_cols, c_cols = migrated["columns"], created["columns"]
    for name in sorted(set(m_cols) | set(c_cols)):
        if name not in c_cols:
            lines.append(f"{table}.{name}: only in the migrated database {m_cols[name]}")
        elif name not in m_cols:
            lines.append(f"{table}.{name}: only in the models {c_cols[name]}")
        else:
            for key in m_cols[name]:
                if m_cols[name][key] != c_cols[name][key]:
                    lines.append(f"{table}.{name}: {key} is {m_cols[name][key]!r} after the migrations, "
                                 f"{c_cols[name][key]!r} from the models")
    for part, what in (("indexes", "index"), ("foreign_keys", "foreign key")):
        for item in sorted(set(migrated[part]) - set(created[part])):
            lines.append(f"{table}: {what} only after the migrations: {item}")
        for item in sorted(set(created[part]) - set(migrated[part])):
            lines.append(f"{table}: {what} only from the models: {item}")
    return lines


def schema_of(database):
    with database.connection_context():
        tables = set(database.get_tables()) - {HISTORY_TABLE}
        return tables, {table: describe(database, table) for table in sorted(tables)}


# --- 1. migrations == models -------------------------------------------------------------------

@pytest.fixture(scope="module")
def schemas(new_database):
    """(migrated, created): every migration applied to one empty database, create_tables(MODELS)
    run on another, each described table by table."""
    migrated_db, created_db = new_database("migrated"), new_database("created")
    with bound(migrated_db):
        applied = schema.upgrade()
        assert applied == schema.router().todo, "an empty database gets every migration, in order"
    with bound(created_db):
        db.create_tables(MODELS)

    migrated_tables, migrated = schema_of(migrated_db)
    created_tables, created = schema_of(created_db)
    assert created_tables == set(MODEL_TABLES)
    assert migrated_tables == set(MODEL_TABLES), "tables the migrations create vs portal.models.MODELS"
    return migrated, created


def test_migrations_build_the_schema_the_models_describe(schemas):
    migrated, created = schemas
    problems = [line for table in sorted(MODEL_TABLES)
                for line in differences(table, migrated[table], created[table])]
    assert not problems, "the migrations and the models disagree:\n  " + "\n  ".join(problems)

    # The comparison is not vacuous: the details it compares are really reported by this backend.
    person = migrated["person"]
    assert ("school_id", "school.id", "CASCADE", "NO ACTION") in person["foreign_keys"]
    assert ("school_class_id", "school_class.id", "SET NULL", "NO ACTION") in person["foreign_keys"]
    assert person["columns"]["birth_date"]["null"] and not person["columns"]["surname"]["null"]
    assert "200" in person["columns"]["position"]["type"]
    assert (("login",), True) in migrated["account"]["indexes"]
    assert (("school_id", "surname", "first_name"), False) in person["indexes"]
    assert ("supersedes_id", "meeting.id", "RESTRICT", "NO ACTION") in migrated["meeting"]["foreign_keys"]


def test_index_names_are_the_models_own(schemas):
    """Index names matter to later migrations: migrator.drop_index finds an index by the name
    playhouse.migrate.make_index_name(table, columns) gives it, i.e. after the table. Every
    create_model in a migration therefore declares legacy_table_names = False (coleifer/peewee#1739)."""
    migrated, created = schemas
    problems = [f"{table}: {name} after the migrations, {dict(created[table]['index_names']).get(columns)} "
                f"from the models"
                for table in sorted(MODEL_TABLES)
                for columns, name in migrated[table]["index_names"]
                if (columns, name) not in created[table]["index_names"]]
    assert not problems, "index names differ:\n  " + "\n  ".join(problems)


def test_foreign_key_actions_are_the_models_own(schemas):
    """ON DELETE as declared on each ForeignKeyField, so RESTRICT on evidence rows cannot drift."""
    migrated, _ = schemas
    reported = {(table, column): on_delete
                for table in MODEL_TABLES for column, _, on_delete, _ in migrated[table]["foreign_keys"]}
    declared = {(m._meta.table_name, f.column_name): (f.on_delete or "NO ACTION").upper()
                for m in MODELS for f in m._meta.refs}
    assert reported == declared


# --- 2. a filled database upgrades with its rows intact ----------------------------------------

AT = datetime(2025, 9, 1, 8, 30, 15, 123456)


def fill(orm):
    """Rows under the first migration's schema (its own models, as that migration left them):
    one school's people, accounts, consent evidence, a pair and its meeting. Returns
    [(table, id, {column: value})] for every row written."""
    written = []

    def add(table, **values):
        model = orm[table]
        row_id = model.insert(**values).execute()
        columns = {model._meta.fields[name].column_name: value for name, value in values.items()}
        written.append((table, row_id, columns))
        return row_id

    school = add("school", name="Муниципальное общеобразовательное учреждение «СОШ № 62»",
                 short_name="МОУ «СОШ № 62»", address="г. Ярославль, ул. Строителей, д. 5",
                 director_name="Кузнецова Ольга Петровна", is_demo=False, created_at=AT)
    klass = add("school_class", school=school, name="7Б")
    coordinator = add("person", school=school, kind="staff", surname="Смирнова", first_name="Елена",
                      patronymic="Викторовна", sex="f", birth_date=date(1979, 3, 14),
                      position="заместитель директора", organisation="", phone="+7 900 000-00-01",
                      email="smirnova@example.org", created_at=AT)
    mentor = add("person", school=school, kind="student", surname="Петрова", first_name="Анна",
                 patronymic="Сергеевна", sex="f", birth_date=date(2008, 11, 2), school_class=klass,
                 position="", organisation="", phone="", email="", created_at=AT)
    mentee = add("person", school=school, kind="student", surname="Иванов", first_name="Пётр",
                 patronymic="Алексеевич", sex="m", birth_date=date(2012, 5, 20), school_class=klass,
                 position="", organisation="", phone="", email="", created_at=AT, destroyed_at=None)
    parent = add("person", school=school, kind="parent", surname="Иванова", first_name="Мария",
                 patronymic="Игоревна", sex="f", birth_date=None, position="", organisation="ООО «Ромашка»",
                 phone="+7 900 000-00-02", email="", created_at=AT)
    add("guardianship", parent=parent, child=mentee, basis="мать", confirmed_by=coordinator,
        confirmed_at=AT, created_at=AT)
    fmt = add("mentoring_format", school=school, name="Ученик – ученик", description="Старшие помогают младшим",
              mentor_kind="student", mentee_kind="student", is_active=True, created_at=AT)
    programme = add("programme", mentoring_format=fmt, title="Программа «Ученик – ученик» 2025/26",
                    goals="Адаптация в 5–7 классах", expected_results="", starts_on=date(2025, 9, 1),
                    ends_on=date(2026, 5, 31), presented_teachers_council_on=date(2025, 8, 29), created_at=AT)
    account = add("account", school=school, person=coordinator, login="smirnova",
                  password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", session_version=3,
                  is_active=True, created_at=AT, last_login_at=AT, regulation_acknowledged_at=AT)
    add("role_grant", account=account, role="coordinator", mentoring_format=None, granted_by=None,
        granted_at=AT, order_number="12-од", order_date=date(2025, 8, 30))
    add("acknowledgement", person=mentee, programme=programme, acknowledged_at=AT, ip="10.0.0.7")
    membership = add("base_membership", mentoring_format=fmt, person=mentee, base="mentee", status="active",
                     can_help_with="", needs="математика", self_description="", capacity=1,
                     nominated_by=coordinator, nominated_at=AT)
    add("membership_category", membership=membership, code="low_results", other_text="")
    document = add("consent_document", school=school, kind="parent_mentee", version=1,
                   title="Согласие законного представителя", body="Я, законный представитель…",
                   sha256="a" * 64, created_by=coordinator, created_at=AT)
    add("consent", document=document, subject=mentee, signer=parent, text_sha256="a" * 64,
        identity_document="паспорт 7800 123456", address="г. Ярославль", signed_at=AT,
        ip="10.0.0.8", user_agent="Mozilla/5.0")
    pair = add("mentorship", mentoring_format=fmt, programme=programme, mentor=mentor, status="active",
               created_at=AT, status_changed_at=AT, ended_reason="")
    add("mentorship_member", mentorship=pair, mentee=mentee, joined_at=AT)
    order = add("order", school=school, kind="pairs", title="Об утверждении наставнических пар",
                status="registered", number="15-од", dated_on=date(2025, 9, 5), created_by=coordinator,
                created_at=AT, registered_by=coordinator, registered_at=AT)
    add("order_item", order=order, mentorship=pair)
    meeting = add("meeting", mentorship=pair, stage="first", status="held", held_on=date(2025, 9, 10),
                  duration_minutes=40, format="in_person", topic="Знакомство", notes="Обсудили цели",
                  next_steps="", logged_by=mentor, logged_at=AT)
    add("meeting", mentorship=pair, stage="first", status="held", held_on=date(2025, 9, 10),
        duration_minutes=45, format="in_person", topic="Знакомство", notes="Обсудили цели и план",
        next_steps="", logged_by=mentor, logged_at=AT, supersedes=meeting)
    add("audit_event", school=school, actor=coordinator, action="order.registered", object_type="order",
        object_id=order, details='{"number": "15-од"}', ip="10.0.0.7", created_at=AT)
    return written


def test_filled_database_upgrades_to_head_with_rows_intact(new_database):
    """Personalised records survive upgrades: whatever the head is, rows written under the first
    migration's schema read back unchanged through today's models after every later migration ran
    on them (were 001 the only migration, the upgrade would apply nothing and the test would still
    check that today's models read the first schema's rows). A migration that renames or drops one
    of the columns written here must say below where the value went."""
    database = new_database("filled")
    with bound(database):
        router = schema.router()
        first, *later = router.todo
        assert router.run(first) == [first]
        written = fill(router.migrator.orm)

        assert schema.upgrade() == later
        assert schema.pending() == []

        for table, count in _counts(written).items():
            assert MODEL_TABLES[table].select().count() == count, table
        for table, row_id, columns in written:
            model = MODEL_TABLES[table]
            row = model.get_by_id(row_id)
            by_column = {f.column_name: f.name for f in model._meta.sorted_fields}
            stored = {column: row.__data__.get(by_column[column]) for column in columns if column in by_column}
            assert set(columns) <= set(by_column), f"{table}: columns gone after the upgrade"
            assert stored == columns, f"{table} #{row_id} changed by the upgrade"
        # Every current model reads every column of its table, joins included.
        for model in MODELS:
            list(model.select())
        Person, Mentorship = MODEL_TABLES["person"], MODEL_TABLES["mentorship"]
        pair = (Mentorship.select(Mentorship, Person).join(Person, on=Mentorship.mentor)
                .where(Mentorship.status == "active").get())
        assert pair.mentor.full_name == "Петрова Анна Сергеевна"
        assert [m.mentee.short_name for m in pair.members] == ["Иванов П. А."]


def _counts(written):
    counts = {}
    for table, _, _ in written:
        counts[table] = counts.get(table, 0) + 1
    return counts


# --- 3. models and migrations agree ------------------------------------------------------------

def _auto_migration(router):
    """What `pw_migrate create --auto` would write: every migration replayed without touching the
    database, then diffed against the current models (the same calls as Router.create)."""
    for name in router.diff:
        router.run_one(name, router.migrator, fake=True)
    # A migration's models are plain pw.Model; one that forgot legacy_table_names = False would name
    # indexes after the class and the diff (which compares by name) would report every index of a
    # two-word table. Names are checked against the database by test_index_names_are_the_models_own;
    # here what the indexes cover is what counts.
    for model in router.migrator.orm:
        model._meta.legacy_table_names = BaseModel._meta.legacy_table_names
    models = [m for m in MODELS if m._meta.name not in (router.ignore or [])]
    return compile_migrations(router.migrator, models)


def test_models_changed_without_a_migration_fail(new_database):
    database = new_database("diff")
    with bound(database):
        assert schema.upgrade() == schema.router().todo
        assert schema.pending() == []
        assert schema.upgrade() == [], "a second upgrade (every `make run`) applies nothing"

        router = schema.router()
        missing = _auto_migration(router)
        assert not missing, "the models changed without a migration; add one that does:\n" + missing

        # The check can fail: drop a column from the migrations' view and the diff wants it back.
        router.migrator.remove_fields("school", "address")
        missing = compile_migrations(router.migrator, MODELS)
        assert "migrator.add_fields" in missing and "'school'" in missing and "address=" in missing


# --- 4. migrations one by one ------------------------------------------------------------------

def test_003_adds_the_second_factor_to_an_existing_school(new_database):
    """A school running before 003 keeps its accounts and school row; the new columns arrive with the
    values that mean «no second factor, not required», so nobody is locked out by the upgrade."""
    database = new_database("totp")
    with bound(database):
        router = schema.router()
        before = [name for name in router.todo if name < "003"]
        assert router.run(before[-1]) == before
        written = fill(router.migrator.orm)
        assert not {"totp_secret", "totp_enabled_at", "totp_last_step"} & {
            c.name for c in database.get_columns("account")}

        assert "003_totp" in schema.upgrade()
        account_columns = {c.name: c for c in database.get_columns("account")}
        assert {"totp_secret", "totp_enabled_at", "totp_last_step"} <= set(account_columns)
        assert "staff_totp_required" in {c.name for c in database.get_columns("school")}
        assert "recovery_code" in database.get_tables()

        Account, School = MODEL_TABLES["account"], MODEL_TABLES["school"]
        [(_, account_id, account_row)] = [w for w in written if w[0] == "account"]
        account = Account.get_by_id(account_id)
        assert (account.login, account.password_hash, account.session_version) == (
            account_row["login"], account_row["password_hash"], account_row["session_version"])
        assert (account.totp_secret, account.totp_enabled_at, account.totp_last_step) == ("", None, 0)
        school = School.get_by_id(account.school_id)
        assert school.short_name == "МОУ «СОШ № 62»" and school.staff_totp_required is False


def test_007_makes_order_numbers_unique_per_year_keeping_every_signed_order(new_database):
    """A school that registered «15-од» twice in one year under the old rule (another date) upgrades: both
    orders stay exactly as signed, the first keeps the number for the year, the database refuses a third."""
    import peewee

    database = new_database("order_year")
    with bound(database):
        router = schema.router()
        before = [name for name in router.todo if name < "007"]
        assert router.run(before[-1]) == before
        written = fill(router.migrator.orm)
        [(_, school_id, _)] = [w for w in written if w[0] == "school"]
        legacy = router.migrator.orm["order"]
        common = {"school": school_id, "kind": "pairs", "title": "Об утверждении наставнических пар",
                  "status": "registered", "created_at": AT, "registered_at": AT}
        again = legacy.insert(number="№ 15-ОД", dated_on=date(2025, 12, 1), **common).execute()
        next_year = legacy.insert(number="15-од", dated_on=date(2026, 1, 12), **common).execute()
        draft = legacy.insert(school=school_id, kind="pairs", title="Проект", created_at=AT).execute()

        assert "007_order_number_year" in schema.upgrade()
        Order = MODEL_TABLES["order"]
        [(_, first, _)] = [w for w in written if w[0] == "order"]
        rows = {o.id: (o.number, o.dated_on, o.number_key, o.number_year) for o in Order.select()}
        assert rows == {first: ("15-од", date(2025, 9, 5), "15-од", 2025),
                        again: ("№ 15-ОД", date(2025, 12, 1), None, 2025),   # as signed, outside the index
                        next_year: ("15-од", date(2026, 1, 12), "15-од", 2026),
                        draft: (None, None, None, None)}
        with pytest.raises(peewee.IntegrityError), database.atomic():
            Order.create(number="15-ОД", dated_on=date(2025, 10, 1), **common)
        assert Order.select().count() == 4


@pytest.mark.clause("4.11")
def test_005_keeps_confirmed_links_and_marks_removed_ones(new_database):
    """A school running before 005 keeps every guardian link as it was: a confirmed one stays confirmed
    (the parent still signs), one removed earlier (no `confirmed_at`) reads «removed», not «waiting», so
    no old row turns into a request for the coordinator."""
    database = new_database("guardian_requests")
    with bound(database):
        router = schema.router()
        before = [name for name in router.todo if name < "005"]
        assert router.run(before[-1]) == before
        written = fill(router.migrator.orm)
        assert "status" not in {c.name for c in database.get_columns("guardianship")}
        [(_, confirmed_id, _)] = [w for w in written if w[0] == "guardianship"]
        [(_, school_id, _)] = [w for w in written if w[0] == "school"]
        people = router.migrator.orm["person"]
        parent, child = (people.insert(school=school_id, kind=kind, surname=surname, first_name="Ирина",
                                       patronymic="", sex="f", created_at=AT).execute()
                         for kind, surname in (("parent", "Бывшая"), ("student", "Ребёнкова")))
        removed_id = router.migrator.orm["guardianship"].insert(parent=parent, child=child, basis="родитель",
                                                                created_at=AT).execute()

        assert "005_guardian_requests" in schema.upgrade()
        Guardianship = MODEL_TABLES["guardianship"]
        confirmed, removed = Guardianship.get_by_id(confirmed_id), Guardianship.get_by_id(removed_id)
        assert (confirmed.status, confirmed.confirmed_at, confirmed.basis) == ("confirmed", AT, "мать")
        assert (confirmed.document, confirmed.requested_by_id, confirmed.rejection_reason) == ("", None, "")
        assert (removed.status, removed.confirmed_at) == ("removed", None)
        assert not Guardianship.select().where(Guardianship.status == "pending").exists()


@pytest.mark.clause("4.11", "4.13")
def test_006_freezes_the_consents_and_orders_a_school_already_holds(new_database):
    """A school upgraded from before 006: the migration creates the table, and the data step that `flask
    db-upgrade` runs after it (portal.services.freezing) gives each signed consent and registered order an
    issued document frozen from what it renders now, marked as frozen late; the rows themselves are untouched
    and a second run does nothing."""
    from portal.services import freezing

    database = new_database("issued")
    with bound(database):
        router = schema.router()
        first = router.todo[0]
        assert router.run(first) == [first]
        written = fill(router.migrator.orm)
        assert "006_issued_documents" in schema.upgrade()
        IssuedDocument = MODEL_TABLES["issued_document"]
        assert IssuedDocument.select().count() == 0  # the migration makes the table; the data step fills it

        assert freezing.freeze_missing() == {"consent": 1, "order": 1}
        [(_, consent_id, _)] = [w for w in written if w[0] == "consent"]
        [(_, order_id, order_row)] = [w for w in written if w[0] == "order"]
        consent_doc = IssuedDocument.get(IssuedDocument.consent == consent_id)
        order_doc = IssuedDocument.get(IssuedDocument.order == order_id)
        for document in (consent_doc, order_doc):
            assert document.frozen_late_at is not None and len(document.code) == 10
            assert document.html_sha256 == hashlib.sha256(document.html.encode("utf-8")).hexdigest()
            assert "Документ выдан до введения кодов проверки" in document.html
        assert consent_doc.kind == "consent" and consent_doc.issued_at == AT
        assert "Иванов Пётр Алексеевич" in consent_doc.html and "основание полномочий: мать" in consent_doc.html
        assert (order_doc.kind, order_doc.number, order_doc.issued_at) == ("order", "15-од", AT)
        assert "Петрову Анну Сергеевну, обучающуюся 7Б класса" in order_doc.html
        assert MODEL_TABLES["order"].get_by_id(order_id).number == order_row["number"]  # the rows stay as they were
        assert freezing.freeze_missing() == {}
        assert IssuedDocument.select().count() == 2


@pytest.mark.clause("5.4")
def test_011_keeps_every_programme_in_force_and_no_pair_carried(new_database):
    """A school upgraded from before 011: every programme it wrote was in force at once, so each becomes
    published at its creation time (none turns into an invisible draft), and no pair continues another."""
    database = new_database("next_year")
    with bound(database):
        router = schema.router()
        before = [name for name in router.todo if name < "011"]
        assert router.run(before[-1]) == before
        written = fill(router.migrator.orm)
        assert "011_next_year" in schema.upgrade()
        Programme, Mentorship = MODEL_TABLES["programme"], MODEL_TABLES["mentorship"]
        [(_, programme_id, _)] = [w for w in written if w[0] == "programme"]
        programme = Programme.get_by_id(programme_id)
        assert programme.published_at is not None and programme.published_at == programme.created_at
        assert not programme.is_draft and Programme.current(programme.mentoring_format_id).id == programme_id
        assert Mentorship.select().count() >= 1
        assert not Mentorship.select().where(Mentorship.carried_from.is_null(False)).exists()
