#!/usr/bin/env bash
# Installs the command-line tools the deploy module's tests call, when they are missing:
#   kubectl         renders the Kustomize overlays (`kubectl kustomize`); where no apt source offers a
#                   kubectl package, Debian's kubernetes-client (kubectl 1.20 with kustomize v2.0.3,
#                   which deploy/k8s is written to work with)
#   docker-compose  validates docker-compose.yml (`docker-compose config`; Debian's v1 package)
# Idempotent and quiet: does nothing when both are on PATH; prints apt's output only if it fails.
set -euo pipefail

missing=()
command -v kubectl >/dev/null 2>&1 || missing+=(kubectl)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "deploy-tools: ${missing[*]} missing and no apt-get to install them" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
quietly() { "$@" >"$log" 2>&1 || { cat "$log" >&2; echo "deploy-tools: failed: $*" >&2; exit 1; }; }

quietly $SUDO apt-get update -q
packages=()
for tool in "${missing[@]}"; do
  case "$tool" in
    docker-compose) packages+=(docker-compose) ;;
    kubectl)
      if apt-cache policy kubectl 2>/dev/null | grep -q 'Candidate: [0-9]'; then packages+=(kubectl)
      else packages+=(kubernetes-client); fi ;;
  esac
done
# --no-install-recommends: docker-compose recommends the Docker engine, which the tests do not need
quietly $SUDO apt-get install -y -q --no-install-recommends "${packages[@]}"

for tool in "${missing[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "deploy-tools: $tool still missing after installing ${packages[*]}" >&2; exit 1; }
done
echo "deploy-tools: installed ${packages[*]}"
