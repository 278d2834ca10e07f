"""The registry of documents (s10): one URL for every role, since the regulation and the target model are
everyone's to read; what else the page lists (the roadmap, the orders, the other issued documents) is decided by
the reader's staff scope in services/registry.py."""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("registry", __name__, url_prefix="/documents")


@bp.before_request
@login_required
def _logged_in():
    return None


from portal.registry import views  # noqa: E402,F401
