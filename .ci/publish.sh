#!/usr/bin/env bash
# The Dockerfile's publish command (no Docker engine here): proves the image's build step succeeds.
# Usage: .ci/publish.sh [output-dir]   (default: bin/publish, git-ignored)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$PWD/bin/publish}"
dotnet publish src/ServerPower.Operator -c Release -o "$out"
test -f "$out/ServerPower.Operator.dll" || { echo "publish: $out/ServerPower.Operator.dll is missing" >&2; exit 1; }
