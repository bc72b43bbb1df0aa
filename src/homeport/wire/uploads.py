"""Document uploads (multipart/form-data), as the API and the web pages take them."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from homeport.errors import HomeportError, InvalidRequest
from homeport.knowledge.service import KnowledgeService, Upload
from homeport.types import Caller
from homeport.wire.http import json_response

MAX_FILES = 1000


async def upload_files(knowledge: KnowledgeService, caller: Caller,
                       request: Request) -> Response:
    """Files in the multipart field `file` into the knowledge base `{kb}`: {"job_id"}."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidRequest("send the files as multipart/form-data in the field 'file'",
                             param="file")
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FILES)
    except HomeportError:  # the body is over its limit
        raise
    except Exception as e:  # malformed multipart, too many parts
        raise InvalidRequest(f"could not read the multipart upload: {e}", param="file") from e
    try:
        files = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
        if not files:
            raise InvalidRequest("no files: send one or more files in the multipart field "
                                 "'file'", param="file")
        uploads = [Upload(f.filename or "upload.txt", f.file) for f in files]
        job_id = await knowledge.upload(caller, request.path_params["kb"], uploads)
    finally:
        await form.close()
    return json_response({"job_id": job_id, "object": "knowledge.job", "status": "queued"},
                         status=202)
