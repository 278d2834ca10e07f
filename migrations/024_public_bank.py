"""Recognition and the methodical bank (s9, 3.2): the fields a consent to dissemination names, the public
profile a mentor writes, the honour board's entries and the bank's materials.

`consent.public_fields` records which fields the signer allowed on the public pages. Every consent to
dissemination signed before this migration was given under the first wording, which listed the name, the
photo, the form and the achievements, so those are what it allows. New tables and a column with a default,
so an existing database upgrades in place on both backends."""
import peewee as pw
from peewee_migrate import Migrator

FIRST_WORDING = "name,format,achievements,photo"


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("consent", public_fields=pw.CharField(max_length=100, default=""))
    migrator.sql(f"UPDATE consent SET public_fields = '{FIRST_WORDING}' WHERE document_id IN "
                 "(SELECT id FROM consent_document WHERE kind = 'dissemination')")

    @migrator.create_model
    class PublicProfile(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], unique=True,
                                    on_delete='CASCADE')
        text = pw.TextField(default="")
        photo = pw.ForeignKeyField(column_name='photo_id', field='id', model=migrator.orm['stored_file'], null=True,
                                   on_delete='SET NULL')
        photo_token = pw.CharField(max_length=32, null=True, unique=True)
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "public_profile"
            legacy_table_names = False

    @migrator.create_model
    class HonourEntry(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'],
                                    on_delete='CASCADE')
        year = pw.IntegerField()
        title = pw.CharField(max_length=200)
        text = pw.TextField(default="")
        photo = pw.ForeignKeyField(column_name='photo_id', field='id', model=migrator.orm['stored_file'], null=True,
                                   on_delete='SET NULL')
        photo_token = pw.CharField(max_length=32, null=True, unique=True)
        added_by = pw.ForeignKeyField(column_name='added_by_id', field='id', model=migrator.orm['person'], null=True,
                                      on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "honour_entry"
            legacy_table_names = False
            indexes = [(('school', 'year'), False)]

    @migrator.create_model
    class BankMaterial(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'],
                                    on_delete='CASCADE')
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['person'],
                                    on_delete='CASCADE')
        title = pw.CharField(max_length=200)
        mentoring_format = pw.ForeignKeyField(column_name='mentoring_format_id', field='id',
                                              model=migrator.orm['mentoring_format'], null=True,
                                              on_delete='SET NULL')
        topic = pw.CharField(max_length=100)
        description = pw.TextField(default="")
        file = pw.ForeignKeyField(column_name='file_id', field='id', model=migrator.orm['stored_file'],
                                  on_delete='RESTRICT')
        publish_agreed = pw.BooleanField(default=False)
        public_agreed = pw.BooleanField(default=False)
        status = pw.CharField(max_length=10, default="new")
        reviewed_by = pw.ForeignKeyField(column_name='reviewed_by_id', field='id', model=migrator.orm['person'],
                                         null=True, on_delete='SET NULL')
        published_at = pw.DateTimeField(null=True)
        public_token = pw.CharField(max_length=32, unique=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "bank_material"
            legacy_table_names = False
            indexes = [(('school', 'status'), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("bank_material")
    migrator.remove_model("honour_entry")
    migrator.remove_model("public_profile")
    migrator.remove_fields("consent", "public_fields")
