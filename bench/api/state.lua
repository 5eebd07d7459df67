-- wrk script: POST /api/v1/agents/{ext}/state, alternating available and
-- not-ready, over the agents FIRST..FIRST+COUNT-1, with a bearer token.
-- Environment: HOTLINE_TOKEN, HOTLINE_FIRST, HOTLINE_COUNT.
local token = os.getenv("HOTLINE_TOKEN")
local first = tonumber(os.getenv("HOTLINE_FIRST") or "3001")
local count = tonumber(os.getenv("HOTLINE_COUNT") or "100")
local pause = tonumber(os.getenv("HOTLINE_DELAY_MS") or "0")
local n = 0
local thread_no = 0

function setup(thread)
	thread:set("offset", thread_no * 7919)
	thread_no = thread_no + 1
end

function request()
	n = n + 1
	local k = (n + offset) % count
	local ext = first + k
	local body
	if (math.floor((n + offset) / count) % 2) == 0 then
		body = '{"state":"available"}'
	else
		body = '{"state":"not-ready","reason":"break"}'
	end
	return wrk.format("POST", "/api/v1/agents/" .. ext .. "/state", {
		["Content-Type"] = "application/json",
		["Authorization"] = "Bearer " .. token,
	}, body)
end

-- A fixed pace per connection: rate = connections * 1000 / (delay +
-- latency), so the load is a rate, not "as fast as the server answers".
function delay()
	return pause
end

local bad = 0
function response(status, headers, body)
	if status ~= 200 then
		bad = bad + 1
	end
end

function done(summary, latency, requests)
	io.write(string.format(
		"WRK requests=%d duration_s=%.2f rps=%.0f p50_ms=%.3f p90_ms=%.3f " ..
		"p99_ms=%.3f p999_ms=%.3f max_ms=%.3f errors=%d non2xx=%d\n",
		summary.requests, summary.duration / 1e6,
		summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(90) / 1000,
		latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
		latency.max / 1000,
		summary.errors.connect + summary.errors.read + summary.errors.write +
		summary.errors.timeout, summary.errors.status))
end
