"""The demo school «МОУ СОШ № 62»: enough people and pairs that every demo login's screens have content."""
import random
from datetime import date, datetime, time, timedelta

from portal.db import db
from portal.models import (
    Account, Acknowledgement, BaseMembership, Consent, EventParticipant, Meeting, MonitoringRound, Plan, ConsentWithdrawal, Guardianship, MembershipCategory, MentoringFormat,
    Mentorship, MentorshipMember, Notification, Order, OrderItem, Person, Programme, Proposal, RoadmapEvent, School,
    SchoolClass, SupportNote, SupportRequest, ExternalCourse, TrainingEnrolment,
)
from portal.models.base import utcnow
from portal.formatting import quoted, ru_short_date, short_name
from portal.services import (
    accounts, agreements, asking, bank, class_teachers, complaints, consent, cycle, honour, issued, monitoring,
    notifications, passwords, public_pages, recognition, registry, roadmap, training, uploads, voice, years,
)
from portal.documents.training import certificate_html
from portal.services import orders as order_rules
from portal.services.programmes import appoint_curator
from portal.services.school import create_school
from portal.services.staff import scope_for

PASSWORD = accounts.DEMO_PASSWORD
LOGINS = ("coordinator", "curator", "mentor", "mentee", "parent", "mentor2", "mentor3", "mentor4", "parent2",
          "classteacher", "psychologist")
# The three senior students proposed to the demo mentee in «Ученик – ученик», best ranked first: each with a
# login of their own (so «the mentee chooses → the mentor confirms» can be walked) and texts of their own.
# Their surnames sort last, so the ranking's ties offer other seniors first to the other juniors
# (tests/e2e/test_pairing_flow.py casts three seniors without a login).
CANDIDATES = (
    {"login": "mentor2", "sex": "m", "surname": "Щербаков", "first_name": "Кирилл", "patronymic": "Андреевич",
     "can_help_with": "алгебра и геометрия, подготовка к ОГЭ по математике",
     "self_description": "ОГЭ по математике сдан на «5» в прошлом году; объясняю через разбор задач.",
     "reason": "запрос наставляемого — подготовка к ОГЭ по математике, и именно с этим кандидат помогает; "
               "ОГЭ сдан недавно, есть свободные места"},
    {"login": "mentor3", "sex": "f", "surname": "Юдина", "first_name": "Ульяна", "patronymic": "Олеговна",
     "can_help_with": "адаптация в школе, режим дня, кружки и секции",
     "self_description": "Староста класса: знаю, к кому обратиться с любым школьным вопросом.",
     "reason": "поможет выстроить режим подготовки и освоиться в школьной жизни: классный руководитель "
               "отмечает, что наставляемому это нужно не меньше математики"},
    {"login": "mentor4", "sex": "f", "surname": "Яковлева", "first_name": "Таисия", "patronymic": "Павловна",
     "can_help_with": "информатика и физика, проектная работа",
     "self_description": "Призёр муниципальной олимпиады по информатике, веду школьный кружок робототехники.",
     "reason": "математика через задачи по информатике и физике, проект к концу года; запасной вариант, "
               "если ближе практика, чем экзамен"},
)

MALE = ["Александр", "Дмитрий", "Максим", "Иван", "Артём", "Никита", "Михаил", "Егор", "Кирилл", "Илья"]
FEMALE = ["Анна", "Мария", "Дарья", "Софья", "Полина", "Екатерина", "Виктория", "Алиса", "Ксения", "Вера"]
PATRONYMIC_ROOTS = ["Александров", "Сергеев", "Андреев", "Николаев", "Викторов", "Павлов", "Олегов", "Игорев"]
SURNAMES = ["Соколов", "Попов", "Лебедев", "Козлов", "Новиков", "Морозов", "Волков", "Соловьёв", "Васильев",
            "Зайцев", "Павлов", "Семёнов", "Голубев", "Виноградов", "Богданов", "Воробьёв", "Фёдоров",
            "Михайлов", "Беляев", "Тарасов", "Белов", "Комаров", "Орлов", "Киселёв", "Макаров", "Андреев",
            "Ковалёв", "Ильин", "Гусев", "Титов", "Кузьмин", "Кудрявцев", "Баранов", "Куликов", "Алексеев"]
CLASSES = ["5А", "6Б", "7А", "8Б", "9А", "10А", "11А"]


def _person(school, rng, sex, **extra) -> Person:
    surname = rng.choice(SURNAMES) + ("а" if sex == "f" else "")
    first = rng.choice(FEMALE if sex == "f" else MALE)
    patronymic = rng.choice(PATRONYMIC_ROOTS) + ("на" if sex == "f" else "ич")
    fields = {"surname": surname, "first_name": first, "patronymic": patronymic, "sex": sex}
    fields.update(extra)
    return Person.create(school=school, **fields)


def _account(person, login, *roles) -> Account:
    account = accounts.create_account(None, person, login, roles=roles)
    Account.update(password_hash=DEMO_HASH).where(Account.id == account.id).execute()
    return account


def _student_birth(class_name: str, rng) -> date:
    grade = int(class_name[:-1])
    today = date.today()
    # A first-grader is 7 on 1 September; an 11th-grader 17, some already 18.
    return date(today.year - (grade + 6) - (1 if today.month >= 9 else 0), rng.randint(1, 12), rng.randint(1, 28))


DEMO_HASH = ""


