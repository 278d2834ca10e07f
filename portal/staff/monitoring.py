"""Monitoring rounds of a format (6.4): the coordinator and the format's curator open an intermediate or a
final round, follow its completion (answered of expected, overdue after 14 days) and close it after a
confirmation. Another curator's format is «not found»."""
from flask import flash, redirect, render_template, request, url_for

from portal.services import monitoring
from portal.staff import bp
from portal.web import attempt, client_ip, form_status, staff_scope
from portal.web.forms import EmptyForm


@bp.route("/formats/<int:format_id>/monitoring", methods=["GET", "POST"], endpoint="format_monitoring")
def format_monitoring(format_id):
    staff = staff_scope()
    form = EmptyForm()
    if form.validate_on_submit() and attempt(
            form, lambda: monitoring.open_round(staff, format_id, request.form.get("kind", ""), client_ip())):
        flash("Этап мониторинга начат: участники пар формы получили анкеты.")
        return redirect(url_for("staff.format_monitoring", format_id=format_id), 303)
    return render_template("staff/monitoring.html", **monitoring.format_rounds(staff, format_id), form=form,
                           overdue_days=monitoring.OVERDUE_DAYS), form_status(form)


@bp.route("/monitoring/rounds/<int:round_id>/close", methods=["GET", "POST"], endpoint="close_monitoring_round")
def close_monitoring_round(round_id):
    staff = staff_scope()
    monitoring_round = monitoring.round_for(staff, round_id)
    form = EmptyForm()
    if form.validate_on_submit() and attempt(form, lambda: monitoring.close_round(staff, round_id, client_ip())):
        flash("Этап мониторинга завершён.")
        return redirect(url_for("staff.format_monitoring", format_id=monitoring_round.mentoring_format_id), 303)
    return render_template("staff/monitoring_close.html", monitoring_round=monitoring_round, form=form,
                           title=monitoring.ROUND_TITLES[monitoring_round.kind]), form_status(form)
