"""`POST /api/v1/kpi`: KPI facts from a CRM (or anything that speaks HTTP), validated exactly
like `salespulse kpi import`, all or nothing per request; and its OpenAPI schema.

    curl -X POST https://salespulse.example.com/api/v1/kpi \\
      -H "Authorization: Bearer $SALESPULSE_API_TOKEN" -H "Content-Type: application/json" \\
      -d '[{"date": "2026-11-25", "user": "alice@example.com", "metric": "revenue",
            "value": "120000", "ref": "crm-8812"}]'
"""

from __future__ import annotations

import hmac
import json
from decimal import Decimal
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.core import api_tokens
from bot.core.config import AppConfig
from bot.core.deps import Deps
from bot.core.periods import local_date
from bot.core.tabular import clip
from bot.core.workspace import Workspace
from bot.kpi import facts as kpi_facts
from storage.db import Database

MAX_BODY = 2_000_000  # bytes: about 20,000 facts; send more in several requests
MAX_ROWS = 10_000
FIELDS = ("date", "user", "metric", "value", "ref")


def _bearer(header: str) -> str:
    scheme, _, given = header.partition(" ")
    return given.strip() if scheme.lower() == "bearer" else ""


def workspace_of(deps: Deps, header: str) -> Workspace | None:
    """The workspace an Authorization header's token names, or None (401). A token from
    `salespulse api-token create` names its workspace (which must still be installed);
    SALESPULSE_API_TOKEN is the single-workspace install's. Tokens are looked up on every
    request, so a revoked one fails at once on every replica."""
    given = _bearer(header)
    if not given:
        return None
    if given.startswith(api_tokens.SCHEME):
        with deps.db.session() as session:
            team_id = api_tokens.team_of(session, given)
        return deps.workspaces.for_team(team_id) if team_id else None
    expected = deps.settings.salespulse_api_token
    if not expected or deps.settings.distributed:
        return None  # no single token configured, or many workspaces: only their own tokens
    # compare_digest: the time taken doesn't tell how much of a guess was right
    if hmac.compare_digest(given.encode(), expected.encode()):
        return deps.workspace()
    return None


def _error(status: int, error: str, detail: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": error, "detail": detail, **extra}, status, headers=headers)


def ingest(ws: Workspace, db: Database, rows: list[Any]) -> tuple[int, dict[str, Any]]:
    """(status, body): 200 with counts, or 422 with every problem by row index."""
    team_id = ws.team_id
    with db.session() as session:
        today = local_date(ws.clock(), ws.config.workspace.timezone)
        problems: list[tuple[int, str]] = []
        objects: list[tuple[int, dict[str, Any]]] = []
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                problems.append(
                    (index, "each fact must be an object with date, user, metric, value")
                )
                continue
            unknown = sorted(set(row) - set(FIELDS))
            if unknown:
                problems.append((index, f"unknown field(s): {clip(', '.join(unknown))}"))
            objects.append((index, {k: "" if v is None else str(v) for k, v in row.items()}))
        result = kpi_facts.validate(session, team_id, ws.config, today, objects)
        problems.extend(result.errors)
        if problems:
            by_row: dict[int, list[str]] = {}
            for index, problem in sorted(problems):
                by_row.setdefault(index, []).append(problem)
            errors = [{"index": i, "problems": p} for i, p in by_row.items()]
            session.rollback()
            return 422, {
                "error": "invalid_facts",
                "detail": f"{len(errors)} of {len(rows)} fact(s) are invalid; nothing was written",
                "errors": errors,
            }
        imported, replaced = kpi_facts.write_facts(session, team_id, result.rows, config=ws.config)
    return 200, {"imported": imported, "replaced": replaced}


def routes(deps: Deps) -> list[Route]:

    async def post_kpi(request: Request) -> JSONResponse:
        ws = await run_in_threadpool(workspace_of, deps, request.headers.get("authorization", ""))
        if ws is None:
            return _error(401, "unauthorized", "send Authorization: Bearer <SALESPULSE_API_TOKEN>")
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_BODY:
            return _error(413, "too_large", f"at most {MAX_BODY} bytes per request")
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > MAX_BODY:
                return _error(413, "too_large", f"at most {MAX_BODY} bytes per request")
        try:
            data = json.loads(body.decode("utf-8"), parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            return _error(400, "invalid_json", f"the body is not UTF-8 JSON: {exc}")
        if isinstance(data, dict) and isinstance(data.get("facts"), list):
            data = data["facts"]
        if not isinstance(data, list) or not data:
            return _error(400, "invalid_body", "send a non-empty JSON list of facts")
        if len(data) > MAX_ROWS:
            return _error(413, "too_many_facts", f"at most {MAX_ROWS} facts per request")
        status, payload = await run_in_threadpool(ingest, ws, deps.db, data)
        return JSONResponse(payload, status)

    async def openapi(request: Request) -> JSONResponse:
        # With a token, the metrics are its workspace's (each workspace has its own config).
        ws = await run_in_threadpool(workspace_of, deps, request.headers.get("authorization", ""))
        return JSONResponse(openapi_schema(ws.config if ws is not None else deps.config))

    return [
        Route("/api/v1/kpi", post_kpi, methods=["POST"]),
        Route("/api/v1/openapi.json", openapi, methods=["GET"]),
    ]


def openapi_schema(config: AppConfig) -> dict[str, Any]:
    metrics = [m.key for m in config.metrics]
    fact = {
        "type": "object",
        "required": ["date", "user", "metric", "value"],
        "additionalProperties": False,
        "properties": {
            "date": {"type": "string", "format": "date", "example": "2026-11-25"},
            "user": {
                "type": "string",
                "description": "Slack user id (U…) or email of a person in the org directory",
            },
            "metric": {"type": "string", "enum": metrics},
            "value": {
                "oneOf": [{"type": "string"}, {"type": "number"}],
                "description": "Up to 6 decimal places; send strings to keep every digit exact",
                "example": "120000.50",
            },
            "ref": {
                "type": "string",
                "maxLength": 255,
                "description": (
                    "Your system's id: a fact with a known ref replaces the earlier one; "
                    "a fact without a ref is added every time"
                ),
            },
        },
    }
    error = {
        "type": "object",
        "properties": {
            "error": {"type": "string"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "index": {"type": "integer"},
                        "problems": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    }
    json_error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "SalesPulse KPI API", "version": "1"},
        "paths": {
            "/api/v1/kpi": {
                "post": {
                    "summary": "Record KPI facts (all or nothing)",
                    "security": [{"bearer": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Fact"},
                                    "maxItems": MAX_ROWS,
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Written",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "imported": {"type": "integer"},
                                            "replaced": {"type": "integer"},
                                        },
                                    }
                                }
                            },
                        },
                        "400": {"description": "Not a JSON list", "content": json_error},
                        "401": {"description": "Missing or wrong token", "content": json_error},
                        "413": {"description": f"Over {MAX_BODY} bytes", "content": json_error},
                        "422": {
                            "description": "Invalid facts; nothing written",
                            "content": json_error,
                        },
                    },
                }
            }
        },
        "components": {
            "schemas": {"Fact": fact, "Error": error},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
