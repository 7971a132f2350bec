#!/usr/bin/env bash
# Installs what npm run test:images needs, from Debian's packages (root, apt-get):
#   podman          builds (buildah inside, no daemon) and runs the images
#   runc            the OCI runtime on hybrid cgroups, where crun 1.8 starts nothing
#   skopeo          reads the registry: digests, manifests, layer sizes
#   mmdebstrap      the local base images' Debian root file system
#   docker-registry the OCI registry the checks push to, on 127.0.0.1
# Idempotent: installs nothing when every tool is there. Without apt-get or root it names
# what is missing and fails, so the checks never run half-equipped.
set -euo pipefail
need=()
for tool in podman runc skopeo mmdebstrap docker-registry; do
  command -v "$tool" > /dev/null 2>&1 || need+=("$tool")
done
if [ ${#need[@]} -eq 0 ]; then
  echo "images/setup: $(podman --version), $(runc --version | head -n1), $(skopeo --version), mmdebstrap $(mmdebstrap --version | awk '{print $2}'), docker-registry $(docker-registry --version | awk '{print $3}') already installed"
  exit 0
fi
if ! command -v apt-get > /dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
  echo "images/setup: ${need[*]} missing; install Debian's packages: apt-get install ${need[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
echo "images/setup: installed ${need[*]} from Debian"
