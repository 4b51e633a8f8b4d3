#!/bin/sh
# make demo: start the sandbox partner on a free port with a demo client, connect Rounds to it,
# and show it working. Everything lives in a throwaway directory; the sandbox stops on exit.
set -eu
BIN="${ROUNDS_BIN_DIR:?run through make demo}"
DEMO="${ROUNDS_DEMO_DIR:-${TMPDIR:-/tmp}/rounds-demo-$(id -u)}"
rm -rf "$DEMO"; mkdir -p "$DEMO"; chmod 700 "$DEMO"
VERSION="${ROUNDS_DEMO_VERSION:-stu3}"

"$BIN/rounds-sandbox" client add demo --tenant contoso --state "$DEMO/sandbox" --secret-file "$DEMO/secret" >/dev/null
CLIENT_ID=$("$BIN/rounds-sandbox" client ls --state "$DEMO/sandbox" | cut -f2)
"$BIN/rounds-sandbox" serve --state "$DEMO/sandbox" --port-file "$DEMO/port" --log "$DEMO/requests.jsonl" >"$DEMO/sandbox.out" 2>&1 &
SANDBOX=$!
trap 'kill $SANDBOX 2>/dev/null || true' EXIT INT TERM
i=0; while [ ! -s "$DEMO/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
PORT=$(cat "$DEMO/port")
export ROUNDS_HOME="$DEMO/home"
"$BIN/rounds" connect "http://127.0.0.1:$PORT/$VERSION" --client-id "$CLIENT_ID" --tenant contoso --secret-file "$DEMO/secret" --name sandbox
if [ -f Scripts/demo-tui.sh ] && [ -t 0 ] && [ -t 1 ]; then
    . Scripts/demo-tui.sh
else
    echo; echo "$ rounds search --name zo"; "$BIN/rounds" search --name zo
    echo; echo "$ rounds patient contos-0002"; "$BIN/rounds" patient contos-0002
fi
