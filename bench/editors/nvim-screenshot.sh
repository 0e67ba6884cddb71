#!/usr/bin/env bash
# Screenshots of Neovim 0.11 (README's snippet) showing kbc's diagnostic and
# its quick fix menu, for docs/bench/editors.md. Run by hand after .ci/nvim
# (it reuses target/ci-tools/nvim-venv): nvim runs in a tmux pane, the pane
# is captured with its colours (capture-pane -e), turned into HTML by
# ansi2html (PyPI) and photographed by chromium.
# Usage: bench/editors/nvim-screenshot.sh [OUT_DIR] (default docs/bench/editors)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
out=${1:-docs/bench/editors}
mkdir -p "$out"
nvim=$repo/target/ci-tools/nvim-venv/bin/nvim
[ -x "$nvim" ] || { echo "run .ci/nvim first" >&2; exit 1; }
venv=$repo/target/ci-tools/shot-venv
[ -x "$venv/bin/ansi2html" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q ansi2html==1.9.5; }

work=$(mktemp -d)
trap 'tmux -L kbcshot kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
cp book.toml "$work/" && cp -r articles "$work/"
awk '/^- \*\*Neovim\*\*/ {n=1} n && /```lua/ {on=1; next} on && /```/ {exit} on' README.md | sed 's/^  //' > "$work/init.lua"
article=articles/microsoft.keyvault/keyvault-access-denied.md

tmux -L kbcshot -f /dev/null new-session -d -s shot -x 100 -y 30 \
  "cd $work && PATH=$repo/target/debug:\$PATH COLORTERM=truecolor XDG_CONFIG_HOME=$work/c XDG_STATE_HOME=$work/s XDG_DATA_HOME=$work/d $nvim -i NONE -u init.lua $article"
tmux -L kbcshot set -g default-terminal tmux-256color >/dev/null
tmux -L kbcshot set -as terminal-features ',*:RGB' >/dev/null
sleep 3
keys() { tmux -L kbcshot send-keys -t shot "$@"; sleep "${PAUSE:-1}"; }
# Line 13 is cloudEnvironments="...": type an unknown cloud at its start.
keys ':13' Enter
keys '0f"a' 'publik, ' Escape
PAUSE=3 keys 'b'
keys ':lua vim.diagnostic.open_float()' Enter
shoot() {
  tmux -L kbcshot capture-pane -e -p -t shot > "$work/$1.ansi"
  "$venv/bin/ansi2html" --scheme=xterm < "$work/$1.ansi" \
    | sed 's|</head>|<style>body{margin:0;background:#000;font:14px/1.2 "DejaVu Sans Mono",monospace}pre{margin:4px;white-space:pre;font:14px/1.2 "DejaVu Sans Mono",monospace}</style></head>|' > "$work/$1.html"
  chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=880,540 \
    --screenshot="$out/$1.png" "file://$work/$1.html" 2>/dev/null
  echo "$out/$1.png"
}
shoot nvim-diagnostic
keys Escape
PAUSE=2 keys ':lua vim.lsp.buf.code_action()' Enter
shoot nvim-quick-fix
