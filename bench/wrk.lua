-- wrk script for bench/http.py: GET BENCH_PATH with {word} and {ticket} filled in per request,
-- sending BENCH_HEADER ("Name: value") when set, and stopping each thread after
-- BENCH_MAX_PER_THREAD responses (bounded in count as well as time).
--   {word}   -> one of BENCH_WORDS (comma-separated)
--   {ticket} -> one of the numbers in the file BENCH_TICKETS (one a line)
local template = os.getenv("BENCH_PATH") or "/healthz/live"
local header = os.getenv("BENCH_HEADER") or ""
local words = {}
for w in string.gmatch(os.getenv("BENCH_WORDS") or "printer", "[^,]+") do words[#words + 1] = w end
local tickets = {}
local list = os.getenv("BENCH_TICKETS")
if list and list ~= "" then
  for line in io.lines(list) do tickets[#tickets + 1] = line end
end
local n, max = 0, tonumber(os.getenv("BENCH_MAX_PER_THREAD") or "100000")
local headers = {}
local name, value = string.match(header, "^([^:]+):%s*(.*)$")
if name then headers[name] = value end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", 42 + threads)
end

function init(args)
  math.randomseed(seed)
end

function request()
  local path = template
    :gsub("{word}", function() return words[math.random(#words)] end)
    :gsub("{ticket}", function() return tickets[math.random(#tickets)] end)
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  n = n + 1
  if n >= max then wrk.thread:stop() end
end
