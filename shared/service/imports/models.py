"""What the import routes answer: a job, its progress and its row errors."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ImportRowError(BaseModel):
    """Why one row cannot be imported: the sheet's row number (the header is row 1)."""

    row: int = Field(ge=0, examples=[7])
    column: str = Field(examples=["list_price"])
    reason: str = Field(examples=["Input should be greater than or equal to 0"])


class ImportJob(BaseModel):
    """An import of one file: validating, then applying (or rejected, with every row error)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "job_id": "5f0c2a7e-1b9d-4c3e-8a6f-2d4b6c8e0a13",
                    "kind": "products",
                    "status": "applying",
                    "mode": "all",
                    "file_sha256": "9f2c…",
                    "file_format": "csv",
                    "rows_total": 50000,
                    "rows_validated": 50000,
                    "rows_rejected": 0,
                    "rows_to_apply": 50000,
                    "rows_applied": 12500,
                    "created_at": "2026-12-07T03:00:00Z",
                    "updated_at": "2026-12-07T03:00:09Z",
                    "finished_at": None,
                    "message": None,
                    "errors_total": 0,
                    "errors": [],
                }
            ]
        }
    )

    job_id: str
    kind: str = Field(examples=["products"])
    status: Literal["validating", "applying", "done", "rejected", "failed"]
    mode: Literal["all", "valid_rows"] = Field(
        description="all: nothing is applied while any row fails; valid_rows: the valid rows are"
    )
    file_sha256: str = Field(description="the same file again is the same job")
    file_format: Literal["csv", "xlsx"]
    rows_total: int = Field(ge=0, description="data rows in the file (known once counted)")
    rows_validated: int = Field(ge=0)
    rows_rejected: int = Field(ge=0)
    rows_to_apply: int = Field(ge=0)
    rows_applied: int = Field(ge=0)
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    message: str | None
    errors_total: int = Field(ge=0, description="row errors stored (at most 10,000)")
    errors: list[ImportRowError] = Field(description="a page of the row errors, by row")
