"""POST /api/v1/kpi through the real server: token, size limit, per-row errors, nothing
written from a rejected batch, refs that replace, the OpenAPI schema."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from sqlmodel import select

from bot.core.periods import parse_key
from bot.kpi import scorecard
from bot.kpi.rollups import rollup_mismatches
from storage.models.kpi import KpiFact
from tests.conftest import API_TOKEN, TEAM
from tests.kpi.test_kpi_import import to_the_cent

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


@pytest.fixture(autouse=True)
def _today(deps):
    deps.clock = lambda: datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


def post(server, body, headers=AUTH, **kw):
    return httpx.post(f"{server}/api/v1/kpi", json=body, headers=headers, timeout=30, **kw)


def stored(deps):
    with deps.db.session() as s:
        return s.exec(select(KpiFact)).all()


def fact(**kw):
    return {"date": "2026-11-02", "user": "UALICE", "metric": "revenue", "value": "1000", **kw}


def test_wrong_or_missing_token_is_401_and_writes_nothing(server, org, deps):
    org.standard()
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": API_TOKEN}):
        resp = post(server, [fact()], headers=headers)
        assert resp.status_code == 401
        assert resp.headers["www-authenticate"] == "Bearer"
    assert stored(deps) == []


def test_bad_rows_are_422_with_every_problem_and_nothing_written(server, org, deps):
    org.standard()
    resp = post(
        server,
        [
            fact(ref="x1"),
            fact(user="UNOBODY"),
            fact(metric="bananas", value="abc"),
            fact(date="2030-01-01"),
            fact(ref="x1"),
            "not an object",
            fact(extra=1),
        ],
    )
    assert resp.status_code == 422
    errors = {e["index"]: " ".join(e["problems"]) for e in resp.json()["errors"]}
    assert sorted(errors) == [1, 2, 3, 4, 5, 6]
    assert "UNOBODY" in errors[1]
    assert "bananas" in errors[2] and "abc" in errors[2]
    assert "future" in errors[3]
    assert "duplicate ref 'x1'" in errors[4]
    assert "extra" in errors[6]
    assert stored(deps) == []


def test_oversized_payload_is_413(server, org, deps):
    org.standard()
    big = [fact(ref=f"r{i}", value="1" * 50) for i in range(20_000)]
    resp = post(server, big)
    assert resp.status_code == 413
    assert stored(deps) == []


def test_good_batch_is_written_exactly_and_same_ref_replaces(server, org, deps):
    people = org.standard()
    resp = post(server, [fact(ref="crm-1", value=0.1), fact(value="0.2", user="alice@example.com")])
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"imported": 2, "replaced": 0}
    resp = post(server, {"facts": [fact(ref="crm-1", value="1234567.89")]})
    assert resp.json() == {"imported": 0, "replaced": 1}
    with deps.db.session() as s:
        config = to_the_cent(deps.config)
        card = scorecard.scorecard(s, config, TEAM, people["alice"], parse_key("2026-11"))
    assert card.metrics[0].actual == Decimal("1234568.09")  # no float artefacts
    with deps.db.session() as s:
        assert rollup_mismatches(s.connection(), TEAM) == []


def test_not_json_is_400(server, org):
    resp = httpx.post(f"{server}/api/v1/kpi", content=b"{nope", headers=AUTH)
    assert resp.status_code == 400


def test_openapi_schema_is_served(server):
    schema = httpx.get(f"{server}/api/v1/openapi.json").json()
    post_op = schema["paths"]["/api/v1/kpi"]["post"]
    assert set(post_op["responses"]) >= {"200", "401", "413", "422"}
    assert "revenue" in schema["components"]["schemas"]["Fact"]["properties"]["metric"]["enum"]


def test_values_and_dates_no_period_can_hold_are_422_not_500(server, org, deps):
    org.standard()
    body = (
        b'[{"date": "2026-11-02", "user": "UALICE", "metric": "revenue", "value": 1e999999999},'
        b' {"date": "2026-11-02", "user": "UALICE", "metric": "revenue", "value": "-1e999999999"},'
        b' {"date": "2026-11-02", "user": "UALICE", "metric": "revenue", "value": NaN},'
        b' {"date": "2026-11-02", "user": "UALICE", "metric": "revenue", "value": -Infinity},'
        b' {"date": "0999-12-31", "user": "UALICE", "metric": "revenue", "value": 1},'
        b' {"date": "2026-11-02", "user": "UALICE", "metric": "revenue", "value": 1, "'
        + b"x" * 100_000
        + b'": 1}]'
    )
    resp = httpx.post(f"{server}/api/v1/kpi", content=body, headers=AUTH, timeout=30)
    assert resp.status_code == 422, resp.text[:500]
    errors = {e["index"]: e["problems"] for e in resp.json()["errors"]}
    assert errors[0] == ["value '1E+999999999' is too large"]
    assert errors[1] == ["value '-1e999999999' is too large"]
    assert errors[2] == ["value 'nan' is not a number"]
    assert errors[3] == ["value '-inf' is not a number"]
    assert errors[4] == ["date '0999-12-31' is out of range (years 1001 to 9998)"]
    assert len(errors[5]) == 1 and len(errors[5][0]) < 200  # the unknown field, clipped
    assert stored(deps) == []
