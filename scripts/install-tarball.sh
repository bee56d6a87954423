#!/bin/sh
# Installs a community package from its `npm pack` tarball into n8n's community-package folder with the steps of n8n's
# own installer (n8n 1.123 and 2.x, packages/cli/src/modules/community-packages/community-packages.service.ts,
# downloadPackage), which only differs in fetching the tarball from the registry first:
#   1. unpack it into <nodes>/node_modules/<name>, replacing what was there;
#   2. drop its dev, peer and optional dependencies (n8n provides n8n-workflow itself);
#   3. `npm install` its runtime dependencies from the registry in that folder, with n8n's flags;
#   4. record <name>: <version> in <nodes>/package.json, n8n's ledger of installed packages.
# Usage: install-tarball.sh <tarball> [<nodes folder>]   (default: ${N8N_USER_FOLDER:-$HOME}/.n8n/nodes)
# Then restart n8n (every process of it: main, workers, webhook processes). Needs node, npm and tar.
set -eu

tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
nodes=${2:-${N8N_USER_FOLDER:-$HOME}/.n8n/nodes}

manifest=$(tar -xzOf "$tarball" package/package.json)
name=$(printf '%s' "$manifest" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).name')
version=$(printf '%s' "$manifest" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).version')
dir="$nodes/node_modules/$name"

mkdir -p "$nodes"
[ -f "$nodes/package.json" ] || printf '{\n  "name": "installed-nodes",\n  "private": true,\n  "dependencies": {}\n}\n' >"$nodes/package.json"

rm -rf "$dir"
mkdir -p "$dir"
tar -xzf "$tarball" -C "$dir" --strip-components=1
cd "$dir"
npm pkg delete devDependencies peerDependencies optionalDependencies
npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow --ignore-scripts=true --package-lock=false
cd "$nodes"
npm pkg set "dependencies.$name=$version"
echo "Installed $name $version into $dir; restart n8n to load it."
