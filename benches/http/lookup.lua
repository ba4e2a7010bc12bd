-- wrk: public lookups (POST /api/v1/lookup) over the keys in keys.txt ("reference code" lines).
local keys = {}
for line in io.lines("keys.txt") do
  local ref, code = line:match("(%S+) (%S+)")
  keys[#keys + 1] = string.format('{"reference":"%s","query_code":"%s"}', ref, code)
end
local i = 0
request = function()
  i = i % #keys + 1
  return wrk.format("POST", "/api/v1/lookup", {["Content-Type"] = "application/json"}, keys[i])
end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write("requests " .. summary.requests .. ", errors " .. errors .. ", ")
  io.write("p50 " .. latency:percentile(50) / 1000 .. " ms, p99 " .. latency:percentile(99) / 1000 .. " ms\n")
end
