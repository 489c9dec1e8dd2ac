#!/usr/bin/env bash
# Validates the Kubernetes manifests (deploy/k8s/*.yaml but kustomization.yaml) against the Kubernetes API schemas,
# strictly (an unknown field is an error), with kubeconform. Both are installed once into the cache
# (${LINKER_CACHE_DIR:-~/.cache/linker-ts}) from package registries, since kubeconform's default download of the
# schemas (from GitHub) cannot be reached from every machine:
#   - kubeconform, built from the Go module proxy (as scripts/services/up.sh builds FerretDB);
#   - the schemas, from PyPI's kubernetes-validate wheel (it ships them for each Kubernetes minor version), made
#     loadable by a local validator: each file's "$id" (a kubernetes.io URL) is dropped, its references to
#     "/api/_definitions.json" point at the file beside it, and it declares the draft it is written in (2020-12).
# Usage: bash scripts/k8s-validate.sh [FILES…]   LINKER_K8S_VERSION picks the Kubernetes version (1.35.0).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${LINKER_CACHE_DIR:-$HOME/.cache/linker-ts}"
kubeconform_version=v0.8.0
schemas_version=1.37.0 # kubernetes-validate
k8s_version="${LINKER_K8S_VERSION:-1.35.0}"
bin="$cache/kubeconform-$kubeconform_version/kubeconform"
schemas="$cache/k8s-schemas-$schemas_version"

if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "error: go is needed to build kubeconform" >&2; exit 1; }
  echo "building kubeconform $kubeconform_version from the Go module proxy…" >&2
  json="$(go mod download -json "github.com/yannh/kubeconform@$kubeconform_version")"
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")"
  [ -n "$dir" ] && [ -d "$dir" ] || { echo "$json" >&2; echo "error: go mod download gave no module directory" >&2; exit 1; }
  mkdir -p "$(dirname "$bin")"
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=readonly" go build -trimpath -o "$bin.tmp" ./cmd/kubeconform)
  mv "$bin.tmp" "$bin"
fi

if [ ! -d "$schemas/v$k8s_version-local-strict" ]; then
  echo "fetching the Kubernetes $k8s_version schemas (PyPI kubernetes-validate $schemas_version)…" >&2
  rm -rf "$schemas.tmp" && mkdir -p "$schemas.tmp"
  python3 -m pip download -q --no-deps --only-binary=:all: -d "$schemas.tmp" "kubernetes-validate==$schemas_version" >&2
  wheel="$(ls "$schemas.tmp"/kubernetes_validate-*.whl)"
  python3 - "$wheel" "$schemas.tmp" "v$k8s_version-local-strict" <<'PY'
import json, sys, zipfile
wheel, out, version = sys.argv[1:]
prefix = f"kubernetes_validate/kubernetes-json-schema/{version}/"
names = [n for n in zipfile.ZipFile(wheel).namelist() if n.startswith(prefix) and n.endswith(".json")]
if not names:
    sys.exit(f"no schemas for {version} in {wheel}")
import os
os.makedirs(f"{out}/{version}")
with zipfile.ZipFile(wheel) as z:
    for name in names:
        schema = json.loads(z.read(name))
        schema.pop("$id", None)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        text = json.dumps(schema).replace('"/api/_definitions.json#', '"_definitions.json#')
        with open(f"{out}/{version}/{name[len(prefix):]}", "w") as f:
            f.write(text)
print(f"{len(names)} schemas", file=sys.stderr)
PY
  rm -f "$wheel"
  mkdir -p "$schemas" && rm -rf "$schemas/v$k8s_version-local-strict"
  mv "$schemas.tmp/v$k8s_version-local-strict" "$schemas/" && rm -rf "$schemas.tmp"
fi

if [ "$#" -eq 0 ]; then
  set -- $(find "$repo/deploy/k8s" -name '*.yaml' ! -name kustomization.yaml | sort)
fi
"$bin" -strict -summary -kubernetes-version "$k8s_version" \
  -schema-location "$schemas/{{ .NormalizedKubernetesVersion }}-local-strict/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$@"
