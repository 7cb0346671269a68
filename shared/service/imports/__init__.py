"""Bulk import of CSV/XLSX sheets through a service's own commands (see routes.py)."""

from shared.service.imports.jobs import RowError
from shared.service.imports.kinds import Importer, ImportKind, Parsed, RowModel, acting_for
from shared.service.imports.routes import Imports, import_routes

__all__ = [
    "ImportKind",
    "Importer",
    "Imports",
    "Parsed",
    "RowError",
    "RowModel",
    "acting_for",
    "import_routes",
]
