-- wrk: the clerk's queue, first page of 50 (GET /api/v1/cases), with the token in TOKEN.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.path = "/api/v1/cases?limit=50"
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write("requests " .. summary.requests .. ", errors " .. errors .. ", ")
  io.write("p50 " .. latency:percentile(50) / 1000 .. " ms, p99 " .. latency:percentile(99) / 1000 .. " ms\n")
end
