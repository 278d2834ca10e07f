"""A second factor (TOTP) for staff accounts, its one-time recovery codes, and the school's setting that
requires it (SECURITY.md).

The columns carry database-level defaults and are added with allow_not_null: both backends then add
a NOT NULL column in place. Without a default, peewee's SQLite migrator rebuilds the table (copy, DROP,
rename), and with foreign keys on, dropping `school` or `account` fails on the rows pointing at them —
or, were the references ON DELETE CASCADE, would delete those rows.
"""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "account",
        allow_not_null=True,
        totp_secret=pw.CharField(max_length=64, default="", constraints=[pw.SQL("DEFAULT ''")]),
        totp_enabled_at=pw.DateTimeField(null=True),
        totp_last_step=pw.IntegerField(default=0, constraints=[pw.SQL("DEFAULT 0")]),
    )
    migrator.add_fields("school", allow_not_null=True,
                        staff_totp_required=pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT FALSE")]))

    @migrator.create_model
    class RecoveryCode(pw.Model):
        id = pw.AutoField()
        account = pw.ForeignKeyField(column_name="account_id", field="id", model=migrator.orm["account"],
                                     on_delete="CASCADE")
        code_hash = pw.CharField(max_length=64, unique=True)
        created_at = pw.DateTimeField()
        used_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "recovery_code"
            legacy_table_names = False


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("recovery_code")
    migrator.remove_fields("school", "staff_totp_required")
    migrator.remove_fields("account", "totp_secret", "totp_enabled_at", "totp_last_step")
