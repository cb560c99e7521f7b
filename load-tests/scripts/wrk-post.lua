-- wrk script of load-tests/bench: POST requests with JSON bodies taken in random order from a
-- file, and one JSON line of results at the end (same output as wrk-get.lua).
--
-- Environment:
--   BENCH_PATH         request path (e.g. /v1/prices:quote)
--   BENCH_BODIES       file with one JSON body per line
--   BENCH_API_KEY      sent as X-Api-Key (optional)
--   BENCH_IDEMPOTENCY  "1": a fresh Idempotency-Key per request (orders); built per request,
--                      so this mode costs the generator more than the others
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  headers = { ["Accept"] = "application/json", ["Content-Type"] = "application/json" }
  local key = os.getenv("BENCH_API_KEY")
  if key and key ~= "" then headers["X-Api-Key"] = key end
  path = os.getenv("BENCH_PATH")
  idempotent = os.getenv("BENCH_IDEMPOTENCY") == "1"
  bodies = {}
  prebuilt = {}
  for body in io.lines(os.getenv("BENCH_BODIES")) do
    if body ~= "" then
      table.insert(bodies, body)
      table.insert(prebuilt, wrk.format("POST", path, headers, body))
    end
  end
  if #bodies == 0 then error("no bodies in " .. tostring(os.getenv("BENCH_BODIES"))) end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
  run_id = string.format("%x%x", os.time(), math.random(0, 0xffffff))
  counter = 0
  non2xx = 0
end

function request()
  local i = math.random(#bodies)
  if not idempotent then return prebuilt[i] end
  counter = counter + 1
  headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run_id, thread_id or 0, counter)
  return wrk.format("POST", path, headers, bodies[i])
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
