-- wrk script: POST BENCH_BODY (default a /chat body) to BENCH_PATH (default /chat) with the bench key,
-- then one machine-readable result line with latency percentiles from wrk's histogram.
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH") or "/chat"
wrk.body = os.getenv("BENCH_BODY") or '{"message": "Hello!", "temperature": 0.7, "max_tokens": 16}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("BENCH_API_KEY") or ""

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
