#!/usr/bin/env bash
# The Dockerfile's publish command (CI has no Docker engine): proves the image's build step succeeds.
# Usage: .ci/publish.sh [output-dir]   (default: .tools/publish, git-ignored)
# Keep the command equal to the Dockerfile's RUN dotnet publish line (a deployment test compares them).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.tools/publish}"
dotnet publish src/ServerPower.Operator -c Release -o "$out" --nologo
test -f "$out/ServerPower.Operator.dll" || { echo "publish: $out/ServerPower.Operator.dll is missing" >&2; exit 1; }
