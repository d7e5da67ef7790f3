#!/usr/bin/env bash
# The Dockerfile's publish command (CI has no Docker engine): proves the image's build step succeeds.
# Usage: .ci/publish.sh [output-dir]   (default: .tools/publish, git-ignored)
# Keep the command equal to the Dockerfile's RUN dotnet publish line (a deployment test compares them).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.tools/publish}"
dotnet publish src/ServerPower.Operator -c Release -o "$out" --nologo
test -f "$out/ServerPower.Operator.dll" || { echo "publish: $out/ServerPower.Operator.dll is missing" >&2; exit 1; }
# The image is the product alone: no emulator, simulator or CEL in it. YamlDotNet is shipped: KubernetesClient reads
# kubeconfig files with it out of cluster (in cluster it is never loaded).
test -f "$out/YamlDotNet.dll" || { echo "publish: $out/YamlDotNet.dll is missing (kubeconfig files cannot be read)" >&2; exit 1; }
for test_only in ServerPower.Sandbox.dll Cel.dll Antlr4.Runtime.Standard.dll; do
  if [ -e "$out/$test_only" ]; then echo "publish: $out/$test_only must not be in the operator image" >&2; exit 1; fi
done
