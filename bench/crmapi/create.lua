-- wrk script: POST /api/v1/workorders (category fault of the demo center),
-- for a customer picked from HOTLINE_IDS (one id a line) or none, with a
-- bearer token.  Environment: HOTLINE_TOKEN, HOTLINE_IDS (file or ""),
-- HOTLINE_DELAY_MS (pause per connection between requests).
local token = os.getenv("HOTLINE_TOKEN")
local pause = tonumber(os.getenv("HOTLINE_DELAY_MS") or "0")
local idfile = os.getenv("HOTLINE_IDS") or ""
local ids = {}
local n = 0
local thread_no = 0

function setup(thread)
	thread:set("offset", thread_no * 7919)
	thread_no = thread_no + 1
end

function init(args)
	if idfile ~= "" then
		for line in io.lines(idfile) do
			ids[#ids + 1] = line
		end
	end
end

function request()
	n = n + 1
	local body
	local addr = string.format("%d Park Road", (n + offset) % 9999)
	if #ids > 0 then
		local id = ids[((n + offset) % #ids) + 1]
		body = '{"category":"fault","priority":"high","customer":"' .. id ..
			'","subject":"bench","fields":{"utility":"water","address":"' ..
			addr .. '"}}'
	else
		body = '{"category":"fault","priority":"normal","fields":' ..
			'{"utility":"power","address":"' .. addr .. '"}}'
	end
	return wrk.format("POST", "/api/v1/workorders", {
		["Content-Type"] = "application/json",
		["Authorization"] = "Bearer " .. token,
	}, body)
end

function delay()
	return pause
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
