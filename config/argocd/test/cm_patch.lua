-- Prints config/argocd/argocd-cm-patch.yaml from the health.lua files (a test keeps the committed file equal):
--   lua5.4 config/argocd/test/cm_patch.lua > config/argocd/argocd-cm-patch.yaml
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local kinds = { "ServerPower", "PowerProvider", "PowerSchedule" }

local out = {
  "# Installs the ServerPower, PowerProvider and PowerSchedule health checks into Argo CD (generated from",
  "# config/argocd/power.serverops.io/*/health.lua by config/argocd/test/cm_patch.lua; do not edit by hand).",
  "#   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file config/argocd/argocd-cm-patch.yaml",
  "apiVersion: v1",
  "kind: ConfigMap",
  "metadata:",
  "  name: argocd-cm",
  "  namespace: argocd",
  "data:",
}
for _, kind in ipairs(kinds) do
  local file = assert(io.open(here .. "/../power.serverops.io/" .. kind .. "/health.lua", "r"))
  local lua = file:read("a")
  file:close()
  out[#out + 1] = "  resource.customizations.health.power.serverops.io_" .. kind .. ": |"
  for line in lua:gmatch("(.-)\n") do
    out[#out + 1] = line == "" and "" or "    " .. line
  end
end
io.write(table.concat(out, "\n"), "\n")
