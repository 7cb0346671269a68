"""``POST /api/v1/imports/<kind>`` (a CSV or XLSX upload) and ``GET /api/v1/imports/<kind>/{id}``
for each kind a service imports. Each kind is its own literal path, so the gateway routes it to
the service that owns it.

The answer waits for the job (201 applied, 422 with the row errors and nothing applied) unless
the caller sends ``Prefer: respond-async``: then 202 at once, and the job route shows progress.
The same file again (by SHA-256, per kind, caller and mode) is the same job: its answer again."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Header, Query, UploadFile
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from shared.service.api import ActorDep
from shared.service.auth.access import allow
from shared.service.errors import Problem, problem_response
from shared.service.imports.files import Sheet, sniff
from shared.service.imports.jobs import FINISHED, JobStore, Mode
from shared.service.imports.kinds import ImportKind
from shared.service.imports.models import ImportJob
from shared.service.imports.runner import ImportRun
from shared.sql import Database

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
"""A larger file is refused (413): about 400,000 product rows as CSV."""
ANSWERED_ERRORS = 1000
"""Row errors in a rejected import's answer; the job route pages through the rest."""

OnError = Literal["reject", "skip"]


class Imports:
    """The jobs of one service's kinds; a job runs as a task of this process."""

    def __init__(self, database: Database, kinds: Sequence[ImportKind]) -> None:
        self.database = database
        self.store = JobStore(database)
        self.kinds = {kind.name: kind for kind in kinds}
        self.running: dict[str, asyncio.Task[None]] = {}

    async def job(self, job_id: str, offset: int = 0, limit: int = 100) -> dict[str, Any] | None:
        found = await self.store.get(job_id)
        if found is None:
            return None
        found["errors_total"] = await self.store.error_count(job_id)
        found["errors"] = await self.store.row_errors(job_id, offset, limit)
        return found

    async def start(
        self, kind: ImportKind, actor: Any, upload: Path, sha256: str, mode: Mode
    ) -> tuple[str, bool]:
        """(job id, whether it is an earlier job of the same file); the upload is the job's."""
        owner = str(actor)
        found = await self.store.find(kind.name, owner, sha256, mode)
        if found is None:
            job_id = str(uuid.uuid4())
            try:
                await self.store.create(
                    dict(
                        job_id=job_id,
                        kind=kind.name,
                        owner=owner,
                        file_sha256=sha256,
                        file_format=sniff(upload),
                        mode=mode,
                        status="validating",
                        rows_total=0,
                        rows_validated=0,
                        rows_rejected=0,
                        rows_to_apply=0,
                        rows_applied=0,
                    )
                )
            except IntegrityError:  # the same file, uploaded at the same moment
                return await self.start(kind, actor, upload, sha256, mode)
        else:
            job_id = found["job_id"]
            if found["status"] in FINISHED or job_id in self.running:
                _discard(upload)
                return job_id, True
            # Interrupted (the process stopped): validate and apply again from the start;
            # rows already applied are found unchanged and change nothing.
            await self.store.clear_errors(job_id)
            await self.store.update(
                job_id, status="validating", rows_validated=0, rows_rejected=0, rows_applied=0
            )
        run = ImportRun(
            job_id=job_id,
            kind=kind,
            importer=kind.start(actor, job_id),
            sheet=Sheet(upload, sniff(upload)),
            mode=mode,
            store=self.store,
            database=self.database,
        )
        task = asyncio.create_task(run.run(), name=f"import:{kind.name}:{job_id}")
        self.running[job_id] = task

        def done(_task: asyncio.Task[None]) -> None:
            self.running.pop(job_id, None)
            _discard(upload)

        task.add_done_callback(done)
        return job_id, False

    async def wait(self, job_id: str) -> None:
        task = self.running.get(job_id)
        if task is not None:
            await asyncio.shield(task)


def _discard(upload: Path) -> None:
    shutil.rmtree(upload.parent, ignore_errors=True)


