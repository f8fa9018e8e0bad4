-- wrk script for POST /chat/sync (bench/workloads/wrk-sync.workload.ts).
--   WRK_BODY      the JSON body (one object, no msg_id / session_id)
--   WRK_WITH_IDS  "1": every request gets a fresh msg_id (a repeated one is replayed from the
--                 idempotency cache, not answered) and one of WRK_SESSIONS session_ids
--   WRK_RUN_ID    prefix of the msg_ids, unique per run: the service outlives a run
-- Without ids the request is built once by wrk itself (no Lua per request), so the generator
-- costs as little as it can. done() prints one JSON line the workload parses.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("WRK_BODY")

if os.getenv("WRK_WITH_IDS") == "1" then
  local prefix = string.gsub(wrk.body, "}%s*$", "")
  local run = os.getenv("WRK_RUN_ID") or "run"
  local sessions = tonumber(os.getenv("WRK_SESSIONS") or "256")
  local counter = 0
  request = function()
    counter = counter + 1
    local body = prefix .. ',"msg_id":"' .. run .. '-' .. counter .. '","session_id":"s-' .. (counter % sessions) .. '"}'
    return wrk.format(nil, nil, nil, body)
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
