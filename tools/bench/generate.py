"""Fill a migrated database with benchmark schools by bulk inserts (issue 6, «make bench»).

One school at full size is 1,500 students, 120 staff, 2,000 parents (each a confirmed guardian), 400 active
pairs with a programme, consents, base memberships and a registered order, 10,000 meetings (25 a pair) and
answered questionnaires (entry by mentor and mentee, exit by the mentee of every other pair, process
quality and satisfaction with the mentor in an intermediate round), and what the public pages show: 60
teacher-mentors with a consent to dissemination and a short text, 15 of them on the honour board, 40 published
materials of the methodical bank, 20 of them public (issue 17). Rows go in with insert_many in chunks
and every account shares one precomputed argon2 hash, so a school costs seconds, not the hours the services
would take one row at a time.

School n has three known logins with PASSWORD: bench<n>-coordinator, bench<n>-mentor (mentor of the
school's first pair) and bench<n>-mentee (that pair's mentee, who also has three open proposals to choose
from in another format).

    .venv/bin/python tools/bench/generate.py sqlite:///tmp/bench.db --schools 1
    .venv/bin/python tools/bench/generate.py postgresql://postgres@127.0.0.1/bench --schools 100
"""
import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from portal.data.questionnaires import SCALES, STANDARD  # noqa: E402
from portal.db import database_from_url, db  # noqa: E402
from portal.models import (  # noqa: E402
    Account, Acknowledgement, Answer, BaseMembership, Consent, ConsentDocument, Guardianship, Meeting,
    MeetingConfirmation, MembershipCategory, MentoringFormat, Mentorship, MentorshipMember, MonitoringRound,
    BankMaterial, HonourEntry, Notification, Order, OrderItem, Person, Plan, Programme, Proposal, PublicProfile,
    Question, Questionnaire, Response, RoleGrant, SchoolClass, StoredFile,
)
from portal.models.mentorship import order_number_key  # noqa: E402
from portal.services import passwords  # noqa: E402
from portal.services.notifications import TITLES as NOTIFICATION_TITLES  # noqa: E402
from portal.services.school import create_school  # noqa: E402

PASSWORD = "bench password 2025"
CHUNK = 500
SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
            "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров")
MALE = ("Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл")
FEMALE = ("Анна", "Мария", "Елена", "Дарья", "Алина", "Ирина", "Екатерина", "Полина", "Софья")
PATRONYMIC = {"m": ("Сергеевич", "Андреевич", "Игоревич"), "f": ("Сергеевна", "Андреевна", "Игоревна")}


@dataclass(frozen=True)
class Size:
    students: int
    staff: int
    parents: int
    pairs: int
    meetings_per_pair: int
    waiting_mentees: int
    # The public pages (issue 17): mentors who consented to dissemination, honour-board entries among them,
    # published materials of the methodical bank and how many of those are public.
    public_mentors: int = 0
    honour_entries: int = 0
    bank_materials: int = 0
    public_materials: int = 0


SCHOOL = Size(students=1500, staff=120, parents=2000, pairs=400, meetings_per_pair=25, waiting_mentees=100,
              public_mentors=60, honour_entries=15, bank_materials=40, public_materials=20)
SMALL = Size(students=60, staff=12, parents=80, pairs=10, meetings_per_pair=25, waiting_mentees=5,
             public_mentors=6, honour_entries=3, bank_materials=8, public_materials=4)
SIZES = {"school": SCHOOL, "small": SMALL}


def bulk(model, rows):
    for start in range(0, len(rows), CHUNK):
        model.insert_many(rows[start:start + CHUNK]).execute()


def ids(query) -> list[int]:
    return [row[0] for row in query.tuples()]


def person_row(school_id, rng, kind, sex, **fields):
    names = MALE if sex == "m" else FEMALE
    surname = rng.choice(SURNAMES) + ("а" if sex == "f" else "")
    return dict(school=school_id, kind=kind, sex=sex, surname=surname, first_name=rng.choice(names),
                patronymic=rng.choice(PATRONYMIC[sex]), **fields)