async def _save(file: UploadFile) -> tuple[Path, str]:
    """The upload in a private temporary file, and its SHA-256; 413 past MAX_UPLOAD_BYTES."""
    folder = Path(tempfile.mkdtemp(prefix="b2b-import-"))
    path = folder / "upload"
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("wb") as target:
            while chunk := await file.read(1 << 20):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise Problem(
                        413,
                        "File too large",
                        f"an import file may have at most {MAX_UPLOAD_BYTES // 2**20} MiB; "
                        "split it",
                        field="file",
                    )
                digest.update(chunk)
                target.write(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if size == 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise Problem(422, "Empty file", "the upload is empty", field="file")
    return path, digest.hexdigest()


def _answer(job: dict[str, Any], replayed: bool, status: int) -> JSONResponse:
    location = f"/api/v1/imports/{job['kind']}/{job['job_id']}"
    headers = {"Location": location}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    if job["status"] == "rejected":
        errors = job["errors"][:ANSWERED_ERRORS]
        return problem_response(
            422,
            "Import rejected",
            f"{job['message'] or 'the file has errors'}; fix the rows named in errors[] "
            "(or send on_error=skip to apply the valid rows)",
            instance=location,
            headers=headers,
            job_id=job["job_id"],
            errors_total=job["errors_total"],
            errors=errors,
        )
    if job["status"] == "failed":
        return problem_response(
            409,
            "Import failed",
            f"{job['message']}; the rows before it stay applied: upload the file again",
            instance=location,
            headers=headers,
            job_id=job["job_id"],
        )
    body = ImportJob.model_validate(job).model_dump(mode="json")
    return JSONResponse(body, status_code=status, headers=headers)


def import_routes(imports: Imports, tags: list[str | Enum]) -> APIRouter:
    """One upload and one job route per kind."""
    router = APIRouter(tags=tags)
    for kind in imports.kinds.values():
        _kind_routes(router, imports, kind)
    return router


def _describe(kind: ImportKind) -> str:
    required, optional = kind.columns()
    return (
        f"{kind.summary}\n\nA CSV (UTF-8) or XLSX file whose first row names the columns. "
        f"Required: {', '.join(required)}. Optional: {', '.join(optional) or 'none'}. "
        "Every row is validated first; any row error rejects the whole file (422, nothing "
        "applied) unless `on_error=skip`. The same file again answers as before "
        "(`Idempotent-Replayed: true`). `Prefer: respond-async` answers 202 at once; follow "
        "the job's progress at its `Location`."
    )


def _kind_routes(router: APIRouter, imports: Imports, kind: ImportKind) -> None:
    @router.post(
        f"/imports/{kind.name}",
        openapi_extra=allow(*kind.roles),
        status_code=201,
        response_model=ImportJob,
        summary=f"Import {kind.name} from a CSV or XLSX file",
        description=_describe(kind),
        responses={
            200: {"model": ImportJob, "description": "this file was imported before"},
            202: {"model": ImportJob, "description": "accepted (Prefer: respond-async)"},
        },
        name=f"import_{kind.name.replace('-', '_')}",
        operation_id=f"import_{kind.name.replace('-', '_')}",
    )
    async def upload(
        actor: ActorDep,
        file: Annotated[UploadFile, File(description="CSV (UTF-8) or XLSX")],
        on_error: Annotated[
            OnError, Query(description="reject: nothing applied on any error; skip: valid rows")
        ] = "reject",
        prefer: Annotated[str | None, Header(max_length=200)] = None,
    ) -> JSONResponse:
        path, sha256 = await _save(file)
        mode: Mode = "all" if on_error == "reject" else "valid_rows"
        job_id, replayed = await imports.start(kind, actor, path, sha256, mode)
        if prefer is not None and "respond-async" in prefer.lower():
            job = await imports.job(job_id)
            assert job is not None
            if job["status"] not in FINISHED:
                body = ImportJob.model_validate(job).model_dump(mode="json")
                location = f"/api/v1/imports/{kind.name}/{job_id}"
                headers = {"Location": location}
                if replayed:
                    headers["Idempotent-Replayed"] = "true"
                return JSONResponse(body, status_code=202, headers=headers)
        await imports.wait(job_id)
        job = await imports.job(job_id, limit=ANSWERED_ERRORS)
        assert job is not None
        return _answer(job, replayed, 200 if replayed else 201)

    @router.get(
        f"/imports/{kind.name}/{{job_id}}",
        openapi_extra=allow(*kind.roles),
        response_model=ImportJob,
        summary=f"An import of {kind.name}: progress and row errors",
        name=f"import_{kind.name.replace('-', '_')}_job",
        operation_id=f"import_{kind.name.replace('-', '_')}_job",
    )
    async def job(
        job_id: uuid.UUID,
        actor: ActorDep,
        errors_offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
        errors_limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> ImportJob:
        """The job's status and counters; its row errors a page at a time (by row)."""
        found = await imports.job(str(job_id), errors_offset, errors_limit)
        mine = found is not None and (actor.role == "operations" or found["owner"] == str(actor))
        if found is None or not mine or found["kind"] != kind.name:
            raise Problem(404, "Unknown import", f"no import {job_id} of yours", field="job_id")
        return ImportJob.model_validate(found)
