"""Asking to end one's pair (4.9, s8): one view body for the mentor, the mentee and the parent of a minor, each
on a URL of its own. The request goes to the form's curators (services/ending.py); nothing else changes."""
from flask import flash, redirect, render_template

from portal.services import ending
from portal.web import actor, attempt, client_ip, form_status
from portal.web.forms import EndRequestForm


def end_request_page(mentorship_id: int, back: str, child_id: int | None = None):
    """`back`: the page to return to (the person's pair page or home)."""
    person = actor()
    pair, side = ending.pair_to_ask_about(person, mentorship_id, child_id)  # anyone else's pair: 404
    form = EndRequestForm()
    if ending.may_end(pair) and form.validate_on_submit():
        if attempt(form, lambda: ending.request_end(person, pair.id, form.text.data, child_id=child_id,
                                                    ip=client_ip())):
            flash("Просьба отправлена куратору формы. Пара продолжается, пока куратор её не завершит.", "success")
            return redirect(back, code=303)
    return render_template("pairs/end_request.html", pair=pair, side=side, form=form, back=back,
                           may_end=ending.may_end(pair)), form_status(form)

