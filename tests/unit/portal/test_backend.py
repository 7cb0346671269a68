"""API problems reach the user as their problem+json ``detail``, whatever shape they come in."""

from __future__ import annotations

import httpx

from portal.backend import ApiError


def test_keeps_the_problem_title_detail_and_field() -> None:
    response = httpx.Response(
        409,
        json={"title": "Insufficient stock", "detail": "only 3 left", "field": "lines.0.quantity"},
    )
    error = ApiError.from_response(response)
    assert (error.status, error.title, error.detail) == (409, "Insufficient stock", "only 3 left")
    assert error.field == "lines.0.quantity"


def test_joins_framework_validation_messages_into_one_sentence() -> None:
    body = {"detail": [{"msg": "field required"}, {"msg": "not a uuid"}]}
    error = ApiError.from_response(httpx.Response(422, json=body))
    assert error.detail == "field required; not a uuid"


def test_a_body_that_is_not_json_still_tells_the_user_what_to_do() -> None:
    error = ApiError.from_response(httpx.Response(502, text="<html>bad gateway</html>"))
    assert error.status == 502
    assert "try again" in error.detail