def generate_school(n: int, size: Size, password_hash: str, today: date) -> int:
    """One school, its people, pairs, meetings and answers; returns the school's id."""
    rng = random.Random(n)
    now = datetime.combine(today, datetime.min.time())
    school, _ = create_school(f"Муниципальное общеобразовательное учреждение СОШ № {n} (бенчмарк)",
                              f"СОШ № {n}", {"surname": "Смирнова", "first_name": "Елена",
                                             "patronymic": "Викторовна", "sex": "f"}, f"bench{n}-coordinator")
    sid = school.id
    Account.update(password_hash=password_hash, regulation_acknowledged_at=now).where(
        Account.school == sid).execute()
    formats = {f.name: f.id for f in MentoringFormat.of_school(sid)}
    uu, tu = formats["Ученик – ученик"], formats["Учитель – ученик"]

    bulk(SchoolClass, [{"school": sid, "name": f"{g}{letter}"} for g in range(1, 12) for letter in "АБВГД"])
    classes = ids(SchoolClass.select(SchoolClass.id).where(SchoolClass.school == sid).order_by(SchoolClass.id))
    students = []
    for i in range(size.students):
        grade = 1 + (i * 11) // size.students
        students.append(person_row(sid, rng, "student", "mf"[i % 2], birth_date=date(today.year - 7 - grade, 1 + i % 12, 10),
                                   school_class=classes[(grade - 1) * 5 + i % 5]))
    bulk(Person, students)
    bulk(Person, [person_row(sid, rng, "staff", "mf"[i % 2], birth_date=date(1970 + i % 30, 3, 14),
                             position="учитель") for i in range(size.staff)])
    bulk(Person, [person_row(sid, rng, "parent", "mf"[i % 2], birth_date=date(1980 + i % 15, 6, 1))
                  for i in range(size.parents)])
    of_kind = lambda kind: ids(Person.select(Person.id).where((Person.school == sid) & (Person.kind == kind))  # noqa: E731
                               .order_by(Person.id))
    student_ids, staff_ids, parent_ids = of_kind("student"), of_kind("staff"), of_kind("parent")
    # The coordinator is staff too: keep them out of the pairs.
    staff_ids = staff_ids[1:]
    guardian_of = {}
    links = []
    for i, parent in enumerate(parent_ids):
        child = student_ids[i % len(student_ids)]
        guardian_of.setdefault(child, parent)
        links.append({"parent": parent, "child": child, "confirmed_at": now})
    bulk(Guardianship, links)

    programmes = {}
    for fid in formats.values():
        programmes[fid] = Programme.insert(mentoring_format=fid, title="Программа наставничества",
                                           goals="Адаптация и рост", starts_on=today - timedelta(days=200),
                                           ends_on=today + timedelta(days=150)).execute()

    # Pairs: 60 % teacher → student, the rest senior student → junior student (mentees never repeat).
    seniors = student_ids[-len(student_ids) // 4:]
    juniors = student_ids[:len(student_ids) - len(seniors)]
    teacher_pairs = size.pairs * 3 // 5
    pairs = []  # (format, mentor, mentee)
    for i in range(size.pairs):
        if i < teacher_pairs:
            pairs.append((tu, staff_ids[i % len(staff_ids)], juniors[i % len(juniors)]))
        else:
            pairs.append((uu, seniors[i % len(seniors)], juniors[i % len(juniors)]))
    waiting = juniors[size.pairs:size.pairs + size.waiting_mentees]
    mentee0 = pairs[0][2]

    memberships = {}
    for fid, mentor, mentee in pairs:
        memberships[(fid, mentor, "mentor")] = {"mentoring_format": fid, "person": mentor, "base": "mentor",
                                                "status": "active", "capacity": 6, "nominated_at": now,
                                                "can_help_with": "Математика, проекты"}
        memberships[(fid, mentee, "mentee")] = {"mentoring_format": fid, "person": mentee, "base": "mentee",
                                                "status": "active", "nominated_at": now}
    for person in waiting + [mentee0]:
        memberships[(uu, person, "mentee")] = {"mentoring_format": uu, "person": person, "base": "mentee",
                                               "status": "active", "nominated_at": now}
    bulk(BaseMembership, list(memberships.values()))
    membership_ids = ids(BaseMembership.select(BaseMembership.id, BaseMembership.base).join(MentoringFormat)
                         .where(MentoringFormat.school == sid))
    bulk(MembershipCategory, [{"membership": m, "code": "teacher" if i % 2 else "gifted"}
                              for i, m in enumerate(membership_ids)])

    # Consents: adults sign for themselves, a minor's parent signs the kind the base needs.
    docs = {d.kind: d for d in ConsentDocument.select().where(ConsentDocument.school == sid)}
    minors = set(student_ids)
    consents = {}
    for fid, person, base in memberships:
        kind = ("parent_mentee" if base == "mentee" else "parent_mentor") if person in minors else "adult_self"
        signer = guardian_of[person] if person in minors else person
        consents[(person, kind)] = {"document": docs[kind].id, "subject": person, "signer": signer,
                                    "text_sha256": docs[kind].sha256, "signed_at": now - timedelta(days=190)}
    bulk(Consent, list(consents.values()))
    bulk(Acknowledgement, [{"person": person, "programme": programmes[fid], "acknowledged_at": now}
                           for fid, person, _ in memberships])

    changed = now - timedelta(days=180)
    bulk(Mentorship, [{"mentoring_format": fid, "programme": programmes[fid], "mentor": mentor, "status": "active",
                       "created_at": changed, "status_changed_at": changed} for fid, mentor, _ in pairs])
    pair_ids = ids(Mentorship.select(Mentorship.id).join(MentoringFormat).where(MentoringFormat.school == sid)
                   .order_by(Mentorship.id))
    bulk(MentorshipMember, [{"mentorship": pid, "mentee": mentee, "joined_at": changed}
                            for pid, (_, _, mentee) in zip(pair_ids, pairs)])
    dated_on = today - timedelta(days=180)
    order = Order.insert(school=sid, kind="pairs", title="Об утверждении наставнических пар", status="registered",
                         number=f"{n}-од", dated_on=dated_on, registered_at=changed,
                         number_key=order_number_key(f"{n}-од"), number_year=dated_on.year).execute()
    bulk(OrderItem, [{"order": order, "mentorship": pid} for pid in pair_ids])
    bulk(Plan, [{"mentorship": pid, "goals": "Цели на год", "planned_meetings": size.meetings_per_pair,
                 "created_at": changed, "mentor_confirmed_at": changed, "mentee_confirmed_at": changed}
                for pid in pair_ids])

    # Meetings: first, trial, planning, then regular ones weekly; the last two are planned ahead.
    stages = ["first", "trial", "planning"] + ["regular"] * (size.meetings_per_pair - 3)
    meetings = []
    for pid, (_, mentor, _) in zip(pair_ids, pairs):
        for k, stage in enumerate(stages):
            planned = k >= len(stages) - 2
            day = today + timedelta(days=7 * (k - len(stages) + 3) - (pid % 5))
            meetings.append({"mentorship": pid, "stage": stage, "status": "planned" if planned else "held",
                             "held_on": day, "topic": f"Встреча {k + 1}", "notes": "Обсудили план",
                             "logged_by": mentor, "logged_at": now})
    bulk(Meeting, meetings)
    mentee_of = {pid: mentee for pid, (_, _, mentee) in zip(pair_ids, pairs)}
    held = (Meeting.select(Meeting.id, Meeting.mentorship).where(
        Meeting.mentorship.in_(pair_ids) & (Meeting.status == "held")).tuples())
    bulk(MeetingConfirmation, [{"meeting": mid, "person": mentee_of[pid], "verdict": "confirmed", "created_at": now}
                               for mid, pid in held])

    # Questionnaires: the standard ones if the school has none yet; answers on the verbal scales.
    if not Questionnaire.select().where(Questionnaire.school == sid).exists():
        for kind, spec in STANDARD.items():
            qid = Questionnaire.insert(school=sid, kind=kind, version=1, title=spec["title"]).execute()
            bulk(Question, [{"questionnaire": qid, "position": i + 1, "text": text, "answer_type": answer_type,
                             "anchor": anchor} for i, (anchor, answer_type, text) in enumerate(spec["questions"])])
    questionnaires = {q.kind: q.id for q in Questionnaire.select().where(Questionnaire.school == sid)}
    questions = {}
    for q in Question.select().where(Question.questionnaire.in_(list(questionnaires.values()))):
        questions.setdefault(q.questionnaire_id, []).append(q)
    rounds = {fid: MonitoringRound.insert(mentoring_format=fid, kind="intermediate",
                                          opened_at=now - timedelta(days=30)).execute() for fid in formats.values()}
    responses = []
    for pid, (fid, mentor, mentee) in zip(pair_ids, pairs):
        base = {"mentorship": pid, "submitted_at": now, "about": mentee}
        responses.append(dict(base, questionnaire=questionnaires["entry"], respondent=mentee, monitoring_round=None))
        responses.append(dict(base, questionnaire=questionnaires["entry"], respondent=mentor, monitoring_round=None))
        responses.append(dict(base, questionnaire=questionnaires["process"], respondent=mentee,
                              monitoring_round=rounds[fid], about=None))
        responses.append(dict(base, questionnaire=questionnaires["satisfaction"], respondent=mentee,
                              monitoring_round=rounds[fid], about=mentor))
        if pid % 2:  # half the pairs have finished: the mentee's exit questionnaire gives growth to show
            responses.append(dict(base, questionnaire=questionnaires["exit"], respondent=mentee,
                                  monitoring_round=None))
    bulk(Response, responses)
    answers = []
    for rid, qn in (Response.select(Response.id, Response.questionnaire).where(Response.mentorship.in_(pair_ids))
                    .tuples()):
        for q in questions[qn]:
            if q.answer_type == "text":
                answers.append({"response": rid, "question": q.id, "text": "Стало понятнее, что делать дальше."})
            else:
                answers.append({"response": rid, "question": q.id,
                                "scale_value": SCALES[q.answer_type][rng.randrange(len(SCALES[q.answer_type]))][0]})
    bulk(Answer, answers)

    # The mentee of the first pair has three mentors to choose from in the student–student format.
    free_mentors = [s for s in seniors if (uu, s, "mentor") in memberships][:3]
    bulk(Proposal, [{"mentoring_format": uu, "mentee": person, "mentor": mentor, "rank": r, "status": "open",
                     "proposed_at": now, "reason": "Общие интересы"}
                    for person in waiting + [mentee0] for r, mentor in enumerate(free_mentors)])

    # Accounts for every participant; the benchmark logs in as the first pair's mentor and mentee.
    accounts = {}
    for fid, person, base in memberships:
        accounts.setdefault(person, set()).add(base)
    named = {pairs[0][1]: f"bench{n}-mentor", mentee0: f"bench{n}-mentee"}
    bulk(Account, [{"school": sid, "person": person, "login": named.get(person, f"s{n}-p{person}"),
                    "password_hash": password_hash, "regulation_acknowledged_at": now if person in named else None}
                   for person in accounts])
    account_of = dict(Account.select(Account.person, Account.id).where(Account.person.in_(list(accounts))).tuples())
    bulk(RoleGrant, [{"account": account_of[person], "role": role, "granted_at": now}
                     for person, roles in accounts.items() for role in sorted(roles)])

    # Every participant's inbox: a dozen items a year, a third of them still unread; the header counts
    # them on every page (one query, whatever the number).
    kinds = ("meeting.to_confirm", "plan.to_agree", "questionnaire.waiting", "order.registered")
    bulk(Notification, [{"school": sid, "person": person, "kind": kind, "title": NOTIFICATION_TITLES[kind],
                         "created_at": now - timedelta(days=i * 30), "read_at": None if i % 3 == 0 else now}
                        for person in accounts for i, kind in enumerate(kinds * 3)])

    public_data(sid, size, rng, [mentor for fid, mentor, _ in pairs if fid == tu], formats, docs, now)
    return sid


PROFILE_TEXTS = ("Веду пары «учитель – ученик» третий год: помогаю освоиться в новом классе и спланировать учёбу.",
                 "Люблю проектную работу. Со мной наставляемые готовят исследования к школьной конференции.",
                 "Учитель-предметник. Помогаю подтянуть предмет и не бояться олимпиад.",
                 "Занимаюсь с ребятами, которым трудно втянуться в учёбу после перехода в нашу школу.")
HONOUR_TITLES = ("Наставник года", "Лучший наставник-педагог", "За вклад в развитие наставничества")
BANK_TOPICS = ("адаптация", "проектная деятельность", "олимпиады", "профориентация", "первая встреча",
               "индивидуальный план", "рефлексия", "работа с родителями")


def public_data(sid, size, rng, teacher_mentors, formats, docs, now) -> None:
    """What the public pages show (issue 17): the first `public_mentors` teacher-mentors signed a consent to
    dissemination naming all but the photo and wrote a short text; `honour_entries` of them are on the honour
    board; `bank_materials` materials are published, the first `public_materials` also for everyone.
    The materials' files are rows only (the benchmark lists them, it downloads none)."""
    shown = list(dict.fromkeys(teacher_mentors))[:size.public_mentors]
    if not shown:
        return
    document = docs["dissemination"]
    signed = now - timedelta(days=100)
    bulk(Consent, [{"document": document.id, "subject": person, "signer": person, "text_sha256": document.sha256,
                    "signed_at": signed, "public_fields": "name,role,format,text,achievements"}
                   for person in shown])
    bulk(PublicProfile, [{"person": person, "text": PROFILE_TEXTS[i % len(PROFILE_TEXTS)], "updated_at": signed}
                         for i, person in enumerate(shown)])
    bulk(HonourEntry, [{"school": sid, "person": person, "year": now.year - i % 2,
                        "title": HONOUR_TITLES[i % len(HONOUR_TITLES)],
                        "text": "За пары, которые дошли до цели, и за помощь молодым коллегам.",
                        "created_at": signed} for i, person in enumerate(shown[:size.honour_entries])])
    names = [f"bench-bank-{rng.getrandbits(64):016x}-{i}" for i in range(size.bank_materials)]
    bulk(StoredFile, [{"school": sid, "kind": "docx", "name": f"материал-{i + 1}.docx",
                       "stored_as": stored_as, "size": 20000 + i, "sha256": "0" * 64,
                       "uploaded_by": shown[i % len(shown)], "uploaded_at": signed}
                      for i, stored_as in enumerate(names)])
    files = ids(StoredFile.select(StoredFile.id).where(StoredFile.stored_as.in_(names)).order_by(StoredFile.id))
    format_ids = sorted(formats.values())
    bulk(BankMaterial, [{"school": sid, "author": shown[i % len(shown)], "file": file_id,
                         "title": f"Материал для наставника № {i + 1}: {BANK_TOPICS[i % len(BANK_TOPICS)]}",
                         "mentoring_format": format_ids[i % len(format_ids)],
                         "topic": BANK_TOPICS[i % len(BANK_TOPICS)],
                         "description": "Сценарий встречи, вопросы для беседы и памятка для наставляемого.",
                         "publish_agreed": True, "public_agreed": i < size.public_materials,
                         "status": "published", "published_at": signed + timedelta(hours=i),
                         "public_token": f"b{sid}-{i}-{rng.getrandbits(64):016x}", "created_at": signed,
                         "updated_at": signed} for i, file_id in enumerate(files)])


def generate(url: str, schools: int = 1, size: Size = SCHOOL, first: int = 1, log=print) -> list[int]:
    """Generate `schools` schools numbered from `first` into the migrated database at `url`."""
    database = database_from_url(url)
    db.initialize(database)
    password_hash = passwords.hash_password(PASSWORD)
    made = []
    with database.connection_context():
        for n in range(first, first + schools):
            started = time.monotonic()
            with db.atomic():
                made.append(generate_school(n, size, password_hash, date.today()))
            log(f"generate: школа {n} за {time.monotonic() - started:.1f} с")
        # A live database keeps its planner statistics current (autovacuum); one just bulk-loaded has
        # none yet, and PostgreSQL would plan a municipality's queries as if its tables were empty.
        database.execute_sql("ANALYZE")
    if hasattr(database, "close_all"):
        database.close_all()
    return made


def migrate(url: str, fresh: bool = False) -> None:
    """Apply the migrations; `fresh` first empties a throwaway database (a deleted file, a dropped schema)."""
    from portal import schema
    if fresh and url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
    database = database_from_url(url)
    db.initialize(database)
    with database.connection_context():
        if fresh and not url.startswith("sqlite:///"):
            database.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        schema.upgrade()
    if hasattr(database, "close_all"):
        database.close_all()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="sqlite:///path or postgresql://user@host/db (migrated here first)")
    parser.add_argument("--schools", type=int, default=1)
    parser.add_argument("--size", choices=sorted(SIZES), default="school")
    parser.add_argument("--first", type=int, default=1, help="number of the first school (logins bench<n>-…)")
    parser.add_argument("--fresh", action="store_true", help="empty the database first (it must be a throwaway one)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    migrate(args.url, args.fresh)
    generate(args.url, args.schools, SIZES[args.size], args.first)
    print(f"generate: {args.schools} шк. за {time.monotonic() - started:.1f} с", flush=True)


if __name__ == "__main__":
    main()
