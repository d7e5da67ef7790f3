-- Argo CD health of a PowerProvider (power.serverops.io). Lua 5.1 as Argo CD runs it; tests: lua5.4 config/argocd/test-health.lua.
-- Healthy: Ready=True. Degraded: Ready=False (credentials missing, unauthorized, endpoint not allowed or down).
-- Progressing: before the first status, while Ready is Unknown, and while status.observedGeneration is behind
--   metadata.generation (a changed spec, e.g. a new credentials Secret, is not yet verified).
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

if obj.status.observedGeneration ~= nil and obj.status.observedGeneration ~= obj.metadata.generation then
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
