"""GET /metrics: Prometheus' text format; 404 when METRICS_ENABLED=false, or when METRICS_PORT serves it elsewhere."""

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST

from ..deps import AppServices
from ..errors import ApiError, ErrorCode

router = APIRouter(tags=["metrics"])


# A plain `def`, run in a worker thread: in multiprocess mode it reads every worker's files.
@router.get("/metrics", include_in_schema=False)
def metrics(services: AppServices) -> Response:
    if services.metrics is None or services.settings.metrics_port is not None:
        raise ApiError(404, ErrorCode.NOT_FOUND, "Not Found")
    return Response(services.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
