"""View bodies shared by several role blueprints, each role on its own URL for the same page.

Blueprints never import each other, so a page that the mentor and the mentee (or the coordinator and the
curator) each reach by a URL of their own has its body here and a thin route in each blueprint. Several
roles on one URL is a shared blueprint instead (portal.consent, portal.staff)."""
