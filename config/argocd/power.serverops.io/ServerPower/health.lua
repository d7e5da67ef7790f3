-- Argo CD health of a ServerPower (power.serverops.io). Lua 5.1 as Argo CD runs it; tests: lua5.4 config/argocd/test-health.lua.
-- Healthy: Ready=True and status.observedGeneration == metadata.generation. A server declared Stopped that is
--   stopped is Healthy, never Suspended: Suspended would stall multi-wave syncs forever. So is a scheduled server
--   (spec.state Scheduled) that is off outside its window: status.desiredState is then Stopped and Ready=True.
-- Suspended: spec.suspend is true (the operator observes and acts on nothing).
-- Degraded: Synced=False (a missing or invalid PowerSchedule or override included), or Ready=False for a failure that will not resolve by waiting (ProviderError,
--   ServerSuspended, Unsupported, OneShotUncertain, NotInDesiredState under managementPolicy Observe, ProbeFailing:
--   the readiness probe failed failureThreshold times in a row).
-- Progressing: everything else (no status yet, generation not yet observed, Starting, Stopping, ActionPending,
--   ProbePending, WaitingForDependencies, being deleted).
local hs = {}

local function condition(conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function describe(c)
  local text = c.reason or c.type
  if c.message ~= nil and c.message ~= "" then
    text = text .. ": " .. c.message
  end
  return text
end

local failureReasons = {
  ProviderError = true,
  ServerSuspended = true,
  Unsupported = true,
  OneShotUncertain = true,
  NotInDesiredState = true,
  ProbeFailing = true,
}

if obj.metadata.deletionTimestamp ~= nil then
  hs.status = "Progressing"
  hs.message = "Being deleted"
  if obj.metadata.finalizers ~= nil and #obj.metadata.finalizers > 0 then
    hs.message = "Being deleted; waiting for finalizers: " .. table.concat(obj.metadata.finalizers, ", ")
  end
  return hs
end

if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "spec.suspend is true: the operator observes and acts on nothing"
  return hs
end

if obj.status == nil or obj.status.conditions == nil or #obj.status.conditions == 0 then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

if obj.status.observedGeneration == nil or obj.status.observedGeneration ~= obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(obj.metadata.generation)
  return hs
end

local synced = condition("Synced")
if synced ~= nil and synced.status == "False" then
  hs.status = "Degraded"
  hs.message = describe(synced)
  return hs
end

local ready = condition("Ready")
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready)
  return hs
end

if ready ~= nil and ready.status == "False" and failureReasons[ready.reason] then
  hs.status = "Degraded"
  hs.message = describe(ready)
  return hs
end

hs.status = "Progressing"
if ready ~= nil then
  hs.message = describe(ready)
else
  hs.message = "Waiting for the Ready condition"
end
return hs
