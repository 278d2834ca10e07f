"""The curator's own monitoring results (6.2, 6.3, 3.2): the coordinator's results page narrowed to the
curator's StaffScope, so another format's answers never reach them."""
from flask_login import current_user

from portal import monitoring_results
from portal.curator import bp
from portal.services.staff import scope_for


@bp.route("/results", endpoint="results")
def results_page():
    return monitoring_results.results_page(scope_for(current_user._get_current_object()), "curator.results",
                                           heading="Результаты мониторинга моей формы",
                                           overall="Все мои формы", all_formats_title="Все мои формы")
