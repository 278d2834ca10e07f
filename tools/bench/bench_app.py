"""The portal as gunicorn serves it for the benchmark, plus one page that exists only here: the floor.

The floor is an authenticated page rendered through the base layout with no data query of its own
(DECISIONS.md, «Tests and benchmark») — what every page pays before it asks for anything. It lives in
this module, not in portal/ (gunicorn calls `make_app()`), so the product has no benchmark route. The login rate limit is off: the
benchmark logs in several times a minute from one address."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flask import Blueprint, render_template  # noqa: E402
from flask_login import login_required  # noqa: E402

from portal import create_app  # noqa: E402

floor = Blueprint("bench", __name__, template_folder="templates")


@floor.route("/bench/floor")
@login_required
def floor_page():
    return render_template("bench/floor.html")


def make_app(config: dict | None = None):
    application = create_app(dict({"RATELIMIT_ENABLED": False}, **(config or {})))
    application.register_blueprint(floor)
    return application

