"""Peewee migrations -- 001_initial.py.

Some examples (model - class or model name)::

    > Model = migrator.orm['table_name']            # Return model in current state by name
    > Model = migrator.ModelClass                   # Return model in current state by name

    > migrator.sql(sql)                             # Run custom SQL
    > migrator.run(func, *args, **kwargs)           # Run python function with the given args
    > migrator.create_model(Model)                  # Create a model (could be used as decorator)
    > migrator.remove_model(model, cascade=True)    # Remove a model
    > migrator.add_fields(model, **fields)          # Add fields (allow_not_null=True skips default)
    > migrator.change_fields(model, **fields)       # Change fields
    > migrator.remove_fields(model, *field_names, cascade=True)
    > migrator.rename_field(model, old_field_name, new_field_name)
    > migrator.rename_table(model, new_table_name)
    > migrator.add_index(model, *col_names, unique=False)
    > migrator.add_not_null(model, *field_names)
    > migrator.add_default(model, field_name, default)
    > migrator.add_constraint(model, name, sql)
    > migrator.drop_index(model, *col_names)
    > migrator.drop_not_null(model, *field_names)
    > migrator.drop_constraints(model, *constraints)

"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""
    
    @migrator.create_model
    class School(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=200)
        short_name = pw.CharField(max_length=100)
        address = pw.CharField(default='', max_length=300)
        director_name = pw.CharField(default='', max_length=200)
        is_demo = pw.BooleanField(default=False)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "school"
            legacy_table_names = False

    @migrator.create_model
    class SchoolClass(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'], on_delete='CASCADE')
        name = pw.CharField(max_length=10)

        class Meta:
            table_name = "school_class"
            legacy_table_names = False
            indexes = [(('school', 'name'), True)]

    @migrator.create_model
    class Person(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'], on_delete='CASCADE')
        kind = pw.CharField(index=True, max_length=10)
        surname = pw.CharField(max_length=100)
        first_name = pw.CharField(max_length=100)
        patronymic = pw.CharField(default='', max_length=100)
        sex = pw.CharField(max_length=1)
        birth_date = pw.DateField(null=True)
        school_class = pw.ForeignKeyField(column_name='school_class_id', field='id', model=migrator.orm['school_class'], null=True, on_delete='SET NULL')
        position = pw.CharField(default='', max_length=200)
        organisation = pw.CharField(default='', max_length=200)
        phone = pw.CharField(default='', max_length=50)
        email = pw.CharField(default='', max_length=200)
        created_at = pw.DateTimeField()
        destroyed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "person"
            legacy_table_names = False
            indexes = [(('school', 'surname', 'first_name'), False)]

    @migrator.create_model
    class Account(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'], on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='CASCADE', unique=True)
        login = pw.CharField(max_length=64, unique=True)
        password_hash = pw.CharField(default='', max_length=255)
        session_version = pw.IntegerField(default=0)
        is_active = pw.BooleanField(default=True)
        created_at = pw.DateTimeField()
        last_login_at = pw.DateTimeField(null=True)
        regulation_acknowledged_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "account"
            legacy_table_names = False

    @migrator.create_model
    class MentoringFormat(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'], on_delete='CASCADE')
        name = pw.CharField(max_length=100)
        description = pw.TextField(default='')
        mentor_kind = pw.CharField(default='student', max_length=10)
        mentee_kind = pw.CharField(default='student', max_length=10)
        is_active = pw.BooleanField(default=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "mentoring_format"
            legacy_table_names = False
            indexes = [(('school', 'name'), True)]

    @migrator.create_model
    class Programme(pw.Model):
        id = pw.AutoField()
        mentoring_format = pw.ForeignKeyField(column_name='mentoring_format_id', field='id', model=migrator.orm['mentoring_format'], on_delete='CASCADE')
        title = pw.CharField(max_length=200)
        goals = pw.TextField(default='')
        expected_results = pw.TextField(default='')
        starts_on = pw.DateField()
        ends_on = pw.DateField()
        presented_student_conference_on = pw.DateField(null=True)
        presented_teachers_council_on = pw.DateField(null=True)
        presented_parents_council_on = pw.DateField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "programme"
            legacy_table_names = False

    @migrator.create_model
    class Acknowledgement(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        programme = pw.ForeignKeyField(column_name='programme_id', field='id', model=migrator.orm['programme'], on_delete='CASCADE')
        acknowledged_at = pw.DateTimeField()
        ip = pw.CharField(default='', max_length=45)

        class Meta:
            table_name = "acknowledgement"
            legacy_table_names = False
            indexes = [(('person', 'programme'), True)]

    @migrator.create_model
    class Questionnaire(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'], on_delete='CASCADE')
        kind = pw.CharField(max_length=15)
        version = pw.IntegerField(default=1)
        title = pw.CharField(max_length=300)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "questionnaire"
            legacy_table_names = False
            indexes = [(('school', 'kind', 'version'), True)]

    @migrator.create_model
    class Mentorship(pw.Model):
        id = pw.AutoField()
        mentoring_format = pw.ForeignKeyField(column_name='mentoring_format_id', field='id', model=migrator.orm['mentoring_format'], on_delete='RESTRICT')
        programme = pw.ForeignKeyField(column_name='programme_id', field='id', model=migrator.orm['programme'], null=True, on_delete='RESTRICT')
        mentor = pw.ForeignKeyField(column_name='mentor_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        status = pw.CharField(default='proposed', index=True, max_length=10)
        created_at = pw.DateTimeField()
        status_changed_at = pw.DateTimeField()
        ended_reason = pw.TextField(default='')

        class Meta:
            table_name = "mentorship"
            legacy_table_names = False

    @migrator.create_model
    class MonitoringRound(pw.Model):
        id = pw.AutoField()
        mentoring_format = pw.ForeignKeyField(column_name='mentoring_format_id', field='id', model=migrator.orm['mentoring_format'], on_delete='CASCADE')
        kind = pw.CharField(max_length=15)
        opened_by = pw.ForeignKeyField(column_name='opened_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        opened_at = pw.DateTimeField()
        closed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "monitoring_round"
            legacy_table_names = False

    @migrator.create_model
    class Response(pw.Model):
        id = pw.AutoField()
        questionnaire = pw.ForeignKeyField(column_name='questionnaire_id', field='id', model=migrator.orm['questionnaire'], on_delete='RESTRICT')
        respondent = pw.ForeignKeyField(column_name='respondent_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        about = pw.ForeignKeyField(column_name='about_id', field='id', model=migrator.orm['person'], null=True, on_delete='CASCADE')
        mentorship = pw.ForeignKeyField(column_name='mentorship_id', field='id', model=migrator.orm['mentorship'], null=True, on_delete='CASCADE')
        monitoring_round = pw.ForeignKeyField(column_name='monitoring_round_id', field='id', model=migrator.orm['monitoring_round'], null=True, on_delete='CASCADE')
        submitted_at = pw.DateTimeField()

        class Meta:
            table_name = "response"
            legacy_table_names = False
            indexes = [(('questionnaire', 'respondent', 'mentorship', 'monitoring_round'), True)]

    @migrator.create_model
    class Question(pw.Model):
        id = pw.AutoField()
        questionnaire = pw.ForeignKeyField(column_name='questionnaire_id', field='id', model=migrator.orm['questionnaire'], on_delete='CASCADE')
        position = pw.IntegerField()
        text = pw.TextField()
        answer_type = pw.CharField(max_length=10)
        anchor = pw.CharField(default='', max_length=50)

        class Meta:
            table_name = "question"
            legacy_table_names = False
            indexes = [(('questionnaire', 'position'), True)]

    @migrator.create_model
    class Answer(pw.Model):
        id = pw.AutoField()
        response = pw.ForeignKeyField(column_name='response_id', field='id', model=migrator.orm['response'], on_delete='CASCADE')
        question = pw.ForeignKeyField(column_name='question_id', field='id', model=migrator.orm['question'], on_delete='RESTRICT')
        scale_value = pw.CharField(default='', max_length=30)
        text = pw.TextField(default='')

        class Meta:
            table_name = "answer"
            legacy_table_names = False
            indexes = [(('response', 'question'), True)]

    @migrator.create_model
    class AuditEvent(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'], null=True, on_delete='CASCADE')
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        action = pw.CharField(index=True, max_length=50)
        object_type = pw.CharField(default='', max_length=50)
        object_id = pw.IntegerField(null=True)
        details = pw.TextField(default='{}')
        ip = pw.CharField(default='', max_length=45)
        created_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "audit_event"
            legacy_table_names = False
            indexes = [(('object_type', 'object_id'), False)]

    @migrator.create_model
    class BaseMembership(pw.Model):
        id = pw.AutoField()
        mentoring_format = pw.ForeignKeyField(column_name='mentoring_format_id', field='id', model=migrator.orm['mentoring_format'], on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        base = pw.CharField(max_length=10)
        status = pw.CharField(default='awaiting_consent', index=True, max_length=20)
        can_help_with = pw.TextField(default='')
        needs = pw.TextField(default='')
        self_description = pw.TextField(default='')
        capacity = pw.IntegerField(default=1)
        nominated_by = pw.ForeignKeyField(column_name='nominated_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        nominated_at = pw.DateTimeField()
        left_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "base_membership"
            legacy_table_names = False
            indexes = [(('mentoring_format', 'person', 'base'), True)]

    @migrator.create_model
    class ConsentDocument(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'], on_delete='CASCADE')
        kind = pw.CharField(max_length=20)
        version = pw.IntegerField()
        title = pw.CharField(max_length=300)
        body = pw.TextField()
        sha256 = pw.CharField(max_length=64)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "consent_document"
            legacy_table_names = False
            indexes = [(('school', 'kind', 'version'), True)]

    @migrator.create_model
    class Consent(pw.Model):
        id = pw.AutoField()
        document = pw.ForeignKeyField(column_name='document_id', field='id', model=migrator.orm['consent_document'], on_delete='RESTRICT')
        subject = pw.ForeignKeyField(column_name='subject_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        signer = pw.ForeignKeyField(column_name='signer_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        text_sha256 = pw.CharField(max_length=64)
        identity_document = pw.TextField(default='')
        address = pw.TextField(default='')
        signed_at = pw.DateTimeField()
        ip = pw.CharField(default='', max_length=45)
        user_agent = pw.CharField(default='', max_length=300)

        class Meta:
            table_name = "consent"
            legacy_table_names = False
            indexes = [(('document', 'subject', 'signer', 'signed_at'), True)]

    @migrator.create_model
    class ConsentWithdrawal(pw.Model):
        id = pw.AutoField()
        consent = pw.ForeignKeyField(column_name='consent_id', field='id', model=migrator.orm['consent'], on_delete='RESTRICT', unique=True)
        withdrawn_by = pw.ForeignKeyField(column_name='withdrawn_by_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        withdrawn_at = pw.DateTimeField()
        ip = pw.CharField(default='', max_length=45)
        user_agent = pw.CharField(default='', max_length=300)
        destruction_due_on = pw.DateField()
        destroyed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "consent_withdrawal"
            legacy_table_names = False

    @migrator.create_model
    class FinalReport(pw.Model):
        id = pw.AutoField()
        mentorship = pw.ForeignKeyField(column_name='mentorship_id', field='id', model=migrator.orm['mentorship'], on_delete='CASCADE', unique=True)
        work_done = pw.TextField(default='')
        results = pw.TextField(default='')
        conclusions = pw.TextField(default='')
        proposals = pw.TextField(default='')
        written_by = pw.ForeignKeyField(column_name='written_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        written_at = pw.DateTimeField()

        class Meta:
            table_name = "final_report"
            legacy_table_names = False

    @migrator.create_model
    class Guardianship(pw.Model):
        id = pw.AutoField()
        parent = pw.ForeignKeyField(column_name='parent_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        child = pw.ForeignKeyField(column_name='child_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        basis = pw.CharField(default='родитель', max_length=200)
        confirmed_by = pw.ForeignKeyField(column_name='confirmed_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        confirmed_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "guardianship"
            legacy_table_names = False
            indexes = [(('parent', 'child'), True)]

    @migrator.create_model
    class Invitation(pw.Model):
        id = pw.AutoField()
        account = pw.ForeignKeyField(column_name='account_id', field='id', model=migrator.orm['account'], on_delete='CASCADE')
        code_hash = pw.CharField(max_length=64, unique=True)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()
        expires_at = pw.DateTimeField()
        used_at = pw.DateTimeField(null=True)
        revoked_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "invitation"
            legacy_table_names = False

    @migrator.create_model
    class Meeting(pw.Model):
        id = pw.AutoField()
        mentorship = pw.ForeignKeyField(column_name='mentorship_id', field='id', model=migrator.orm['mentorship'], on_delete='CASCADE')
        stage = pw.CharField(max_length=10)
        status = pw.CharField(default='held', max_length=10)
        held_on = pw.DateField()
        duration_minutes = pw.IntegerField(default=45)
        format = pw.CharField(default='in_person', max_length=10)
        topic = pw.CharField(default='', max_length=300)
        notes = pw.TextField(default='')
        next_steps = pw.TextField(default='')
        logged_by = pw.ForeignKeyField(column_name='logged_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        logged_at = pw.DateTimeField()
        supersedes = pw.ForeignKeyField(column_name='supersedes_id', field='id', model='self', null=True, on_delete='RESTRICT', unique=True)

        class Meta:
            table_name = "meeting"
            legacy_table_names = False
            indexes = [(('mentorship', 'held_on'), False)]

    @migrator.create_model
    class MeetingConfirmation(pw.Model):
        id = pw.AutoField()
        meeting = pw.ForeignKeyField(column_name='meeting_id', field='id', model=migrator.orm['meeting'], on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        verdict = pw.CharField(max_length=10)
        comment = pw.TextField(default='')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "meeting_confirmation"
            legacy_table_names = False
            indexes = [(('meeting', 'person'), True)]

    @migrator.create_model
    class MembershipCategory(pw.Model):
        id = pw.AutoField()
        membership = pw.ForeignKeyField(column_name='membership_id', field='id', model=migrator.orm['base_membership'], on_delete='CASCADE')
        code = pw.CharField(max_length=20)
        other_text = pw.CharField(default='', max_length=200)

        class Meta:
            table_name = "membership_category"
            legacy_table_names = False
            indexes = [(('membership', 'code'), True)]

    @migrator.create_model
    class MentorshipMember(pw.Model):
        id = pw.AutoField()
        mentorship = pw.ForeignKeyField(column_name='mentorship_id', field='id', model=migrator.orm['mentorship'], on_delete='CASCADE')
        mentee = pw.ForeignKeyField(column_name='mentee_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        joined_at = pw.DateTimeField()
        left_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "mentorship_member"
            legacy_table_names = False
            indexes = [(('mentorship', 'mentee'), True)]

    @migrator.create_model
    class Order(pw.Model):
        id = pw.AutoField()
        school = pw.ForeignKeyField(column_name='school_id', field='id', model=migrator.orm['school'], on_delete='CASCADE')
        kind = pw.CharField(max_length=20)
        title = pw.CharField(max_length=300)
        status = pw.CharField(default='draft', max_length=10)
        number = pw.CharField(max_length=50, null=True)
        dated_on = pw.DateField(null=True)
        corrects = pw.ForeignKeyField(column_name='corrects_id', field='id', model='self', null=True, on_delete='RESTRICT')
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()
        registered_by = pw.ForeignKeyField(column_name='registered_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        registered_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "order"
            legacy_table_names = False
            indexes = [(('school', 'number', 'dated_on'), True)]

    @migrator.create_model
    class OrderItem(pw.Model):
        id = pw.AutoField()
        order = pw.ForeignKeyField(column_name='order_id', field='id', model=migrator.orm['order'], on_delete='CASCADE')
        mentorship = pw.ForeignKeyField(column_name='mentorship_id', field='id', model=migrator.orm['mentorship'], on_delete='RESTRICT')

        class Meta:
            table_name = "order_item"
            legacy_table_names = False
            indexes = [(('order', 'mentorship'), True)]

    @migrator.create_model
    class Plan(pw.Model):
        id = pw.AutoField()
        mentorship = pw.ForeignKeyField(column_name='mentorship_id', field='id', model=migrator.orm['mentorship'], on_delete='CASCADE')
        version = pw.IntegerField(default=1)
        goals = pw.TextField(default='')
        planned_meetings = pw.IntegerField(default=0)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()
        mentor_confirmed_at = pw.DateTimeField(null=True)
        mentee_confirmed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "plan"
            legacy_table_names = False
            indexes = [(('mentorship', 'version'), True)]

    @migrator.create_model
    class PlanTask(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['plan'], on_delete='CASCADE')
        title = pw.CharField(max_length=300)
        due_on = pw.DateField(null=True)
        done_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "plan_task"
            legacy_table_names = False

    @migrator.create_model
    class Proposal(pw.Model):
        id = pw.AutoField()
        mentoring_format = pw.ForeignKeyField(column_name='mentoring_format_id', field='id', model=migrator.orm['mentoring_format'], on_delete='CASCADE')
        mentee = pw.ForeignKeyField(column_name='mentee_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        mentor = pw.ForeignKeyField(column_name='mentor_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        proposed_by = pw.ForeignKeyField(column_name='proposed_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        proposed_at = pw.DateTimeField()
        rank = pw.IntegerField(default=0)
        reason = pw.TextField(default='')
        status = pw.CharField(default='open', max_length=10)
        mentorship = pw.ForeignKeyField(column_name='mentorship_id', field='id', model=migrator.orm['mentorship'], null=True, on_delete='SET NULL')

        class Meta:
            table_name = "proposal"
            legacy_table_names = False
            indexes = [(('mentoring_format', 'mentee', 'mentor'), True)]

    @migrator.create_model
    class RoleGrant(pw.Model):
        id = pw.AutoField()
        account = pw.ForeignKeyField(column_name='account_id', field='id', model=migrator.orm['account'], on_delete='CASCADE')
        role = pw.CharField(max_length=20)
        mentoring_format = pw.ForeignKeyField(column_name='mentoring_format_id', field='id', model=migrator.orm['mentoring_format'], null=True, on_delete='CASCADE')
        granted_by = pw.ForeignKeyField(column_name='granted_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        granted_at = pw.DateTimeField()
        order_number = pw.CharField(default='', max_length=50)
        order_date = pw.DateField(null=True)

        class Meta:
            table_name = "role_grant"
            legacy_table_names = False
            indexes = [(('account', 'role', 'mentoring_format'), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    
    migrator.remove_model('role_grant')

    migrator.remove_model('proposal')

    migrator.remove_model('plan_task')

    migrator.remove_model('plan')

    migrator.remove_model('order_item')

    migrator.remove_model('order')

    migrator.remove_model('mentorship_member')

    migrator.remove_model('membership_category')

    migrator.remove_model('meeting_confirmation')

    migrator.remove_model('meeting')

    migrator.remove_model('invitation')

    migrator.remove_model('guardianship')

    migrator.remove_model('final_report')

    migrator.remove_model('consent_withdrawal')

    migrator.remove_model('consent')

    migrator.remove_model('consent_document')

    migrator.remove_model('base_membership')

    migrator.remove_model('audit_event')

    migrator.remove_model('answer')

    migrator.remove_model('question')

    migrator.remove_model('response')

    migrator.remove_model('monitoring_round')

    migrator.remove_model('mentorship')

    migrator.remove_model('questionnaire')

    migrator.remove_model('acknowledgement')

    migrator.remove_model('programme')

    migrator.remove_model('mentoring_format')

    migrator.remove_model('account')

    migrator.remove_model('person')

    migrator.remove_model('school_class')

    migrator.remove_model('school')
