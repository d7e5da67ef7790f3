#!/usr/bin/env bash
# Writes the operator's RBAC as the Helm chart renders it: only the Role and ClusterRole documents (the rules),
# as multi-document YAML, for the end-to-end suite to enforce on the operator's identity
# (EmulatorIdentity.FromRbacYaml reads this file).
# Usage: .ci/render-rbac.sh <out-file> [helm template arguments...]
#   e.g. .ci/render-rbac.sh /tmp/rbac.yaml --namespace ops --set 'watchNamespaces={team-a,team-b}'
# Defaults: release serverpower-operator, namespace serverpower-system (the leader-election Role's namespace).
# Needs helm (bash .ci/install-deploy-tools.sh installs it into .tools/bin).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 <out-file> [helm template arguments...]" >&2; exit 2; }
out=$1; shift
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/.tools/bin:$PATH"
command -v helm >/dev/null 2>&1 || { echo "helm is missing: run bash .ci/install-deploy-tools.sh" >&2; exit 1; }
rendered=$(helm template serverpower-operator "$root/charts/serverpower-operator" --namespace serverpower-system "$@")
# Keep the documents whose top-level kind is Role or ClusterRole.
printf '%s\n' "$rendered" | awk '
  function flush() { if (keep) printf "---\n%s", doc; doc = ""; keep = 0 }
  /^---/ { flush(); next }
  { doc = doc $0 "\n"; if ($0 ~ /^kind: (Cluster)?Role$/) keep = 1 }
  END { flush() }' > "$out"
grep -q '^kind: ' "$out" || { echo "render-rbac: no Role or ClusterRole rendered" >&2; exit 1; }
