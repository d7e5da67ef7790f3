-- Argo CD health of a PowerSchedule (power.serverops.io). Lua 5.1 as Argo CD runs it; tests: lua5.4 config/argocd/test-health.lua.
-- Healthy: Ready=True (a known time zone, valid windows and dates) in the current generation; the message says what
--   the schedule says now and until when. Whether that is Running or Stopped, the schedule itself is Healthy.
-- Degraded: Ready=False (InvalidSpec: the servers that follow it are left as they are).
-- Progressing: before the first status, and while status.observedGeneration is behind metadata.generation.
local hs = {}

local ready = nil
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "Ready" then
      ready = c
    end
  end
end

if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

if obj.status.observedGeneration == nil or obj.status.observedGeneration ~= obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(obj.metadata.generation)
  return hs
end

local message = ready.reason or "Ready"
if ready.message ~= nil and ready.message ~= "" then
  message = message .. ": " .. ready.message
end

if ready.status == "True" then
  hs.status = "Healthy"
elseif ready.status == "False" then
  hs.status = "Degraded"
else
  hs.status = "Progressing"
end
hs.message = message
return hs
