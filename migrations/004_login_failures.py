"""Failed logins and invitation codes counted in the database, so the limit holds across workers."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class LoginFailure(pw.Model):
        id = pw.AutoField()
        kind = pw.CharField(max_length=12)
        login = pw.CharField(default="", max_length=64)
        ip = pw.CharField(default="", max_length=45)
        at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "login_failure"
            legacy_table_names = False
            indexes = [(("login", "at"), False), (("ip", "kind", "at"), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("login_failure")
