"""Changing the coordinator by the director's order (4.3, s10): an appointment of the order «О назначении
координатора и кураторов» names the role it gives. A coordinator's appointment names no format.

Every appointment made before this migration appointed a curator, so the new column's default says so and the
format stays filled for them. A column with a default and a dropped NOT NULL: an existing database upgrades in
place on both backends."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("appointment", role=pw.CharField(max_length=12, default="curator"))
    migrator.drop_not_null("appointment", "mentoring_format")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql("DELETE FROM appointment WHERE mentoring_format_id IS NULL")
    migrator.add_not_null("appointment", "mentoring_format")
    migrator.remove_fields("appointment", "role")
