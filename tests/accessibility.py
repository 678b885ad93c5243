"""Accessibility check with axe-core, run offline from the axe-playwright-python package."""

from axe_playwright_python.sync_playwright import Axe

BLOCKING_IMPACTS = {"serious", "critical"}


def assert_accessible(page):
    """Fail on any serious or critical axe violation of the page as it stands."""
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(node.get("target")) for node in v.get("nodes", [])[:5])
        for v in blocking
    )
    assert not blocking, f"Violations d'accessibilité sur {page.url} :\n{details}"
