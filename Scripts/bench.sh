#!/bin/bash
# make bench: the figures the issues ask for, measured in one run on this machine.
# Speed is measured here, never in tests. Everything runs on 127.0.0.1 in a throwaway directory.
set -euo pipefail
BIN="${ROUNDS_BIN_DIR:?run through make bench}"
BENCH_BIN="$(dirname "$BIN")/release/rounds-bench"
[ -x "$BENCH_BIN" ] || BENCH_BIN="$BIN/rounds-bench"
W="$(mktemp -d "${TMPDIR:-/tmp}/rounds-bench-XXXXXX")"
chmod 700 "$W"
PATIENTS="${BENCH_PATIENTS:-200}"
LATENCY="${BENCH_LATENCY_MS:-20}"
CACHE_N="${BENCH_CACHE_PATIENTS:-100000}"
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }

echo "== Sync of $PATIENTS patients against rounds-sandbox --latency-ms $LATENCY"
"$BIN/rounds-sandbox" client add bench --tenant contoso --state "$W/sb" --secret-file "$W/secret" >/dev/null
"$BIN/rounds-sandbox" serve --state "$W/sb" --latency-ms "$LATENCY" --patients "$PATIENTS" --port-file "$W/port" >/dev/null 2>&1 &
SANDBOX=$!
trap 'kill $SANDBOX 2>/dev/null || true; tmux -L rounds-bench kill-server 2>/dev/null || true' EXIT
while [ ! -s "$W/port" ]; do sleep 0.1; done
PORT=$(cat "$W/port")
CLIENT=$("$BIN/rounds-sandbox" client ls --state "$W/sb" | cut -f2)
export ROUNDS_HOME="$W/home"
"$BIN/rounds" connect "http://127.0.0.1:$PORT/stu3" --client-id "$CLIENT" --tenant contoso --secret-file "$W/secret" --name bench >/dev/null
python3 - "$PATIENTS" > "$W/list.json" <<'PY'
import json, sys
n = int(sys.argv[1])
print(json.dumps({"format": "rounds-list", "version": 1, "name": "Bench", "columns": [], "exportedAt": "2026-11-26T00:00:00Z",
                  "patients": [{"id": "contos-%04d" % (i + 1), "notes": []} for i in range(n)]}))
PY
"$BIN/rounds" list import "$W/list.json" >/dev/null
# A first, untimed sync warms the sandbox (it builds a base's observations once, as a server has
# its data at rest) and the cache, so the two timed runs below do the same work.
"$BIN/rounds" sync --concurrency 6 --json > "$W/sync0.json"
t0=$(now); "$BIN/rounds" sync --concurrency 6 --json > "$W/sync1.json"; t1=$(now)
parallel=$(secs $t0 $t1)
echo '{"concurrency": 1}' > "$ROUNDS_HOME/config.json"
t0=$(now); "$BIN/rounds" sync --concurrency 1 --json > "$W/sync2.json"; t1=$(now)
sequential=$(secs $t0 $t1)
rm "$ROUNDS_HOME/config.json"
floor=$(echo "$PATIENTS * 2 * $LATENCY / 1000 / 6" | bc -l)
printf "sync, at most 6 requests at once: %.2f s wall (%s)\n" "$parallel" "$(python3 -c "import json;d=json.load(open('$W/sync1.json'));print(f\"synced {d['synced']}, unchanged {d['unchanged']}, failed {len(d['failed'])}\")")"
printf "floor %s x 2 requests x %s ms / 6: %.2f s -> ratio to floor %.2f (goal <= 1.5)\n" "$PATIENTS" "$LATENCY" "$floor" "$(echo "$parallel / $floor" | bc -l)"
printf "sequential, one request at a time: %.2f s -> parallel is %.1fx faster\n" "$sequential" "$(echo "$sequential / $parallel" | bc -l)"
# The peers of issue 17, against the same warmed sandbox: small clients that read every body and
# parse nothing (Scripts/sync_peer.py).
peer=$(python3 "$(dirname "$0")/sync_peer.py" per-patient "http://127.0.0.1:$PORT/stu3" "$CLIENT" "$W/secret" contoso "$PATIENTS")
batch_peer=$(python3 "$(dirname "$0")/sync_peer.py" batch "http://127.0.0.1:$PORT/stu3" "$CLIENT" "$W/secret" contoso "$PATIENTS")
printf "peers: per-patient, six in flight %.2f s; ten patients a batch %.2f s -> Rounds is %.2fx the first (goal <= 0.35) and %.2fx the second (goal <= 2)\n" \
    "$peer" "$batch_peer" "$(echo "$parallel / $peer" | bc -l)" "$(echo "$parallel / $batch_peer" | bc -l)"
