"""«Наставник»: the school mentorship portal. create_app builds one configured application."""
from pathlib import Path

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter

from portal import db as database
from portal import formatting
from portal.documents import pdf
from portal.config import ROOT, Config, _secret_key
from portal.extensions import csrf, htmx, limiter, login_manager
from portal.ids import MAX_ID

# Endpoints a logged-in person may reach before acknowledging the regulation.
BEFORE_ACKNOWLEDGEMENT = {"auth.acknowledge", "auth.regulation", "auth.logout", "public.display", "static"}
# Endpoints a coordinator or curator may reach while the school requires a second factor they lack.
BEFORE_SECOND_FACTOR = BEFORE_ACKNOWLEDGEMENT | {"auth.second_factor", "auth.second_factor_enable"}

CSP = ("default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'; img-src 'self' data:")


class RowId(IntegerConverter):
    """Ids in URLs fit a database integer: a longer number is «not found», not an overflow (a 500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.url_map.converters["int"] = RowId
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.config["INSTANCE_PATH"])

    from portal.services import dashboard, kept, notifications, passwords, public_pages, throttle, uploads
    notifications.configure(mail_enabled=bool(app.config["SMTP_HOST"]))
    uploads.configure(Path(app.config["INSTANCE_PATH"]) / "files")
    passwords.use_fast_hasher(app.config["PASSWORD_HASHER"] == "fast")
    throttle.configure(throttle.Limits(
        per_login=throttle.Limit.parse(app.config["LOGIN_LIMIT_PER_LOGIN"]),
        per_ip=throttle.Limit.parse(app.config["LOGIN_LIMIT_PER_IP"]),
        invitations_per_ip=throttle.Limit.parse(app.config["INVITATION_LIMIT_PER_IP"])))
    if app.config["DASHBOARD_CACHE"]:
        app.extensions["dashboard_cache"] = dashboard.OverviewCache()
    if app.config["PUBLIC_CACHE"]:
        app.extensions["public_cache"] = public_pages.PageCache()
    if app.config["JOURNAL_CACHE"]:
        app.extensions["journal_cache"] = kept.KeptUntilChange(size=64)

    database.init_app(app, connects_itself=lambda: request.endpoint == "public.healthz")
    _allow_uploads(app)  # before CSRFProtect, which reads the form first
    formatting.init_app(app)
    pdf.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    app.config["RATELIMIT_ENABLED"] = app.config.get("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    _init_login(app)
    _register_blueprints(app)
    _register_errors(app)
    _register_hooks(app)
    from portal.web import serving
    serving.init_app(app)

    from portal import cli
    cli.init_app(app)
    return app


def _init_login(app):
    from portal.services.accounts import load_for_session

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Войдите, чтобы продолжить."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            account_id, version = (int(part) for part in user_id.split(":"))
        except ValueError:
            return None
        return load_for_session(account_id, version)

    @login_manager.unauthorized_handler
    def unauthorized():
        target = url_for("auth.login", next=request.path if request.method == "GET" else None)
        if request.htmx:
            return "", 204, {"HX-Redirect": target}
        flash(login_manager.login_message, "info")
        return redirect(target)


def _allow_uploads(app):
    """A view marked `takes_upload` accepts a 20 MB file; every other request keeps MAX_CONTENT_LENGTH."""
    from portal.services import uploads

    @app.before_request
    def larger_body_for_uploads():
        if getattr(app.view_functions.get(request.endpoint), "takes_upload", False):
            request.max_content_length = uploads.MAX_BYTES + 64 * 1024


def _register_blueprints(app):
    from portal.auth import bp as auth_bp
    from portal.class_teacher import bp as class_teacher_bp
    from portal.complaints import bp as complaints_bp
    from portal.consent import bp as consent_bp
    from portal.inbox import bp as inbox_bp
    from portal.coordinator import bp as coordinator_bp
    from portal.curator import bp as curator_bp
    from portal.mentee import bp as mentee_bp
    from portal.mentor import bp as mentor_bp
    from portal.parent import bp as parent_bp
    from portal.proposals import bp as proposals_bp
    from portal.motivation import bp as motivation_bp
    from portal.psychologist import bp as psychologist_bp
    from portal.public import bp as public_bp
    from portal.recognition import bp as recognition_bp
    from portal.registry import bp as registry_bp
    from portal.staff import bp as staff_bp
    from portal.support import bp as support_bp
    from portal.training import bp as training_bp

    for bp in (public_bp, auth_bp, consent_bp, inbox_bp, staff_bp, coordinator_bp, curator_bp, mentor_bp, mentee_bp,
               parent_bp, class_teacher_bp, proposals_bp, complaints_bp, registry_bp, support_bp,
               psychologist_bp, training_bp, recognition_bp, motivation_bp):
        app.register_blueprint(bp)


def _register_errors(app):
    from portal.services import NotAllowed
    from portal.services.throttle import Throttled

    def page(code, message):
        return render_template("errors/error.html", code=code, message=message), code

    app.register_error_handler(400, lambda e: page(400, "Запрос не удалось обработать."))
    app.register_error_handler(CSRFError, lambda e: page(
        400, "Форма устарела или открыта в другом окне. Обновите страницу и повторите."))
    app.register_error_handler(403, lambda e: page(403, "Этот раздел вам недоступен."))
    app.register_error_handler(404, lambda e: page(404, "Такой страницы нет."))
    # A service refusing an object outside the actor's reach: «not found», never «forbidden».
    app.register_error_handler(NotAllowed, lambda e: page(404, "Такой страницы нет."))
    app.register_error_handler(405, lambda e: page(405, "Так обратиться к этой странице нельзя."))
    app.register_error_handler(413, lambda e: page(413, "Файл слишком большой."))
    app.register_error_handler(429, lambda e: page(
        429, "Слишком много попыток. Подождите минуту и попробуйте снова."))

    def throttled(exc):
        body, code = page(429, exc.message)
        return body, code, {"Retry-After": str(exc.retry_after)}

    app.register_error_handler(Throttled, throttled)
    app.register_error_handler(500, lambda e: page(500, "Что-то пошло не так. Мы уже знаем об ошибке."))


def _register_hooks(app):
    from portal.auth.access import current_role, enforce_session_limits
    from portal.models.accounts import ROLE_TITLES
    from portal.services import notifications, totp
    from portal.web.menu import LOW_VISION_COOKIE, menu_for

    def send_to(endpoint):
        target = url_for(endpoint)
        if request.htmx:
            return "", 204, {"HX-Redirect": target}
        return redirect(target)

    @app.before_request
    def session_limits():
        if current_user.is_authenticated:
            return enforce_session_limits(app)
        return None

    @app.before_request
    def regulation_first():
        if (current_user.is_authenticated and current_user.regulation_acknowledged_at is None
                and request.endpoint not in BEFORE_ACKNOWLEDGEMENT):
            return send_to("auth.acknowledge")
        return None

    @app.before_request
    def second_factor_first():
        """The coordinator's requirement: staff without a second factor set it up before anything else."""
        if (current_user.is_authenticated and request.endpoint not in BEFORE_SECOND_FACTOR
                and totp.must_set_up(current_user)):
            return send_to("auth.second_factor")
        return None

    @app.context_processor
    def navigation():
        role = current_role()
        return {"current_role": role, "role_titles": ROLE_TITLES, "menu": menu_for(role),
                "inbox_unread": lambda: notifications.unread_count(current_user.person_id),
                "low_vision": request.cookies.get(LOW_VISION_COOKIE) == "1"}

    @app.after_request
    def security_headers(response):
        if getattr(app.view_functions.get(request.endpoint), "embeddable", False):
            # A public page the school's site may frame (portal.public.embeddable): no form, no button on it.
            response.headers["Content-Security-Policy"] = CSP.replace(
                "frame-ancestors 'none'", "frame-ancestors " + app.config["PUBLIC_EMBED_ANCESTORS"])
        else:
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response
