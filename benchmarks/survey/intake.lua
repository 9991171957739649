-- wrk script for benchmarks/survey-intake.sh: posts pre-signed JSON responses, each with its own response id,
-- and counts the answers by status. Each thread takes every n-th line of bodies.txt ("<signature>\t<body>").
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local count = tonumber(args[1])
  bodies = {}
  signatures = {}
  local n = 0
  for line in io.lines(args[2]) do
    if n % count == id then
      local tab = line:find("\t", 1, true)
      table.insert(signatures, line:sub(1, tab - 1))
      table.insert(bodies, line:sub(tab + 1))
    end
    n = n + 1
  end
  next_body = 1
  created, duplicate, other = 0, 0, 0
end

function request()
  local index = next_body
  if index > #bodies then index = #bodies end  -- out of bodies: the last one again (a duplicate, counted as such)
  next_body = next_body + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["X-Portrait-Signature"] = signatures[index],
  }, bodies[index])
end

function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 200 then duplicate = duplicate + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local c, d, o = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    d = d + thread:get("duplicate")
    o = o + thread:get("other")
  end
  io.write(string.format("answers: 201 %d, 200 %d, other %d\n", c, d, o))
  io.write(string.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