def load() -> School:
    global DEMO_HASH
    DEMO_HASH = passwords.hash_password(PASSWORD)
    rng = random.Random(62)
    with db.atomic():
        school, _ = create_school(
            "Муниципальное общеобразовательное учреждение средняя общеобразовательная школа № 62",
            "МОУ СОШ № 62",
            {"surname": "Смирнова", "first_name": "Елена", "patronymic": "Викторовна", "sex": "f"},
            "coordinator", address="150000, г. Ярославль, ул. Школьная, д. 62", is_demo=True)
        School.update(director_name="Орлов Виктор Николаевич").where(School.id == school.id).execute()
        Account.update(password_hash=DEMO_HASH).where(Account.login == "coordinator").execute()
        formats = {f.name: f for f in MentoringFormat.of_school(school)}
        student_student, teacher_teacher, teacher_student = (
            formats["Ученик – ученик"], formats["Учитель – учитель"], formats["Учитель – ученик"])
        classes = {name: SchoolClass.create(school=school, name=name) for name in CLASSES}

        teachers = [_person(school, rng, sex, kind="staff", position=position, birth_date=date(born, 3, 14))
                    for sex, position, born in [
                        ("f", "учитель русского языка и литературы", 1975), ("m", "учитель математики", 1980),
                        ("f", "учитель истории", 1968), ("m", "учитель физики", 1972),
                        ("f", "учитель английского языка", 2001), ("m", "учитель информатики", 2000),
                        ("f", "учитель биологии", 1985), ("f", "учитель начальных классов", 2002),
                        ("m", "учитель физической культуры", 1990), ("f", "педагог-психолог", 1983)]]
        curator_uu = _person(school, rng, "f", kind="staff", position="социальный педагог", birth_date=date(1979, 5, 2))
        students = []
        for class_name in CLASSES:
            for i in range(4 if class_name != "8Б" else 6):
                sex = "m" if i % 2 == 0 else "f"
                students.append(_person(school, rng, sex, kind="student", school_class=classes[class_name],
                                        birth_date=_student_birth(class_name, rng)))
        externals = [
            _person(school, rng, "m", kind="external", organisation="АО «Ярославский моторный завод»",
                    position="инженер-конструктор", birth_date=date(1988, 7, 9)),
            _person(school, rng, "f", kind="external", organisation="ИП «Мастерская идей»",
                    position="предприниматель", birth_date=date(1984, 11, 23)),
        ]

        # The demo logins: a curator, a teacher mentor, a minor mentee and that mentee's parent.
        # Appointed by the director's order «О назначении координатора и кураторов» (4.3), registered as 45-од.
        _account(curator_uu, "curator", "curator")
        _account(teachers[9], "curator2", "curator")
        _account(teachers[2], "curator3", "curator")
        _appointment_order([(curator_uu, student_student), (teachers[9], teacher_teacher),
                            (teachers[2], teacher_student)])
        mentor = teachers[1]
        _account(mentor, "mentor", "mentor")
        mentee = next(s for s in students if s.school_class_id == classes["8Б"].id and s.sex == "m")
        Person.update(surname="Иванов", first_name="Пётр", patronymic="Сергеевич").where(
            Person.id == mentee.id).execute()
        _account(Person.get_by_id(mentee.id), "mentee", "mentee")

        sister = Person.create(school=school, kind="student", surname="Иванова", first_name="Мария",
                               patronymic="Сергеевна", sex="f", school_class=classes["5А"],
                               birth_date=_student_birth("5А", rng))
        demo_parent = Person.create(school=school, kind="parent", surname="Иванова", first_name="Ольга",
                                    patronymic="Николаевна", sex="f", birth_date=date(1985, 4, 12))
        _account(demo_parent, "parent", "parent")
        minors = [s for s in Person.select().where(Person.kind == "student") if s.is_minor()]
        for child in minors:
            if child.id in (mentee.id, sister.id):
                parent = demo_parent
            else:
                family = child.surname[:-1] if child.surname.endswith("а") else child.surname
                parent = _person(school, rng, "f", kind="parent", surname=family + "а", birth_date=date(1984, 1, 1))
            Guardianship.create(parent=parent, child=child, confirmed_by=curator_uu, confirmed_at=utcnow())
        # A link the curator typed in, waiting for the coordinator to see the document (DECISIONS.md, "Who
        # may change whom"): the coordinator's «Связи на подтверждение» has a row to confirm or reject.
        father = Person.create(school=school, kind="parent", surname="Иванов", first_name="Сергей",
                               patronymic="Петрович", sex="m", birth_date=date(1983, 2, 20))
        Guardianship.create(parent=father, child=mentee, status="pending", requested_by=curator_uu,
                            requested_at=utcnow(), document="свидетельство о рождении (копию принесёт отец)")

        start = date(date.today().year - (0 if date.today().month >= 9 else 1), 9, 1)
        for fmt, goals in ((student_student, "Адаптация пятиклассников, помощь в учёбе и школьной жизни"),
                           (teacher_teacher, "Поддержка молодых специалистов в первые годы работы"),
                           (teacher_student, "Раскрытие способностей и помощь в трудных ситуациях")):
            Programme.create(mentoring_format=fmt, title=f"Программа наставничества «{fmt.name}»", goals=goals,
                             expected_results="Рост мотивации и образовательных результатов наставляемых",
                             starts_on=start, ends_on=start + timedelta(days=364),
                             presented_teachers_council_on=start - timedelta(days=3))
        _bases(rng, student_student, teacher_teacher, teacher_student, teachers, students, externals, mentor)
        # The second mentee is not the mentor's namesake: a demo pair should not look like relatives.
        second = next(s for s in students if s.school_class_id == classes["7А"].id
                      and s.surname[:4] != mentor.surname[:4])
        _pairs(school, teacher_student, mentor, [Person.get_by_id(mentee.id), second])
        _member(student_student, sister, "mentee", ["gifted"], needs="адаптация в новом классе")
        juniors = [s for s in students if s.school_class_id in (classes["5А"].id, classes["6Б"].id)]
        _member(student_student, Person.get_by_id(mentee.id), "mentee", ["low_results"],
                needs="подготовка к ОГЭ по математике")
        _consents(school, waiting={sister.id, juniors[0].id, juniors[1].id}, withdrawn=juniors[2].id,
                  demo_parent=demo_parent)
        _waiting_family(juniors[1])  # juniors[0] stays for tests/e2e/test_parent_consent.py's invited father
        _matching(student_student, teacher_teacher, teacher_student, teachers, Person.get_by_id(mentee.id),
                  mentor, [s for s in students if s.school_class_id == classes["9А"].id])
        _cycle(teacher_student, mentor)
        _year_so_far(teacher_teacher, teachers)
        _notices(student_student, Person.get_by_id(mentee.id), mentor)
        _signed_agreement(externals[0])
        _class_teacher(school, rng, classes["7А"], student_student, second)
        _psychologist(school, rng, teacher_teacher)
        _roadmap(_introduction_order())
        _proposals(teacher_student, mentor, demo_parent, Person.get_by_id(mentee.id), curator_uu)
        _complaints(mentor, demo_parent, Person.get_by_id(mentee.id), second)
        _target_model()
        _training(school, mentor, teachers[2], curator_uu)
        _recognition(student_student, mentor)
        _public_pages(school, mentor, teacher_student, curator_uu)
    return school


