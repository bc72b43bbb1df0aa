"""The routing page: the rules in force (configured, or saved from here or the admin API), an
editor that validates them exactly like the configuration before they apply, and the models
they can name. Saving goes through governance.admin (audited; every replica picks it up)."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from homeport.errors import InvalidRequest
from homeport.routing.policy import describe
from homeport.routing.rules import parse_rules, rules_yaml
from homeport.settings import REQUESTED
from homeport.web.pages import Visit

EXAMPLE = """- name: secrets-stay-home
  when: {entities: [API_KEY]}
  route: [local]
"""


async def routing(visit: Visit, text: str | None = None, error: str | None = None,
                  status: int = 200) -> Response:
    rt = visit.rt
    rules = rt.settings.routing.rules
    return visit.render(
        "routing.html", "routing", status, rules=[
            {"name": r.name, "when": describe(r.when), "route": " > ".join(r.route),
             "pseudonymize": r.pseudonymize} for r in rules],
        text=rules_yaml(rules) if text is None else text, error=error,
        version=rt.rules.version, models=sorted(rt.settings.model_names()),
        requested=REQUESTED, example=EXAMPLE, auto=rt.settings.routing.auto)


async def check(visit: Visit) -> Response:
    form = await visit.request.form()
    rules = parse_rules(str(form.get("rules") or ""), visit.rt.settings)
    return visit.fragment("rules_check.html", count=len(rules))


async def save(visit: Visit) -> Response:
    form = await visit.request.form()
    text = str(form.get("rules") or "")
    try:
        rules = parse_rules(text, visit.rt.settings)
    except InvalidRequest as e:  # the page again, with what was typed and what is wrong
        return await routing(visit, text, e.message, 400)
    await visit.rt.db.run(visit.rt.admin.set_rules, visit.caller.key_id, rules)
    return RedirectResponse("/routing", status_code=303)


async def restore(visit: Visit) -> Response:
    """Save the configuration file's rules again (a new version, so replicas follow)."""
    await visit.rt.db.run(visit.rt.admin.set_rules, visit.caller.key_id,
                          visit.rt.rules.configured)
    return RedirectResponse("/routing", status_code=303)
