"""The web UI's route table: server-rendered pages over the services the API uses, with no
logic of their own. Pages need a session (log in with an API key or a username and password);
forms and htmx requests carry a CSRF token."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from homeport.web import admin, audit, chat, knowledge, login, reports, routing
from homeport.web.pages import HERE, Handler, page


def routes() -> list[BaseRoute]:
    def get(path: str, handler: Handler, **options: bool) -> Route:
        return Route(path, page(handler, **options), methods=["GET"])

    def post(path: str, handler: Handler, **options: bool) -> Route:
        return Route(path, page(handler, **options), methods=["POST"])

    return [
        Route("/login", login.login_form, methods=["GET"]),
        Route("/login", login.login, methods=["POST"]),
        post("/logout", login.logout),
        get("/", chat.chat),
        get("/c/{conversation}", chat.chat),
        post("/c/{conversation}/delete", chat.delete),
        post("/chat/send", chat.send, api=True),
        get("/account", login.account),
        get("/knowledge", knowledge.bases),
        post("/knowledge", knowledge.create),
        get("/knowledge/{kb}", knowledge.base),
        post("/knowledge/{kb}/delete", knowledge.delete),
        post("/knowledge/{kb}/upload", knowledge.upload, api=True, upload=True),
        get("/knowledge/{kb}/documents", knowledge.documents),
        post("/knowledge/{kb}/documents/{doc}/delete", knowledge.delete_document),
        get("/knowledge/{kb}/jobs/{job}", knowledge.job),
        post("/knowledge/{kb}/jobs/{job}/cancel", knowledge.cancel),
        post("/knowledge/{kb}/search", knowledge.search),
        get("/audit", audit.audit, auditor=True),
        post("/audit/verify", audit.verify, auditor=True),
        get("/audit/export", audit.export, auditor=True),
        get("/usage", reports.usage, auditor=True),
        get("/breakeven", reports.breakeven, auditor=True),
        get("/routing", routing.routing, admin=True),
        post("/routing", routing.save, admin=True),
        post("/routing/check", routing.check, admin=True),
        post("/routing/restore", routing.restore, admin=True),
        get("/providers", admin.providers, admin=True),
        get("/providers/live", admin.providers_live, admin=True),
        get("/teams", admin.teams, admin=True),
        post("/teams", admin.save_team, admin=True),
        post("/keys", admin.create_key, admin=True),
        get("/keys/{key}", admin.edit_key, admin=True),
        post("/keys/{key}", admin.save_key, admin=True),
        post("/keys/{key}/revoke", admin.revoke_key, admin=True),
        post("/users", admin.create_user, admin=True),
        post("/users/{user}/password", admin.set_password, admin=True),
        post("/users/{user}/delete", admin.delete_user, admin=True),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
