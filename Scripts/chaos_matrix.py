#!/usr/bin/env python3
"""make chaos: Rounds against every adversary profile of the sandbox.

For each profile: a sound sandbox is synced first (a 12-patient list), then the same partner comes
back on the same port as the adversary and Rounds is run against it under /usr/bin/time -v. The
report gives, per profile and command: exit status, the first line Rounds printed, peak memory,
time to give up, whether the cache still holds the list as before, and whether anything reached
another origin (the sandbox's request log).

Usage: ROUNDS_BIN_DIR=... python3 Scripts/chaos_matrix.py [PROFILE ...]
"""
import json, os, re, shutil, socket, subprocess, sys, tempfile, time

BIN = os.environ.get("ROUNDS_BIN_DIR") or sys.exit("set ROUNDS_BIN_DIR (run through make chaos)")
PROFILES = ["huge-body", "gzip-bomb", "deep-nesting", "slow-drip", "endless-next", "invalid-utf8",
            "wrong-content-type", "token-redirect", "token-other-origin", "token-plain-http"]
TOKEN_PROFILES = {"token-redirect", "token-other-origin", "token-plain-http"}
TIMEOUT = "5"
IDS = [f"contos-{n:04d}" for n in range(1, 13)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sandbox(state, port, log, chaos=None):
    args = [f"{BIN}/rounds-sandbox", "serve", "--state", state, "--port", str(port), "--log", log, "--patients", "20"]
    if chaos:
        args += ["--chaos", chaos]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.05)
    sys.exit("the sandbox did not start")


def timed(env, args):
    """Runs rounds under /usr/bin/time -v: (status, first output line, peak MiB, seconds)."""
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-v", f"{BIN}/rounds"] + args, env=env, capture_output=True, text=True,
                          errors="replace", timeout=600)
    seconds = time.monotonic() - start
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    lines = [l.strip() for l in (proc.stdout + "\n" + proc.stderr).splitlines()
             if l.strip() and not l.startswith("\t") and "Command being timed" not in l]
    # The reason first: Rounds' own message, then what it showed.
    said = [l for l in lines if l.startswith(("rounds:", "Stopped:", "failed"))] + [l for l in lines if l.startswith("Synced")] + lines
    return proc.returncode, (said[0] if said else ""), int(peak.group(1)) / 1024 if peak else -1, seconds


def rounds(env, args):
    return subprocess.run([f"{BIN}/rounds"] + args, env=env, capture_output=True, text=True, errors="replace")


def list_rows(env):
    shown = rounds(env, ["list", "show", "Ward", "--json"])
    try:
        rows = json.loads(shown.stdout)["patients"]
    except (ValueError, KeyError):
        return None
    return [(r["id"], r["cells"].get("name"), r["cells"].get("bed")) for r in rows]


def other_origin_requests(log):
    hosts = []
    for line in open(log, encoding="utf-8", errors="replace"):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        host = entry.get("host") or ""
        if host.startswith("localhost") or entry.get("path") == "/oauth/elsewhere":
            hosts.append(entry.get("path"))
    return hosts


def run_profile(profile):
    work = tempfile.mkdtemp(prefix="rounds-chaos-")
    state, secret = work + "/sandbox", work + "/secret"
    subprocess.run([f"{BIN}/rounds-sandbox", "client", "add", "chaos", "--tenant", "contoso", "--state", state,
                    "--secret-file", secret], check=True, capture_output=True)
    client_id = subprocess.run([f"{BIN}/rounds-sandbox", "client", "ls", "--state", state], check=True,
                               capture_output=True, text=True).stdout.split("\t")[1].strip()
    env = dict(os.environ, ROUNDS_HOME=work + "/home", ROUNDS_TIMEOUT=TIMEOUT, TZ="UTC")
    port = free_port()
    base = f"http://127.0.0.1:{port}/r4"
    connect = ["connect", base, "--client-id", client_id, "--tenant", "contoso", "--secret-file", secret, "--name", "ehr"]
    sound = start_sandbox(state, port, work + "/sound.jsonl")
    try:
        assert rounds(env, connect).returncode == 0
        rounds(env, ["list", "create", "Ward"])
        rounds(env, ["list", "add", "Ward"] + IDS)
        assert rounds(env, ["sync"]).returncode == 0
        before = list_rows(env)
    finally:
        sound.terminate(); sound.wait()
    log = work + "/chaos.jsonl"
    adversary = start_sandbox(state, port, log, chaos=profile)
    results = []
    try:
        commands = [connect] if profile in TOKEN_PROFILES else [["sync"], ["patient", IDS[0]], ["search", "--name", "zo"]]
        for command in commands:
            status, said, peak, seconds = timed(env, command)
            results.append((" ".join(command[:1] if command[0] == "connect" else command), status, said, peak, seconds))
    finally:
        adversary.terminate(); adversary.wait()
    intact = list_rows(env) == before and before is not None
    leaked = other_origin_requests(log)
    shutil.rmtree(work, ignore_errors=True)
    return results, intact, leaked


def main():
    sys.stdout.reconfigure(line_buffering=True)
    profiles = sys.argv[1:] or PROFILES
    print(f"ROUNDS_TIMEOUT={TIMEOUT}; a sound sync of {len(IDS)} patients first, then the adversary on the same port\n")
    print(f"{'profile':<19} {'command':<16} {'exit':>4} {'peak MiB':>8} {'seconds':>7}  cache   other origin  first line")
    failed = False
    for profile in profiles:
        results, intact, leaked = run_profile(profile)
        for command, status, said, peak, seconds in results:
            print(f"{profile:<19} {command:<16} {status:>4} {peak:>8.1f} {seconds:>7.1f}  "
                  f"{'intact' if intact else 'CHANGED':<7} {('none' if not leaked else 'REACHED'):<13} {said[:150]}")
            failed |= peak > 200 or seconds > 60 or status == 0 and profile in TOKEN_PROFILES
        failed |= not intact or bool(leaked)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
