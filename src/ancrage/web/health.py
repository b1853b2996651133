"""``/healthz``: is the application database reachable, which warehouse snapshot is served."""

from __future__ import annotations

from django.db import connection as db
from django.http import HttpRequest, JsonResponse

from ancrage.warehouse import WarehouseError
from ancrage.web.observatory.warehouse import snapshot_id


def healthz(request: HttpRequest) -> JsonResponse:
    status, database, snapshot = "ok", "ok", None
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # report, do not crash: this page exists to say what is broken
        status, database = "error", "indisponible"
    try:
        snapshot = snapshot_id()
    except WarehouseError:
        status = "error"
    return JsonResponse(
        {"status": status, "database": database, "warehouse_snapshot": snapshot},
        status=200 if status == "ok" else 503,
    )
