"""The curator's own monitoring results (6.2, 6.3, 3.2): the coordinator's results page narrowed to the
curator's StaffScope, so another format's answers never reach them."""

from portal.curator import bp
from portal.web import staff_scope
from portal.web.pages import monitoring_results


@bp.route("/results", endpoint="results")
def results_page():
    return monitoring_results.results_page(staff_scope(), "curator.results",
                                           heading="Результаты мониторинга моей формы",
                                           overall="Все мои формы", all_formats_title="Все мои формы")