def _appointment_order(curators) -> None:
    """The curators appointed as the coordinator does it: «Назначить куратора» drafts the order, and its
    registration (number, date) gives each their form."""
    scope = scope_for(Account.get(Account.login == "coordinator"))
    for person, fmt in curators:
        appoint_curator(scope, fmt.id, person.id)
    signed = date(2026, 8, 30)
    order_rules.register(scope, order_rules.appointment.open_draft(scope.school_id).id, "45-од", signed,
                         today=max(date.today(), signed))


def _training(school, mentor, trainer, curator) -> None:
    """«Школа наставников» (s10, s6, 3.2): one programme with a material; «Группа 1» met four times — the demo
    mentor attended every session and holds the certificate, the curator attended two of four (short of the 75 %
    rule); «Группа 2» is open for enrolment, its two sessions a week ago and today. The mentor also recorded a federal course.
    Enrolments and the certificate are written directly, like the demo's other rows, so no demo inbox changes."""
    boss = training.Actor(Person.get(Person.id == Account.get(Account.login == "coordinator").person_id),
                          frozenset({"coordinator"}))
    programme = training.create_programme(boss, training.ProgrammeData(
        "Наставник: роль, планирование, обратная связь", 36,
        "Роль наставника в целевой модели\nПланирование работы пары\nОбратная связь и мотивация\n"
        "Итоговая встреча и отчёт", 75))
    training.add_material(boss, programme.id, "Памятка наставнику.pdf", BLANK_SCAN)
    today = date.today()
    first = training.create_group(boss, programme.id, "Группа 1", trainer.id, False)
    topics = programme.topics.split("\n")
    for n, topic in enumerate(topics):
        training.add_session(boss, first.id, today - timedelta(days=7 * (len(topics) - n)), "15:30", "каб. 21", topic)
    enrolled = [TrainingEnrolment.create(group=first, person=person, enrolled_by=boss.person)
                for person in (mentor, curator)]
    for n, session in enumerate(training.sessions([first.id])):
        training.mark_attendance(boss, session.id, [enrolled[0].id] + ([enrolled[1].id] if n < 2 else []))
    group = training.group(boss, first.id)
    done = next(p for p in training.roster(group) if p.enrolment.id == enrolled[0].id)
    data = training.certificate_data(done, group, school, training.sessions([first.id]))
    document = issued.issue(school_id=school.id, kind="training_certificate", title=training.CERTIFICATE_TITLE,
                            actor=boss.person, number=data["number"], person=mentor.id,
                            render=lambda verification: certificate_html(dict(data, verification=verification)))
    TrainingEnrolment.update(certificate=document).where(TrainingEnrolment.id == enrolled[0].id).execute()
    second = training.create_group(boss, programme.id, "Группа 2", trainer.id, True)
    for n, topic in enumerate(topics[:2]):  # a week ago and today: attendance is marked once a session is held
        training.add_session(boss, second.id, today - timedelta(days=7 * (1 - n)), "15:30", "каб. 21", topic)
    stored = uploads.store(school.id, mentor, "Удостоверение о повышении квалификации.pdf", BLANK_SCAN,
                           allowed=uploads.SCANS, purpose="external_course")
    ExternalCourse.create(school=school, person=mentor, title="Наставничество в образовательной организации",
                          provider="ФГАОУ ДПО «Академия Минпросвещения России»", hours=36,
                          completed_on=today - timedelta(days=120), certificate=stored, recorded_by=mentor)


