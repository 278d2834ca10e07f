"""Class teachers (4.5, DECISIONS.md, "The school year"): a class-teacher grant per class, and the pupils they
propose for a base, each waiting for the format's curator to accept or decline.

The grant is a RoleGrant of the role «class_teacher» naming its class: the role's blueprint, the role switch and
the menu work as for every other role. `role_grant.school_class_id` is nullable, so both backends add it in place
(on SQLite a rebuild of role_grant would trip over nothing, but an ALTER is the habit of 003, 005 and 008). Its
unique index (account, role, school_class) refuses the same class granted twice; the other roles leave the
column empty, and NULLs never collide.
"""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "role_grant",
        school_class=pw.ForeignKeyField(column_name='school_class_id', field='id', model=migrator.orm['school_class'],
                                        null=True, on_delete='CASCADE'),
    )
    migrator.add_index("role_grant", "account", "role", "school_class", unique=True)

    @migrator.create_model
    class BaseProposal(pw.Model):
        id = pw.AutoField()
        mentoring_format = pw.ForeignKeyField(column_name='mentoring_format_id', field='id',
                                              model=migrator.orm['mentoring_format'], on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'],
                                    on_delete='CASCADE')
        base = pw.CharField(max_length=10)
        category = pw.CharField(max_length=20)
        note = pw.TextField(default="")
        proposed_by = pw.ForeignKeyField(column_name='proposed_by_id', field='id', model=migrator.orm['person'],
                                         null=True, on_delete='SET NULL')
        proposed_at = pw.DateTimeField()
        status = pw.CharField(index=True, max_length=10, default="pending")
        decided_by = pw.ForeignKeyField(column_name='decided_by_id', field='id', model=migrator.orm['person'],
                                        null=True, on_delete='SET NULL')
        decided_at = pw.DateTimeField(null=True)
        reason = pw.TextField(default="")
        membership = pw.ForeignKeyField(column_name='membership_id', field='id',
                                        model=migrator.orm['base_membership'], null=True, on_delete='SET NULL')

        class Meta:
            table_name = "base_proposal"
            legacy_table_names = False


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("base_proposal")
    migrator.drop_index("role_grant", "account", "role", "school_class")
    migrator.remove_fields("role_grant", "school_class")
