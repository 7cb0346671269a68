"""What a service declares to import a kind of sheet: the row model and an importer per job."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from shared.service.auth.actor import Actor
from shared.service.imports.jobs import RowError

Parsed = tuple[int, Any]
"""(the sheet's row number, the row's model)."""


class RowModel(BaseModel):
    """A sheet row: one field per column; an empty cell is a missing value."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_cells_are_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data


class Importer(Protocol):
    """One job's work. ``check`` sees every row that parsed (in file order, in chunks) and
    says what the service's state or the file itself refuses; ``apply`` runs inside a unit of
    work with rows that passed, and returns how many it applied; ``finish`` runs last, in a
    unit of its own, and returns the rows it applied (kinds that gather rows per price list)."""

    async def check(self, rows: Sequence[Parsed]) -> list[RowError]: ...

    async def apply(self, rows: Sequence[Parsed]) -> int: ...

    async def finish(self) -> int: ...


@dataclass(frozen=True)
class ImportKind:
    """A kind of sheet a service imports at ``POST /api/v1/imports/<name>``."""

    name: str
    summary: str
    row_model: type[RowModel]
    start: Callable[[Actor, str], Importer]
    """``start(actor, job_id)``: the importer of one job, acting for ``actor``."""
    roles: tuple[str, ...] = ("operations",)
    """Who may import this kind (and follow its jobs)."""

    def columns(self) -> tuple[list[str], list[str]]:
        """(required, optional) column names."""
        fields = self.row_model.model_fields
        required = [name for name, f in fields.items() if f.is_required()]
        return required, [name for name in fields if name not in required]

    def header_errors(self, header: Sequence[str]) -> list[RowError]:
        required, optional = self.columns()
        found: list[RowError] = []
        known = set(required) | set(optional)
        for name in header:
            if name and name not in known:
                found.append(
                    RowError(
                        1, name, f"unknown column; the columns are {', '.join(known_order(self))}"
                    )
                )
        seen: set[str] = set()
        for name in header:
            if name in seen and name:
                found.append(RowError(1, name, "this column appears twice"))
            seen.add(name)
        for name in required:
            if name not in header:
                found.append(RowError(1, name, "this column is required"))
        return found

    def parse(self, number: int, cells: dict[str, str]) -> tuple[Any | None, list[RowError]]:
        """The row's model, or the errors naming each column at fault."""
        try:
            return self.row_model.model_validate({k: v for k, v in cells.items() if k}), []
        except ValidationError as error:
            return None, [
                RowError(number, _column(e["loc"]), _reason(e["msg"])) for e in error.errors()
            ]


def known_order(kind: ImportKind) -> list[str]:
    required, optional = kind.columns()
    return required + optional


def _column(location: tuple[Any, ...]) -> str:
    return str(location[0]) if location else ""


def _reason(message: str) -> str:
    return message.removeprefix("Value error, ")[:500]


def acting_for(actor: Actor, role: str, given: Any) -> tuple[str | None, str | None]:
    """The party a row is for: a ``role`` actor's own (a row naming another is refused), or
    the row's (operations must name it). (party id, None) or (None, why not)."""
    if actor.role == role:
        if given is not None and str(given) != actor.party:
            return None, f"a {role} imports only its own ({actor.party})"
        return actor.party, None
    if given is None:
        return None, f"name the {role} of each row"
    return str(given), None
