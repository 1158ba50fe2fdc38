-- wrk script for bench/join.py: every request a new group, with this browser's CSRF pair.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  token, cookie, counter = args[1], args[2], 0
end

function request()
  counter = counter + 1
  local id = tid .. "-" .. counter
  local body = "csrf_token=" .. token .. "&group_name=Bench+Hub+" .. id ..
    "&kind=single_issue&towns=Quincy&district=1st+Norfolk&contact_name=Bench+Organizer" ..
    "&email=bench" .. id .. "%40example.org&phone=617-555-0100&consent_to_contact=yes"
  return wrk.format("POST", "/join", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "hubflow_csrf=" .. cookie,
  }, body)
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "errors": %d, "seconds": %f, "p50_ms": %f, "p99_ms": %f}\n',
    summary.requests, errors, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
