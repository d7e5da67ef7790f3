#!/usr/bin/env bash
# crds/ is the source of truth; the Helm chart and the kustomize base carry identical copies
# (Helm reads only its chart directory, kustomize only files below its kustomization). A test fails when they differ.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in charts/serverpower-operator/crds config/crd/bases; do
  mkdir -p "$dir"
  rm -f "$dir"/*.yaml
  cp crds/*.yaml "$dir"/
done
