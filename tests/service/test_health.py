import httpx


async def test_health_reports_every_service_store(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["services"]) == {
        "order",
        "pricing",
        "inventory",
        "logistics",
        "payment",
        "sourcing",
    }


async def test_openapi_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "B2B ordering platform"
