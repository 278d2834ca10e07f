"""The documents' own Jinja environment: templates/documents/*.html rendered without Flask.

An issued document is rendered inside the service's transaction (signing, registration, the report) and by
`flask db-upgrade`, where no request or application context need exist; so documents use this environment,
never the app's `render_template`. It is autoescaped like the app's, has the same filters, and offers no
`url_for`, `request` or `config`: a document holds only the data it is handed.
"""
from functools import cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from portal.config import ROOT
from portal.formatting import FILTERS, plural


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(ROOT / "templates")),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters.update(FILTERS)
    env.globals.update(plural=plural)
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