def _photo_png(rgb=(70, 130, 180), size=64) -> bytes:
    """A plain square PNG: a stand-in photo for the public pages (the demo has no real faces)."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

    row = b"\0" + bytes(rgb) * size
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b""))


def _public_pages(school, mentor, fmt, curator) -> None:
    """«Наши наставники», the honour board and the methodical bank (s9, 3.2): the demo mentor agreed to show
    everything and wrote about himself; another mentor agreed to the name, role and achievements only; a third
    is on the honour board without a consent to dissemination, so the board does not show him."""
    documents = consent.current_documents(school.id)
    coordinator = Account.get(Account.login == "coordinator").person
    others = [m.person for m in BaseMembership.select(BaseMembership, Person).join(Person)
              .where((BaseMembership.base == "mentor") & (BaseMembership.status == "active")
                     & (Person.kind == "staff") & (Person.id != mentor.id)).order_by(Person.id).limit(2)]
    dissemination = documents["dissemination"]
    for person, fields in [(mentor, "name,role,format,text,achievements,photo")] + (
            [(others[0], "name,role,format,achievements")] if others else []):
        Consent.create(document=dissemination, subject=person, signer=person, text_sha256=dissemination.sha256,
                       identity_document="паспорт 78 10 123456, выдан ОУФМС России по Ярославской обл. 12.05.2010",
                       address="г. Ярославль, ул. Свободы, д. 10, кв. 5", public_fields=fields,
                       signed_at=utcnow() - timedelta(days=10), ip="192.0.2.10", user_agent="демонстрационные данные")
    public_pages.save_profile(mentor, "Учитель математики. Помогаю ребятам полюбить задачи и не бояться экзаменов; "
                                      "веду школьный кружок олимпиадной математики.", "фото.png", _photo_png())
    last_year = date.today().year - 1
    honour.add_entry(coordinator, mentor, "Наставник года", last_year,
                     "За пару, которая прошла путь от двоек до призового места на олимпиаде.")
    for person, title in zip(others, ("Лучший наставник-педагог", "Наставник +")):
        honour.add_entry(coordinator, person, title, last_year, "")
    published = bank.submit(mentor, ["mentor"], bank.MaterialData(
        title="Сценарий первой встречи наставника и наставляемого", format_id=str(fmt.id), topic="первая встреча",
        description="Вопросы для знакомства, упражнение «Три факта обо мне» и план на месяц.",
        publish_agreed=True, public_agreed=True, file_name="Сценарий первой встречи.pdf", file_data=BLANK_SCAN))
    bank.review(coordinator, published.id, "publish")
    bank.submit(curator, ["curator"], bank.MaterialData(
        title="Чек-лист адаптации пятиклассника", topic="адаптация", publish_agreed=True,
        description="Что проверить с наставляемым в первые две недели сентября.",
        file_name="Чек-лист адаптации.pdf", file_data=BLANK_SCAN))


def _introduction_order():
    """The director's order «О внедрении целевой модели наставничества» (4.1), drafted from the school's data and
    registered through the services as the coordinator does it: the first roadmap event's evidence."""
    scope = scope_for(Account.get(Account.login == "coordinator"))
    today = date.today()
    year = years.school_year(today)
    start = min(date(year, 9, 1), today)
    draft = order_rules.kinds.create(scope, "introduction", {"school_year": year, "starts_on": start,
                                                             "basis": order_rules.kinds.BASIS}, today=today)
    order = order_rules.register(scope, draft.id, "1-од", start, today=today)
    return issued.of(order=order.id)


def _proposals(fmt, mentor, parent, child, curator) -> None:
    """Proposals to the administration (s6, s8, s9): the mentor's, answered and published with their agreement;
    the demo parent's for her son, under review; the curator's on the school's development, still new."""
    scope = scope_for(Account.get(Account.login == "coordinator"))
    answered = voice.submit(mentor, "mentor", voice.ProposalData(
        topic="mentorship", format_id=fmt.id, publish_agreed=True,
        text="Проводить раз в четверть общую встречу наставников и наставляемых: обмениваться опытом и "
             "показывать, чего добились пары."))
    voice.change_state(scope, answered.id, "accept", "Спасибо! Первая общая встреча пройдёт в конце четверти "
                                                     "в актовом зале.")
    voice.change_state(scope, answered.id, "publish")
    asked = voice.submit(parent, "parent", voice.ProposalData(
        topic="mentorship", child_id=child.id,
        text="Сообщать родителям заранее о переносе встреч наставника с ребёнком."))
    voice.change_state(scope, asked.id, "review")
    voice.submit(curator, "curator", voice.ProposalData(
        topic="school", text="Открыть в школе клуб старшеклассников-наставников для пятиклассников."))


def _complaints(mentor, parent, child, second) -> None:
    """Complaints about the demo mentor's pairs (s6, s8): the demo parent's for her son, without her name and waiting
    for the mentor's explanation; the coordinator's about the other pair, explained and decided — so «Оценка моей
    работы» and the coordinator's list show both ends of the way."""
    scope = scope_for(Account.get(Account.login == "coordinator"))
    pair_of = {m.mentee_id: m.mentorship_id for m in MentorshipMember.select().join(Mentorship)
               .where(Mentorship.mentor == mentor)}
    complaints.file(parent, "parent", f"{pair_of[child.id]}-{child.id}",
                    "Встречи с наставником дважды переносили в последний момент: сын ждал после уроков, а встреча "
                    "не состоялась.", name_shown=False)
    made = complaints.file(scope.person, "coordinator", str(pair_of[second.id]),
                           "В журнале встреч пары нет записей за последний месяц, хотя по плану встречи еженедельные.",
                           name_shown=True, scope=scope)
    complaints.explain(mentor, made.id, "Встречи проходили, но я не успевал вносить их в журнал. Внесу до пятницы.")
    complaints.decide(scope, made.id, "action_taken",
                      "Наставнику напомнили о ведении журнала; куратор проверит записи через две недели.")
def _recognition(student_student, mentor) -> None:
    """Last school year's «Наставник года» (s9), announced at the festival of mentors and decided: a senior pupil
    mentor won (her certificate and the thank-you letter to her mother are issued), the demo mentor took second
    place; the demo mentor was also put forward to the regional contest. This year's «Лучшая пара» is open."""
    scope = scope_for(Account.get(Account.login == "coordinator"))
    last = years.school_year(date.today()) - 1
    festival = recognition.create_event(scope, "festival", "Фестиваль наставников «Вместе к успеху»",
                                        date(last + 1, 5, 20), "Актовый зал школы",
                                        "10:00 — открытие\n10:30 — мастер-классы наставнических пар\n"
                                        "12:00 — награждение победителей конкурса «Наставник года»")
    competition = recognition.create_competition(scope, "mentor_of_year", last, festival.id)
    senior = (Person.select().join(BaseMembership, on=(BaseMembership.person == Person.id))
              .switch(Person).join(Guardianship, on=(Guardianship.child == Person.id))
              .where((BaseMembership.mentoring_format == student_student) & (BaseMembership.base == "mentor")
                     & (Person.sex == "f") & Guardianship.confirmed_at.is_null(False)).order_by(Person.id).first())
    rows = [recognition.nominate(scope.person, "coordinator", competition.id, senior.id,
                                 "Весь год помогала пятиклассникам освоиться в школе и вела клуб по математике.",
                                 scope=scope),
            recognition.nominate(scope.person, "coordinator", competition.id, mentor.id,
                                 "Подготовил наставляемых к олимпиадам: два призёра муниципального этапа.",
                                 scope=scope)]
    for person in (senior, mentor):
        EventParticipant.create(event=festival, person=person)
    recognition.decide(scope, competition.id, {rows[0].id: 1, rows[1].id: 2}, today=date(last + 1, 5, 20))
    recognition.record_contest(scope, mentor.id, "regional", "Региональный конкурс «Наставник года»", last, "prize")
    recognition.create_competition(scope, "best_pair", last + 1)  # this year's, open: the mentee's side nominates


