"""Curators appointed by the director's order (4.3, s10): an appointment waits in a draft order «О назначении
координатора и кураторов» and becomes the curator's grant when the order is registered.

A new table, so an existing database upgrades in place on both backends; grants already given stay as they are."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Appointment(pw.Model):
        id = pw.AutoField()
        order = pw.ForeignKeyField(column_name='order_id', field='id', model=migrator.orm['order'],
                                   on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'],
                                    on_delete='CASCADE')
        mentoring_format = pw.ForeignKeyField(column_name='mentoring_format_id', field='id',
                                              model=migrator.orm['mentoring_format'], on_delete='CASCADE')
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['person'],
                                        null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "appointment"
            legacy_table_names = False
            indexes = [(('order', 'person', 'mentoring_format'), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("appointment")
