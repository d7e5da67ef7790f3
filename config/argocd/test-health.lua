-- Runs Argo CD health-check tests the way Argo CD's resource_customizations tests do: for each directory
-- holding health.lua and health_test.yaml, every test loads testdata/<fixture>.yaml as obj, runs health.lua
-- and compares the returned status and message.
-- Fixtures are YAML as in Argo CD; test/yaml.lua decodes the subset they use.
-- Usage: lua5.4 config/argocd/test-health.lua [dir...]   (no arguments: every such directory under config/argocd)
local here = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = here .. "/test/?.lua;" .. package.path
local yaml = require("yaml")

local statuses = { Healthy = true, Progressing = true, Degraded = true, Suspended = true, Missing = true, Unknown = true }

local dirs = {}
for i = 1, #arg do dirs[#dirs + 1] = arg[i] end
if #dirs == 0 then
  local find = io.popen("find '" .. here .. "' -name health.lua -printf '%h\\n' | sort")
  for dir in find:lines() do dirs[#dirs + 1] = dir end
  find:close()
end

-- What Argo CD's Lua VM offers a health script: the base library, string, table and math; no io, os or require.
local function sandbox(obj)
  return {
    obj = obj, ipairs = ipairs, pairs = pairs, next = next, type = type, tostring = tostring, tonumber = tonumber,
    select = select, error = error, pcall = pcall, string = string, table = table, math = math,
  }
end

local passed, failed = 0, 0
for _, dir in ipairs(dirs) do
  local ok, spec = pcall(yaml.load, dir .. "/health_test.yaml")
  if not ok or spec == nil or spec.tests == nil or #spec.tests == 0 then
    print("FAIL " .. dir .. ": no tests (" .. tostring(spec) .. ")")
    failed = failed + 1
  else
    for _, test in ipairs(spec.tests) do
      local name = dir .. "/" .. tostring(test.inputPath)
      local loaded, obj = pcall(yaml.load, dir .. "/" .. tostring(test.inputPath))
      local result, problem
      if not loaded then
        problem = obj
      else
        local chunk, err = loadfile(dir .. "/health.lua", "t", sandbox(obj))
        if chunk == nil then
          problem = err
        else
          local ran, hs = pcall(chunk)
          if not ran then problem = hs else result = hs end
        end
      end
      local want = test.healthStatus or {}
      if problem == nil then
        if type(result) ~= "table" or not statuses[result.status] then
          problem = "health.lua returned no valid status: " .. tostring(result and result.status)
        elseif result.status ~= want.status or result.message ~= want.message then
          problem = string.format("want %s %q, got %s %q", tostring(want.status), tostring(want.message),
            tostring(result.status), tostring(result.message))
        end
      end
      if problem == nil then
        passed = passed + 1
        print("ok   " .. name .. ": " .. result.status)
      else
        failed = failed + 1
        print("FAIL " .. name .. ": " .. problem)
      end
    end
  end
end

print(string.format("health tests: %d passed, %d failed", passed, failed))
os.exit(failed == 0 and passed > 0 and 0 or 1)