def _roadmap(evidence=None) -> None:
    """The typical roadmap (3.2) for this school year, as the coordinator fills it: the events whose deadline has
    passed are done but one — the latest of staff policy (the «Школа наставников» is not run in the portal yet) —
    left overdue for the dashboard's attention list, and the next one is in progress. Early in September, when
    hardly any deadline has passed, the first three are moved into the past."""
    scope = scope_for(Account.get(Account.login == "coordinator"))
    today = date.today()
    events = roadmap.fill_typical(scope)
    past = [e for e in events if e.due_on < today]
    if len(past) < 3:
        for event, days in zip(events, (10, 5, 1)):
            RoadmapEvent.update(due_on=today - timedelta(days=days)).where(RoadmapEvent.id == event.id).execute()
        events = roadmap.events(scope)
        past = [e for e in events if e.due_on < today]
    overdue = next((e for e in reversed(past) if e.section == "staffing"), past[-1])
    if evidence is not None:  # the first typical event is the introduction order: it is registered
        first = next((e for e in events if "внедрении целевой модели" in e.title), None)
        if first is not None:
            RoadmapEvent.update(document=evidence).where(RoadmapEvent.id == first.id).execute()
    for event in past:
        if event.id != overdue.id:
            roadmap.set_status(scope, event.id, "done")
            # Done on the day it was due, not all on the day the demo was made.
            RoadmapEvent.update(done_at=datetime.combine(event.due_on, time(9))).where(
                RoadmapEvent.id == event.id).execute()
    upcoming = [e for e in events if e.due_on >= today]
    if upcoming:
        roadmap.set_status(scope, upcoming[0].id, "in_progress")


def _target_model() -> None:
    """The school's target model of mentorship (s10), uploaded by the coordinator: the registry of documents shows
    it to everyone with its version, and the coordinator can upload the next."""
    scope = scope_for(Account.get(Account.login == "coordinator"))
    registry.upload_target_model(scope, "Целевая модель наставничества МОУ СОШ № 62.pdf", BLANK_SCAN,
                                 note="Первая редакция, утверждена приказом директора о внедрении целевой модели")


def _class_teacher(school, rng, school_class, fmt, taken) -> None:
    """`classteacher`, the class teacher of 7А (4.5): one pupil proposed for «Ученик – ученик» and waiting for the
    demo curator, one declined with the curator's reason — through the services, so the inbox items are real."""
    teacher = _person(school, rng, "f", kind="staff", surname="Романова", first_name="Елена", patronymic="Игоревна",
                      position="учитель русского языка и литературы", birth_date=date(1981, 10, 5))
    account = _account(teacher, "classteacher")
    accounts.grant_role(None, account, "class_teacher", school_class=school_class)
    scope = class_teachers.scope_of(Account.get_by_id(account.id))
    pupils = [p for p in class_teachers.pupils(scope) if p.id != taken.id]
    declined = class_teachers.propose(scope, pupils[1].id, fmt.id, "mentee", "detached",
                                      "Новенький в классе, пока ни с кем не подружился.")
    curator = Account.get(Account.login == "curator")
    class_teachers.decline(scope_for(curator), declined.id,
                           "Ученик с октября ходит в школьный театр и уже освоился; вернёмся к вопросу во втором "
                           "полугодии.")
    class_teachers.propose(scope, pupils[0].id, fmt.id, "mentee", "low_results",
                           "Отстаёт по математике после болезни, просит помощи одноклассников.")


def _psychologist(school, rng, teacher_teacher) -> None:
    """`psychologist`, the school's педагог-психолог (s6, s8): two young teachers of «Учитель – учитель» asked for
    support — one waiting, one the psychologist has already called. Written directly, like the demo's other rows,
    so no other demo login's inbox changes; the psychologist's inbox item is the one `support.ask` would write."""
    person = _person(school, rng, "f", kind="staff", surname="Котова", first_name="Ирина", patronymic="Владимировна",
                     position="педагог-психолог", birth_date=date(1979, 4, 14))
    account = _account(person, "psychologist")
    accounts.grant_role(None, account, "psychologist")
    askers = [m.person for m in BaseMembership.select().where((BaseMembership.mentoring_format == teacher_teacher)
                                                              & (BaseMembership.base == "mentee"))
              .order_by(BaseMembership.id).limit(2)]
    now = utcnow()
    waiting = SupportRequest.create(school=school, asked_by=askers[0], about=askers[0], asked_as="mentee",
                                    mentoring_format=teacher_teacher, asked_at=now - timedelta(days=1),
                                    topic="Первый год в школе: не справляюсь с нагрузкой, плохо сплю перед уроками "
                                          "в 9 классе.",
                                    contact="Лучше после 15:00 в учительской")
    notifications.notify([person], "support.requested", obj=waiting)
    called = SupportRequest.create(school=school, asked_by=askers[-1], about=askers[-1], asked_as="mentee",
                                   mentoring_format=teacher_teacher, status="contacted",
                                   asked_at=now - timedelta(days=9), contacted_at=now - timedelta(days=8),
                                   topic="Конфликт с родителями ученика, хочется разобрать ситуацию.")
    SupportNote.create(request=called, author=person, kind="contact", at=now - timedelta(days=8),
                       text="Поговорили по телефону; встреча в кабинете психолога в пятницу.")


