"""Pure ASGI middleware (not BaseHTTPMiddleware, so streaming responses pass straight through), one
concern each, as Starlette's own are. application.py stacks them, outermost first:

- request_context: the request id, the RequestContext, the headers of every answer (Server-Timing
  among them), a last-resort 500, and once the response is done its after-response work, access
  log line and metrics;
- body_limit: a body over MAX_REQUEST_BYTES gets the 413 in the error shape;
- disconnect: a client that leaves before the response starts cancels the request's work (499).
"""
