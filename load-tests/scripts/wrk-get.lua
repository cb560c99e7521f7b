-- wrk script of load-tests/bench: GET requests over a list of paths, in random order, and one
-- JSON line of results at the end (so the bench needs no parsing of wrk's human output).
--
-- Environment:
--   BENCH_PATHS    file with one request path per line (e.g. /v1/atp/SKU-0001)
--   BENCH_API_KEY  sent as X-Api-Key (optional)
--
-- Every thread builds its requests once in init(), so request() costs one table lookup: the
-- generator spends its CPU on the network, not on Lua, and the same script drives the gateway
-- and the baseline.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local headers = { ["Accept"] = "application/json" }
  local key = os.getenv("BENCH_API_KEY")
  if key and key ~= "" then headers["X-Api-Key"] = key end
  requests = {}
  for path in io.lines(os.getenv("BENCH_PATHS")) do
    if path ~= "" then
      table.insert(requests, wrk.format("GET", path, headers))
    end
  end
  if #requests == 0 then error("no paths in " .. tostring(os.getenv("BENCH_PATHS"))) end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
  non2xx = 0
end

function request()
  return requests[math.random(#requests)]
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  for _, t in ipairs(threads) do non2xx_total = non2xx_total + (t:get("non2xx") or 0) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, non2xx_total,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