def _notices(student_student, mentee, mentor):
    """The demo's rows are written directly, so the inbox items their services would have written are written
    here, for what the demo state still asks: the parents' consents and the programmes to read, the proposals
    to the demo mentee, the choice the demo mentor must answer, the registered order, the plan to agree, the
    overdue monitoring round. (No disputed meeting in the curator's format: her inbox starts empty.)"""
    for membership in (BaseMembership.select(BaseMembership, MentoringFormat).join(MentoringFormat)
                       .where(BaseMembership.status == "awaiting_consent").order_by(BaseMembership.id)):
        asking.ask_consent(Person.get_by_id(membership.person_id), membership.mentoring_format, membership.base)
    asking.ask_acknowledgement(list(BaseMembership.select().order_by(BaseMembership.id)))
    proposed = Proposal.select().where((Proposal.mentee == mentee) & (Proposal.status == "open")).count()
    notifications.notify([mentee], "proposal.made", obj=mentee,
                         details=f"Форма {quoted(student_student.name)}, новых кандидатов в наставники: {proposed}")
    for pair in Mentorship.select().where(Mentorship.status == "chosen").order_by(Mentorship.id):
        chooser = Person.get_by_id(MentorshipMember.get(MentorshipMember.mentorship == pair).mentee_id)
        notifications.notify([pair.mentor_id], "choice.to_confirm", obj=pair,
                             details=f"{'Выбор сделала' if chooser.sex == 'f' else 'Выбор сделал'}: "
                                     f"{short_name(chooser)}")
    for order in Order.select().where(Order.status == "registered"):
        for item in OrderItem.select().where(OrderItem.order == order).order_by(OrderItem.id):
            pair = Mentorship.get_by_id(item.mentorship_id)
            members = [m.mentee_id for m in MentorshipMember.select().where(MentorshipMember.mentorship == pair)]
            notifications.notify([pair.mentor_id, *members], "order.registered", obj=pair,
                                 details=f"Приказ № {order.number} от {ru_short_date(order.dated_on)}")
    for plan in Plan.select().where(Plan.mentee_confirmed_at.is_null() & Plan.mentor_confirmed_at.is_null(False)):
        members = [m.mentee_id for m in MentorshipMember.select().where(MentorshipMember.mentorship == plan.mentorship)]
        notifications.notify(members, "plan.to_agree", obj=Mentorship.get_by_id(plan.mentorship_id),
                             details=f"Вариант плана № {plan.version}")
    monitoring.notify_overdue()
    # create_school invited the coordinator; the demo set her password directly, so nothing is left to redeem.
    Notification.delete().where(Notification.kind == "account.invited").execute()