cpu=$( { /usr/bin/time -f "%U %S" "$BIN/rounds" sync --concurrency 6 --json > /dev/null; } 2>&1 | tail -1)
printf "CPU of rounds sync (user + sys): %s s\n" "$(echo "$cpu" | awk '{print $1 + $2}')"
kill $SANDBOX 2>/dev/null || true

echo
echo "== Offline cache of $CACHE_N synthetic patients"
"$BENCH_BIN" make-cache "$W/big" "$CACHE_N" 1000
"$BENCH_BIN" search "$W/big"
ID=b000123
times=()
for i in $(seq 1 21); do
    t0=$(now); ROUNDS_HOME="$W/big" "$BIN/rounds" patient "$ID" --offline >/dev/null 2>&1; t1=$(now)
    times+=("$(secs $t0 $t1)")
done
printf "%s\n" "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "rounds patient ID --offline, whole process on that cache: median %.1f ms, max %.1f ms (21 runs)\n", a[int((NR+1)/2)]*1000, a[NR]*1000}'
# The fixed cost under every command: starting the process (loading the Swift runtime,
# Foundation and their libraries) with no work at all.
times=()
for i in $(seq 1 21); do
    t0=$(now); "$BIN/rounds" --version >/dev/null 2>&1; t1=$(now)
    times+=("$(secs $t0 $t1)")
done
printf "%s\n" "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "  of which process start-up alone (rounds --version): median %.1f ms (21 runs)\n", a[int((NR+1)/2)]*1000}'

echo
echo "== TUI with a list of 1000 patients"
"$BENCH_BIN" tui-virtual "$W/big"
tmux -L rounds-bench -f /dev/null new-session -d -x 120 -y 40 "TERM=xterm-256color '$BENCH_BIN' tui-real '$W/big' '$W/real.txt'; sleep 1"
for i in $(seq 1 100); do [ -s "$W/real.txt" ] && break; sleep 0.2; done
cat "$W/real.txt" 2>/dev/null || echo "(tmux run did not finish)"
tmux -L rounds-bench kill-server 2>/dev/null || true
# The whole process, as a nurse starts it: from fork/exec of `rounds` on a fresh pseudo-terminal
# (120x40) until the last bytes of the first full frame (list, detail, footer) arrive on it.
python3 - "$W/big" "$BIN/rounds" <<'PY'
import fcntl, os, pty, select, signal, struct, sys, termios, time
home, rounds = sys.argv[1], sys.argv[2]
markers = [b"1/1000", b"Vital", b" quit"]
times = []
for i in range(21):
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update({"ROUNDS_HOME": home, "TERM": "xterm-256color", "LANG": "C.UTF-8"})
        os.execv(rounds, [rounds])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen, done = b"", None
    while done is None and time.monotonic() - t0 < 10:
        if not select.select([fd], [], [], 0.5)[0]:
            continue
        try:
            seen += os.read(fd, 65536)
        except OSError:
            break
        if all(m in seen for m in markers):
            done = time.monotonic()
    times.append(((done or time.monotonic()) - t0) * 1000)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)
    time.sleep(0.3)
times.sort()
print("TUI start to first full frame, whole process (exec on a pty until the frame's bytes arrive, 21 runs): median %.1f ms, p90 %.1f ms, max %.1f ms"
      % (times[10], times[18], times[20]))
PY
# Read from the rounds process itself (exec: the pane's process is rounds, not a shell), once the
# list, the detail and the footer are on screen.
tmux -L rounds-bench -f /dev/null new-session -d -x 120 -y 40 "exec env ROUNDS_HOME='$W/big' TERM=xterm-256color '$BIN/rounds'"
for i in $(seq 1 100); do
    screen=$(tmux -L rounds-bench capture-pane -p 2>/dev/null || true)
    case "$screen" in *1/1000*Vital*quit*) break ;; esac
    sleep 0.1
done
PID=$(tmux -L rounds-bench display-message -p '#{pane_pid}')
echo "peak memory of rounds itself showing the 1000-patient list (VmHWM): $(grep VmHWM /proc/$PID/status | awk '{print $2/1024 " MB"}')"
tmux -L rounds-bench send-keys q
sleep 0.5
tmux -L rounds-bench kill-server 2>/dev/null || true

echo
echo "== Team database (PostgreSQL 15 on 127.0.0.1, two workstations)"
python3 "$(dirname "$0")/bench_team.py"
rm -rf "$W"
