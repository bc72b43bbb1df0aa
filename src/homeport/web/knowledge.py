"""Knowledge pages: create a knowledge base, upload files and folders (drag and drop) with a live
progress bar per ingestion job, list and delete documents, try a search. Everything goes through
the knowledge service the API uses (access control, audit records, durable jobs)."""

from __future__ import annotations

from typing import Any

from starlette.responses import RedirectResponse, Response

from homeport.errors import InvalidRequest
from homeport.knowledge.parse import FORMATS
from homeport.types import Sensitivity
from homeport.web.pages import Visit, words
from homeport.wire.uploads import upload_files

LEVELS = [str(s) for s in Sensitivity]
MODES = ("hybrid", "bm25", "dense")
RUNNING = ("queued", "running")


async def bases(visit: Visit) -> Response:
    rt = visit.rt
    kbs = await rt.knowledge.readable(visit.caller)
    return visit.render("knowledge.html", "knowledge", kbs=kbs, levels=LEVELS,
                        default=str(rt.settings.knowledge.default_sensitivity))


async def create(visit: Visit) -> Response:
    form = await visit.request.form()
    level = str(form.get("sensitivity") or "")
    kb = await visit.rt.knowledge.create(
        visit.caller, str(form.get("name") or "").strip(),
        Sensitivity.parse(level) if level else None, words(form, "readers"))
    return RedirectResponse(f"/knowledge/{kb.name}", status_code=303)


async def base(visit: Visit) -> Response:
    rt, caller = visit.rt, visit.caller
    kb = await rt.knowledge.get(caller, visit.request.path_params["kb"])
    docs, jobs = await rt.db.run(lambda: (rt.knowledge.store.documents(kb.id),
                                          rt.knowledge.jobs.recent(kb.id)))
    return visit.render("knowledge_base.html", "knowledge", kb=kb, docs=docs,
                        jobs=[_job(j) for j in jobs], modes=MODES,
                        editable=caller.is_admin or caller.team == kb.team,
                        extensions=",".join(sorted(FORMATS)),
                        max_mb=rt.settings.knowledge.max_upload_mb)


async def upload(visit: Visit) -> Response:
    """Files from the page's drop zone or pickers, as the API takes them: {"job_id"}."""
    return await upload_files(visit.rt.knowledge, visit.caller, visit.request)


def _job(job: dict[str, Any]) -> dict[str, Any]:
    p = job["progress"]
    failed = [f for f in job["files"] if f["status"] == "failed"]
    return {**job, "running": job["status"] in RUNNING, "failed": failed,
            "percent": 100 if job["status"] not in RUNNING else
            int(100 * p["chunks_done"] / p["chunks"]) if p["chunks"] else 0}


async def job(visit: Visit) -> Response:
    """One job's progress (htmx polls it while it runs)."""
    rt, params = visit.rt, visit.request.path_params
    kb = await rt.knowledge.get(visit.caller, params["kb"])
    found = _job(await rt.db.run(rt.knowledge.jobs.get, kb.id, params["job"]))
    response = visit.fragment("knowledge_job.html", kb=kb, job=found)
    if not found["running"]:
        response.headers["hx-trigger"] = "jobs-done"  # the documents list reloads
    return response


async def cancel(visit: Visit) -> Response:
    params = visit.request.path_params
    found = await visit.rt.knowledge.cancel(visit.caller, params["kb"], params["job"])
    kb = await visit.rt.knowledge.get(visit.caller, params["kb"])
    return visit.fragment("knowledge_job.html", kb=kb, job=_job(found))


async def documents(visit: Visit) -> Response:
    rt = visit.rt
    kb = await rt.knowledge.get(visit.caller, visit.request.path_params["kb"])
    docs = await rt.db.run(rt.knowledge.store.documents, kb.id)
    return visit.fragment("knowledge_documents.html", kb=kb, docs=docs,
                          editable=visit.caller.is_admin or visit.caller.team == kb.team)


async def delete_document(visit: Visit) -> Response:
    params = visit.request.path_params
    await visit.rt.knowledge.delete_document(visit.caller, params["kb"], params["doc"])
    return RedirectResponse(f"/knowledge/{params['kb']}", status_code=303)


async def delete(visit: Visit) -> Response:
    await visit.rt.knowledge.delete(visit.caller, visit.request.path_params["kb"])
    return RedirectResponse("/knowledge", status_code=303)


async def search(visit: Visit) -> Response:
    form = await visit.request.form()
    mode = str(form.get("mode") or "hybrid")
    if mode not in MODES:
        raise InvalidRequest(f"mode is one of {', '.join(MODES)}", param="mode")
    found = await visit.rt.knowledge.search(
        visit.caller, [visit.request.path_params["kb"]], str(form.get("query") or ""), 10,
        mode)  # type: ignore[arg-type]
    return visit.fragment("knowledge_results.html", passages=found.passages)
