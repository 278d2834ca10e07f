"""The director's order «Об утверждении наставников и наставнических пар/групп» as HTML (4.1, 4.13, s10).

The draft is what the director signs, so it prints with blank lines for the number and date, filled
in by hand; registration freezes the order with its number and date (portal.services.orders). Names
are declined as a Russian order needs them («утвердить наставником Петрову Анну Сергеевну»).
"""
from portal.documents.html import render
from portal.names import full_name


def class_of(person) -> str:
    """A student's class; never loads the class for a person whose query did not join it."""
    return person.school_class.name if person.school_class_id else ""


def _student_of(person) -> str:
    """«, обучающуюся 9А класса» after an accusative name; nothing for adults."""
    school_class = class_of(person)
    if not school_class:
        return ""
    return f", {'обучающуюся' if person.sex == 'f' else 'обучающегося'} {school_class} класса"


def order_html(data: dict) -> str:
    """`data`: what services.orders.document gives, and `verification` once the order is registered."""
    mentors = [f"{full_name(p, 'accusative')}{_student_of(p)}" for p in data["mentors"]]
    controller = data["controller"]
    return render("documents/order.html", **data, mentors_accusative=mentors,
                  controller_accusative=full_name(controller, "accusative") if controller else "",
                  class_of=class_of, director_signature=initials_name(data["school"].director_name),
                  city=city_of(data["school"].address))


def initials_name(text: str) -> str:
    """«Кузнецов Олег Иванович» → «О. И. Кузнецов», as a signature line has it; anything else stays as typed."""
    words = (text or "").split()
    if len(words) not in (2, 3) or any(not w[0].isupper() for w in words):
        return text or ""
    return " ".join([f"{w[0]}." for w in words[1:]] + [words[0]])


def city_of(address: str) -> str:
    """«г. Ярославль» from the school's address («150000, г. Ярославль, ул. Школьная, д. 62»); '' if none."""
    for part in (address or "").split(","):
        part = " ".join(part.split())
        if part.startswith(("г.", "с.", "пос.", "пгт ", "рп ")):
            return part
    return ""


def person_line(person, case: str = "nominative") -> str:
    """«Петрову Анну Сергеевну (учитель математики)»: the name in a case, the position as typed (nominative,
    since a typed position cannot be declined reliably)."""
    if person is None:
        return ""
    name = full_name(person, case)
    return f"{name} ({person.position})" if getattr(person, "position", "") else name


def kind_order_html(data: dict) -> str:
    """An order not about pairs (services.orders.kinds.document_data gives `data`): its kind's template."""
    order = data["order"]
    return render(f"documents/order_{order.kind}.html", **data, full_name=full_name, person_line=person_line,
                  director_signature=initials_name(data["school"].director_name),
                  city=city_of(data["school"].address), class_of=class_of)
