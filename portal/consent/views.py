from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.consent import bp
from portal.consent.forms import EsignAgreementForm, SignConsentForm
from portal.formatting import agree
from portal.models import School
from portal.services import consent as consents
from portal.web import attempt, client_ip, form_status, pdf_response, user_agent
from portal.web.forms import EmptyForm


def _account():
    return current_user._get_current_object()


@bp.route("/")
def overview():
    """«Мои согласия»: for each person I sign for, what is signed and what is waiting."""
    person = current_user.person
    return render_template("consent/overview.html", rows=consents.signing_overview(person),
                           titles=consents.KIND_TITLES, esign=consents.esign_agreement(person),
                           minor=not consents.signs_online(person))


@bp.route("/esign", methods=["GET", "POST"])
def esign():
    form = EsignAgreementForm()
    person = current_user.person
    form.agree.label.text = agree(person, form.agree.label.text)  # «Я прочитала…» for a woman
    if not consents.signs_online(person):
        abort(404)
    school = School.get_by_id(person.school_id)
    document = consents.current_documents(person.school_id)["esign_agreement"]
    if form.validate_on_submit():
        if attempt(form, lambda: consents.accept_esign_agreement(_account(), form.password.data, form.agree.data,
                                                                 ip=client_ip(), user_agent=user_agent())):
            flash("Соглашение принято: теперь вы можете подписывать согласия в портале.", "success")
            return redirect(request.args.get("next") if request.args.get("next", "").startswith("/consent/")
                            else url_for("consent.overview"), code=303)
    text = consents.render_text(document, school, person, person, consents.SigningDetails())
    return render_template("consent/esign.html", form=form, document=document, text=text), form_status(form)


@bp.route("/esign/<int:consent_id>/pdf")
def esign_pdf(consent_id):
    """The e-signature agreement as accepted, frozen at acceptance, with its verification code."""
    consent = consents.esign_agreement_for(_account(), consent_id)
    return pdf_response(consents.consent_pdf(consent), f"soglashenie-ep-{consent.id}.pdf")


@bp.route("/<int:subject_id>/<kind>", methods=["GET", "POST"])
def sign(subject_id, kind):
    person = current_user.person
    subject, basis = consents.subject_for_signer(person, subject_id)
    if kind not in consents.kinds_for(person, subject):
        abort(404)
    if not consents.has_esign_agreement(person):
        return redirect(url_for("consent.esign", next=request.path))
    existing = consents.valid_consents([subject.id]).get((subject.id, kind))
    form = SignConsentForm()
    form.agree.label.text = agree(person, form.agree.label.text)
    if existing is None and form.validate_on_submit():
        details = consents.SigningDetails(form.identity_document.data or "", form.address.data or "",
                                          form.subject_document.data or "", form.subject_address.data or "",
                                          ",".join(f for f in form.public_fields.data or () if isinstance(f, str)))
        signed = attempt(form, lambda: consents.sign(_account(), subject.id, kind, password=form.password.data,
                                                     agree=form.agree.data, details=details, ip=client_ip(),
                                                     user_agent=user_agent()))
        if signed is not None:
            flash("Согласие подписано. Его можно скачать в PDF.", "success")
            return redirect(url_for("consent.signed", consent_id=signed.id), code=303)
    document = consents.current_documents(person.school_id)[kind]
    school = School.get_by_id(person.school_id)
    text = consents.render_text(document, school, person, subject, consents.SigningDetails(), basis)
    status = form_status(form)
    return render_template("consent/sign.html", form=form, subject=subject, kind=kind, document=document, text=text,
                           existing=existing, self_signed=subject.id == person.id,
                           title=consents.KIND_TITLES[kind]), status


@bp.route("/signed/<int:consent_id>")
def signed(consent_id):
    consent = consents.consent_for(_account(), consent_id)
    return render_template("consent/signed.html", consent=consent, title=consents.KIND_TITLES[consent.document.kind],
                           withdrawal=consents.withdrawal_of(consent), document=consents.issued_document(consent),
                           form=EmptyForm())


@bp.route("/signed/<int:consent_id>/pdf")
def download(consent_id):
    consent = consents.consent_for(_account(), consent_id)
    return pdf_response(consents.consent_pdf(consent), f"soglasie-{consent.id}.pdf")


@bp.route("/signed/<int:consent_id>/withdraw", methods=["GET", "POST"])
def withdraw(consent_id):
    consent = consents.consent_for(_account(), consent_id)
    form = EmptyForm()
    if form.validate_on_submit():
        consents.withdraw(_account(), consent.id, ip=client_ip(), user_agent=user_agent())
        flash("Согласие отозвано. Обработка данных по нему прекращена.", "success")
        return redirect(url_for("consent.signed", consent_id=consent.id), code=303)
    return render_template("consent/withdraw.html", consent=consent, form=form,
                           title=consents.KIND_TITLES[consent.document.kind],
                           effects=consents.withdrawal_effects(consent))