def _year_so_far(teacher_teacher, teachers):
    """«Учитель – учитель» has lived part of the year (`curator2`): one pair met through all five stages and its
    mentor wrote the final report (the staff's «Итоговые отчёты» have one to read); another pair ended early,
    and waits for the next order of changes on the coordinator's orders page. The completed pair began last
    school year: the format's past programme and that year's pair, carried into this one, stay readable."""
    programme = Programme.current(teacher_teacher.id)
    order = Order.get(Order.number == "52-од")
    today = date.today()
    span = max((today - programme.starts_on).days, 8)

    def approved(mentor, mentee):
        made = Mentorship.create(mentoring_format=teacher_teacher, programme=programme, mentor=mentor, status="active")
        MentorshipMember.create(mentorship=made, mentee=mentee)
        OrderItem.create(order=order, mentorship=made)
        return made

    pair, early = approved(teachers[1], teachers[6]), approved(teachers[3], teachers[7])
    history = _last_year(programme, teachers[1], teachers[6])
    Mentorship.update(carried_from=history).where(Mentorship.id == pair.id).execute()
    stages = [("first", "Знакомство, ожидания от года"), ("trial", "Посещение урока наставника"),
              ("planning", "План на полугодие"), ("regular", "Разбор открытого урока"),
              ("regular", "Дисциплина на уроке: приёмы"), ("final", "Итоги и планы на будущее")]
    days = [min(programme.starts_on + timedelta(days=span * (n + 1) // 7), today) for n in range(len(stages))]
    now = utcnow()
    for (stage, topic), day in zip(stages[:3], days):
        Meeting.create(mentorship=pair, stage=stage, held_on=day, topic=topic, logged_by=teachers[1])
    Plan.create(mentorship=pair, goals="Уверенно вести урок и держать дисциплину", planned_meetings=6,
                created_by=teachers[1], mentor_confirmed_at=now, mentee_confirmed_at=now)
    for (stage, topic), day in zip(stages[3:], days[3:]):
        Meeting.create(mentorship=pair, stage=stage, held_on=day, topic=topic, logged_by=teachers[1])
    Mentorship.update(status="completed", status_changed_at=now).where(Mentorship.id == pair.id).execute()
    cycle.write_report(teachers[1], pair.id, work_done="Шесть встреч, два открытых урока, разбор каждого.",
                       results="План выполнен: шесть встреч из шести.",
                       conclusions="Молодой учитель уверенно ведёт урок и держит дисциплину.",
                       proposals="Продолжить наставничество в формате «Учитель – ученик».")
    Meeting.create(mentorship=early, stage="first", held_on=days[0], topic="Знакомство", logged_by=teachers[3])
    Mentorship.update(status="ended", status_changed_at=now, end_reason="incompatibility",
                      ended_reason="разные предметы, не сложилась работа").where(Mentorship.id == early.id).execute()


def _last_year(programme, mentor, mentee) -> Mentorship:
    """The format's programme of the school year before, and the pair that began then and went on this year."""
    starts = programme.starts_on.replace(year=programme.starts_on.year - 1)
    last = Programme.create(mentoring_format=programme.mentoring_format_id, title=programme.title,
                            goals=programme.goals, expected_results=programme.expected_results, starts_on=starts,
                            ends_on=programme.starts_on - timedelta(days=1),
                            presented_teachers_council_on=starts - timedelta(days=3),
                            created_at=utcnow() - timedelta(days=400), published_at=utcnow() - timedelta(days=400))
    history = Mentorship.create(mentoring_format=programme.mentoring_format_id, programme=last, mentor=mentor,
                                status="carried", status_changed_at=utcnow() - timedelta(days=3))
    MentorshipMember.create(mentorship=history, mentee=mentee)
    for weeks, (stage, topic) in enumerate((("first", "Знакомство"), ("trial", "Посещение урока наставника"),
                                            ("planning", "План на второе полугодие")), start=1):
        Meeting.create(mentorship=history, stage=stage, held_on=starts + timedelta(weeks=weeks * 6), topic=topic,
                       logged_by=mentor)
    return history


# A one-page blank PDF: the demo's «scan» of a signed agreement.
BLANK_SCAN = (b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
              b"2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
              b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>> endobj\n"
              b"trailer <</Root 1 0 R>>\n%%EOF\n")


def _signed_agreement(external):
    """One external mentor's cooperation agreement came back signed (4.14); the other's has not yet, so the
    curator's candidate list shows why that mentor is not offered."""
    agreements.issue(None, external)
    agreements.record_signed(None, external, "3-Д", date(2026, 9, 5), "Договор с наставником (скан).pdf", BLANK_SCAN)


def _cycle(fmt, mentor):
    """The second demo pair has met (journal, a plan waiting for the mentee); the demo mentee's own pair
    starts its cycle from the first meeting, so a demo mentor can walk every stage; one monitoring round
    is overdue."""
    today = date.today()
    pairs = list(Mentorship.select().where((Mentorship.mentor == mentor) & (Mentorship.status == "active"))
                 .order_by(Mentorship.id))
    met = pairs[-1]
    start = max(met.programme.starts_on, today - timedelta(days=60))
    held = [Meeting.create(mentorship=met, stage=stage, held_on=min(start + timedelta(days=7 * offset), today),
                           topic=topic, logged_by=mentor)
            for offset, (stage, topic) in enumerate((("first", "Знакомство, правила работы"),
                                                     ("trial", "Пробное занятие: задачи на проценты")))]
    # The pupil's mother confirmed the first meeting for him (s8): the journals say «родитель (…) за ученика».
    pupil = MentorshipMember.get(MentorshipMember.mentorship == met).mentee_id
    mother = Guardianship.get((Guardianship.child == pupil) & Guardianship.confirmed_at.is_null(False)).parent
    cycle.confirm_meeting(mother, held[0].id, "confirmed")
    Plan.create(mentorship=met, goals="Подготовиться к олимпиаде по математике", planned_meetings=10,
                created_by=mentor, mentor_confirmed_at=utcnow())
    MonitoringRound.create(mentoring_format=fmt, kind="intermediate", opened_by=mentor,
                           opened_at=utcnow() - timedelta(days=20))


def _matching(student_student, teacher_teacher, teacher_student, teachers, mentee, mentor, ninth_graders):
    """Every screen of issue 4 has something on it: proposals to choose from, a mentee waiting for the
    demo mentor's answer, confirmed pairs waiting for the director's order."""
    programmes = Programme.current_of(f.id for f in (student_student, teacher_teacher, teacher_student))
    for membership in BaseMembership.select().where(BaseMembership.status == "active"):
        if membership.person_id == mentee.id and membership.mentoring_format_id == student_student.id:
            continue  # the demo mentee still has to read this programme before choosing (4.12)
        Acknowledgement.get_or_create(person=membership.person_id,
                                      programme=programmes[membership.mentoring_format_id])
    seniors = (BaseMembership.select(BaseMembership, Person).join(Person)
               .where((BaseMembership.mentoring_format == student_student) & (BaseMembership.base == "mentor")
                      & (BaseMembership.status == "active")).order_by(Person.surname).limit(3))
    for rank, (senior, candidate) in enumerate(zip(list(seniors), CANDIDATES)):
        _candidate(senior, candidate)
        Proposal.create(mentoring_format=student_student, mentee=mentee, mentor=senior.person_id, rank=3 - rank,
                        reason=candidate["reason"])
    chooser = ninth_graders[0]
    pair = Mentorship.create(mentoring_format=teacher_student, programme=programmes[teacher_student.id],
                             mentor=mentor, status="chosen")
    MentorshipMember.create(mentorship=pair, mentee=chooser)
    Proposal.create(mentoring_format=teacher_student, mentee=chooser, mentor=mentor, rank=2, status="chosen",
                    mentorship=pair, reason="олимпиадная математика совпадает с запросом")
    for mentor_person, mentee_person in ((teachers[0], teachers[4]), (teachers[2], teachers[5])):
        confirmed = Mentorship.create(mentoring_format=teacher_teacher, programme=programmes[teacher_teacher.id],
                                      mentor=mentor_person, status="confirmed")
        MentorshipMember.create(mentorship=confirmed, mentee=mentee_person)


def _waiting_family(child) -> None:
    """`parent2`: a parent who has never signed anything in the portal, whose child waits for her consent —
    the e-signature agreement and the first signature can be walked (the demo `parent` has signed before)."""
    Person.update(sex="f", surname="Кравцова", first_name="Злата", patronymic="Игоревна").where(
        Person.id == child.id).execute()
    parent = Person.get_by_id(Guardianship.get(Guardianship.child == child).parent_id)
    Person.update(surname="Кравцова", first_name="Наталья", patronymic="Викторовна").where(
        Person.id == parent.id).execute()
    _account(Person.get_by_id(parent.id), "parent2", "parent")


def _candidate(membership, candidate) -> None:
    """A senior proposed to the demo mentee: a fixed name (the README names the login), a login, own texts.
    The parent's surname follows the child's, as the demo's families do."""
    person = membership.person
    Person.update(sex=candidate["sex"], surname=candidate["surname"], first_name=candidate["first_name"],
                  patronymic=candidate["patronymic"]).where(Person.id == person.id).execute()
    family = candidate["surname"][:-1] if candidate["sex"] == "f" else candidate["surname"]
    Person.update(surname=family + "а").where(
        Person.id.in_(Guardianship.select(Guardianship.parent).where(Guardianship.child == person.id))).execute()
    BaseMembership.update(can_help_with=candidate["can_help_with"],
                          self_description=candidate["self_description"]).where(
        BaseMembership.id == membership.id).execute()
    _account(Person.get_by_id(person.id), candidate["login"], "mentor")


def _consents(school, waiting, withdrawn, demo_parent):
    """Most participants have signed; a few wait for a parent, one parent has withdrawn (demo lists)."""
    documents = consent.current_documents(school.id)
    # Only a confirmed link lets a parent sign (the father of the demo mentee waits for the coordinator).
    guardians = {g.child_id: g.parent_id
                 for g in Guardianship.select().where(Guardianship.confirmed_at.is_null(False))}
    signed = {}
    now = utcnow()

    agreed = set()

    def sign(subject, kind, days_ago=14):
        signer_id = subject.id if kind == "adult_self" else guardians[subject.id]
        if signer_id not in agreed:  # only a signer who accepted the e-signature agreement signs online
            agreed.add(signer_id)
            agreement = documents["esign_agreement"]
            Consent.create(document=agreement, subject=signer_id, signer=signer_id, text_sha256=agreement.sha256,
                           signed_at=now - timedelta(days=20), ip="192.0.2.10", user_agent="демонстрационные данные")
        key = (subject.id, kind)
        if key not in signed:
            document = documents[kind]
            signed[key] = Consent.create(
                document=document, subject=subject, signer=signer_id, text_sha256=document.sha256,
                identity_document="паспорт 78 10 123456, выдан ОУФМС России по Ярославской обл. 12.05.2010",
                address="г. Ярославль, ул. Свободы, д. 10, кв. 5",
                subject_document="" if kind == "adult_self" else "свидетельство о рождении I-ГР 123456",
                subject_address="" if kind == "adult_self" else "г. Ярославль, ул. Свободы, д. 10, кв. 5",
                signed_at=now - timedelta(days=days_ago), ip="192.0.2.10", user_agent="демонстрационные данные")
        return signed[key]

    memberships = BaseMembership.select(BaseMembership, Person).join(Person)
    for membership in memberships:
        person = membership.person
        if person.id in waiting:
            BaseMembership.update(status="awaiting_consent").where(BaseMembership.id == membership.id).execute()
            continue
        given = sign(person, consent.required_kind(person, membership.base))
        if person.id == withdrawn:
            ConsentWithdrawal.create(consent=given, withdrawn_by=given.signer_id, withdrawn_at=now - timedelta(days=5),
                                     destruction_due_on=date.today() + timedelta(days=25))
            BaseMembership.update(status="left", left_at=now - timedelta(days=5)).where(
                BaseMembership.id == membership.id).execute()


def _member(fmt, person, base, categories=(), **fields) -> BaseMembership:
    membership = BaseMembership.create(mentoring_format=fmt, person=person, base=base, status="active", **fields)
    for code in categories:
        MembershipCategory.create(membership=membership, code=code)
    return membership


def _bases(rng, student_student, teacher_teacher, teacher_student, teachers, students, externals, mentor):
    seniors = [s for s in students if s.school_class.name in ("10А", "11А")]
    juniors = [s for s in students if s.school_class.name in ("5А", "6Б")]
    for s in seniors:
        _member(student_student, s, "mentor", ["student"], capacity=2, can_help_with="математика, адаптация в школе")
    for s in juniors:
        _member(student_student, s, "mentee", [rng.choice(["low_results", "detached", "gifted"])],
                needs="помощь с домашними заданиями")
    for t in teachers[:4]:
        _member(teacher_teacher, t, "mentor", ["teacher"], capacity=2, can_help_with="методика урока")
    for t in teachers[4:8]:
        _member(teacher_teacher, t, "mentee", ["young_specialist"], needs="дисциплина на уроке")
    _member(teacher_student, mentor, "mentor", ["teacher"], capacity=3, can_help_with="олимпиадная математика",
            self_description="Готовлю к олимпиадам 15 лет, люблю задачи с подвохом.")
    for e, code in zip(externals, ("employee", "entrepreneur")):
        _member(teacher_student, e, "mentor", [code], capacity=2, can_help_with="профориентация, проекты")
    for s in [s for s in students if s.school_class.name in ("7А", "8Б", "9А")]:
        _member(teacher_student, s, "mentee", [rng.choice(["gifted", "low_results", "hardship", "behaviour"])],
                needs="подготовка к олимпиаде" if s.sex == "m" else "выбор профиля")


def _pairs(school, fmt, mentor, mentees):
    order = Order.create(school=school, kind="pairs", title="Об утверждении наставников и наставнических пар/групп",
                         status="registered", number="52-од", dated_on=date(2026, 9, 15), registered_at=utcnow())
    programme = Programme.get(Programme.mentoring_format == fmt)
    for mentee in mentees:
        pair = Mentorship.create(mentoring_format=fmt, programme=programme, mentor=mentor, status="active")
        MentorshipMember.create(mentorship=pair, mentee=mentee)
        OrderItem.create(order=order, mentorship=pair)
