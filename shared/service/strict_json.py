"""Request bodies validated from their JSON in pydantic's strict mode: a value must have the JSON
type the published schema gives it (``"10"`` and ``true`` are not integers, ``0`` is not a date),
while path and query parameters, which are text by nature, stay as FastAPI parses them.

Annotate a route's body parameter ``body: StrictJson[PlaceOrderIn]``. FastAPI hands the validator
the body already parsed from JSON; it is checked again as the JSON text it came from, where strict
mode accepts exactly the schema's types (a UUID or a date as a string, an integer as a number)."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import GetCoreSchemaHandler, TypeAdapter
from pydantic_core import core_schema, to_json


class StrictJsonBody:
    """The marker: validates Python input as its JSON text, strictly; the schema is unchanged."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema = handler(source)
        adapter: TypeAdapter[Any] = TypeAdapter(source)

        def from_json_value(data: Any) -> Any:
            return adapter.validate_json(to_json(data), strict=True)

        return core_schema.json_or_python_schema(
            json_schema=schema,
            python_schema=core_schema.no_info_plain_validator_function(from_json_value),
        )


T = TypeVar("T")

StrictJson = Annotated[T, StrictJsonBody()]
"""``StrictJson[Model]``: a request body validated in strict mode from its JSON."""
