-- wrk: requests drawn at random from a list, one request a line in the file named by PATHS:
--   METHOD<TAB>PATH[<TAB>COOKIE[<TAB>CONTENT-TYPE<TAB>BODY]]
-- (COOKIE is added to the one of AUTH_COOKIE; "-" for none). Every request sends AUTH_TOKEN as
-- a bearer token and AUTH_COOKIE as cookies when they are set, so one script serves the pages
-- (session cookie) and the API (token). A random line per request: the 200 case ids of a case
-- path are spread over the run instead of one case answered from warm caches.
--
-- Status codes other than 2xx are counted here, since wrk itself counts only >= 400 as errors
-- and a 303 to /login (a session that has ended) would pass as a fast success.

local lines = {}
-- Globals, not locals: done() reads them from each thread with thread:get.
non2xx = 0
first_bad = ""

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    fields[#fields + 1] = field
  end
  return fields
end

-- Each thread numbers itself so that its random sequence differs from the other's.
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(os.time() * 100 + (id or 0))
  local token = os.getenv("AUTH_TOKEN") or ""
  local cookie = os.getenv("AUTH_COOKIE") or ""
  for line in io.lines(os.getenv("PATHS")) do
    if line ~= "" then
      local f = split(line)
      local headers = {}
      if token ~= "" then
        headers["Authorization"] = "Bearer " .. token
      end
      local cookies = {}
      if cookie ~= "" then
        cookies[#cookies + 1] = cookie
      end
      if f[3] and f[3] ~= "" and f[3] ~= "-" then
        cookies[#cookies + 1] = f[3]
      end
      if #cookies > 0 then
        headers["Cookie"] = table.concat(cookies, "; ")
      end
      local body = nil
      if f[4] and f[4] ~= "" then
        headers["Content-Type"] = f[4]
        body = f[5]
      end
      -- Formatted once here: request() then only picks one.
      lines[#lines + 1] = wrk.format(f[1], f[2], headers, body)
    end
  end
end

function request()
  return lines[math.random(#lines)]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then
      first_bad = tostring(status)
    end
  end
end

-- One machine-readable line for run.sh: p50 and p99 in ms, requests per second, the
-- responses that were not 2xx (and the first such status), socket errors, requests.
function done(summary, latency, requests)
  local bad, status = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    local s = t:get("first_bad") or ""
    if status == "" and s ~= "" then
      status = s
    end
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT p50=%.2f p99=%.2f rps=%.1f non2xx=%d status=%s socket=%d requests=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / seconds,
    bad, status == "" and "-" or status, socket, summary.requests))
end
