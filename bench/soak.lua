-- wrk: each request asks the next of SOAK_PATHS (space-separated); counts error answers
-- (5xx) and the proxy's rate limit (429) apart, printed as one "SOAK {...}" line.
local paths = {}
for path in string.gmatch(os.getenv("SOAK_PATHS") or "/", "%S+") do
  table.insert(paths, path)
end
local next_path = 0
local counters = {}

function setup(thread)
  thread:set("errors", 0)
  thread:set("limited", 0)
  table.insert(counters, thread)
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function response(status, headers, body)
  if status >= 500 then
    errors = (errors or 0) + 1
  elseif status == 429 then
    limited = (limited or 0) + 1
  end
end

function done(summary, latency, requests)
  local errors, limited = 0, 0
  for _, thread in ipairs(counters) do
    errors = errors + (thread:get("errors") or 0)
    limited = limited + (thread:get("limited") or 0)
  end
  io.write(string.format('SOAK {"errors": %d, "limited": %d}\n', errors, limited))
end
