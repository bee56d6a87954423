#!/bin/sh
# Entry point of docker/Dockerfile's image: puts the pack the image carries into n8n's community-package folder, then
# runs n8n's own entry point with the same arguments. At every start, because /home/node/.n8n is usually a volume:
# Docker copies an image's files into a volume only when it creates it, so a newer image would otherwise keep
# loading the version the volume was created with.
set -eu
name=n8n-nodes-whatsapp-cloud
staged=/opt/n8n-nodes-whatsapp-cloud/nodes
nodes="${N8N_USER_FOLDER:-$HOME}/.n8n/nodes"

mkdir -p "$nodes/node_modules"
# Copied beside it first and then moved, so an interrupted copy never leaves half a package for n8n to load.
rm -rf "$nodes/node_modules/.$name.new"
cp -R "$staged/node_modules/$name" "$nodes/node_modules/.$name.new"
rm -rf "$nodes/node_modules/$name"
mv "$nodes/node_modules/.$name.new" "$nodes/node_modules/$name"
# n8n's ledger of installed packages, as its installer keeps it.
if [ -f "$nodes/package.json" ]; then
	version=$(node -p 'require(process.argv[1]).version' "$staged/node_modules/$name/package.json")
	(cd "$nodes" && npm pkg set "dependencies.$name=$version")
else
	cp "$staged/package.json" "$nodes/package.json"
fi

exec /docker-entrypoint.sh "$@"
