"""``b2b import`` against a served system: 50,000 products through the CLI and 50,000 stock
counts through the API, and a rejected file's row errors printed with nothing applied."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from runtime.cli import app
from shared.service.auth.actor import Actor
from tests.fuzz.server import Served, served
from tests.security.conftest import test_settings

ROWS = 50_000
HEADER = ["sku", "name", "category", "unit", "pack_size", "min_order_qty", "list_price", "currency"]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("import-cli"), test_settings()) as running:
        yield running


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def token(api: Served, role: str, party: str) -> str:
    return api.security.tokens.issue(Actor(role, party))


def cli(api: Served, *args: str, auth: str) -> Any:
    return CliRunner().invoke(app, ["import", *args, "--url", api.url, "--token", auth])


def test_fifty_thousand_products_by_cli_and_stock_counts_by_api(
    api: Served, tmp_path: Path
) -> None:
    supplier = str(uuid.uuid4())
    auth = token(api, "supplier", supplier)
    products = write_csv(
        tmp_path / "products.csv",
        [HEADER]
        + [[f"K-{i:06d}", f"Item {i}", "tools", "pcs", 1, 1, "3.20", "EUR"] for i in range(ROWS)],
    )
    result = cli(api, "products", str(products), auth=auth)
    assert result.exit_code == 0, result.output
    assert f"done: products, {ROWS} rows, {ROWS} applied" in result.output

    headers = {"Authorization": f"Bearer {auth}"}
    with httpx.Client(base_url=api.url, headers=headers, timeout=600) as client:
        warehouse = str(uuid.uuid4())
        client.post(
            "/api/v1/warehouses",
            json={
                "warehouse_id": warehouse,
                "supplier_id": supplier,
                "name": "Counted DC",
                "regions_served": ["north"],
                "speed_rank": 1,
                "lead_time_days": 1,
            },
        ).raise_for_status()
        stock = [["warehouse_id", "sku", "on_hand"]]
        stock += [[warehouse, f"K-{i:06d}", i % 40 + 1] for i in range(ROWS)]
        text = io.StringIO()
        csv.writer(text).writerows(stock)
        response = client.post(
            "/api/v1/imports/stock",
            files={"file": ("stock.csv", text.getvalue().encode(), "text/csv")},
        )
        assert response.status_code == 201, response.text
        assert response.json()["rows_applied"] == ROWS
        level = client.get(
            "/api/v1/stock/K-049999",
            params={"min_position": 0},
            headers={"Authorization": f"Bearer {token(api, 'operations', 'ops')}"},
        )
        for _ in range(100):
            if level.status_code == 200:
                break
            level = client.get(
                "/api/v1/stock/K-049999",
                headers={"Authorization": f"Bearer {token(api, 'operations', 'ops')}"},
            )
        assert level.json()["on_hand"] == 49_999 % 40 + 1

    again = cli(api, "products", str(products), auth=auth)
    assert again.exit_code == 0
    assert "imported before" in again.output


def test_a_rejected_file_prints_its_row_errors_and_exits_1(api: Served, tmp_path: Path) -> None:
    party = str(uuid.uuid4())
    auth = token(api, "supplier", party)
    rows = [HEADER, ["OK-1", "Fine", "tools", "pcs", 1, 1, "1.00", "EUR"]]
    rows.append(["OK-2", "Bad", "tools", "pcs", 0, 1, "1.00", "EUR"])
    result = cli(api, "products", str(write_csv(tmp_path / "bad.csv", rows)), auth=auth)
    assert result.exit_code == 1, result.output
    assert "rejected" in result.output
    assert "pack_size" in result.output
    with httpx.Client(base_url=api.url, timeout=60) as client:
        found = client.get(
            "/api/v1/products/OK-1",
            headers={"Authorization": f"Bearer {token(api, 'operations', 'x')}"},
        )
    assert found.status_code == 404, "nothing was applied"
