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
                  class_of=class_of)
