"""The director's order «Об утверждении наставников и наставнических пар/групп» as a PDF (4.1, 4.13, s10).

The draft is what the director signs, so it prints with blank lines for the number and date, filled
in by hand; once the coordinator registers them, the PDF carries them. Names are declined as a
Russian order needs them («утвердить наставником Петрову Анну Сергеевну»).
"""
from flask import render_template

from portal.documents.pdf import render_pdf
from portal.names import full_name
from portal.services import orders as order_rules


def _student_of(person) -> str:
    """«, обучающуюся 9А класса» after an accusative name; nothing for adults."""
    school_class = order_rules.class_of(person)
    if not school_class:
        return ""
    return f", {'обучающуюся' if person.sex == 'f' else 'обучающегося'} {school_class} класса"


def order_html(scope, order_id: int) -> str:
    data = order_rules.document(scope, order_id)
    mentors = [f"{full_name(p, 'accusative')}{_student_of(p)}" for p in data["mentors"]]
    controller = data["controller"]
    return render_template("documents/order.html", **data, mentors_accusative=mentors,
                           controller_accusative=full_name(controller, "accusative") if controller else "",
                           class_of=order_rules.class_of)


def order_pdf(scope, order_id: int) -> bytes:
    return render_pdf(order_html(scope, order_id))
