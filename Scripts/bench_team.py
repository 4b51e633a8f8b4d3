#!/usr/bin/env python3
"""make bench, the team figures: a throwaway PostgreSQL 15 on 127.0.0.1 (SCRAM logins), two
workstations (two ROUNDS_HOMEs) of one team, the sandbox as the EHR.

1. A change on workstation A (a `rounds list add` or `remove`) until B's open TUI (under tmux)
   shows it, with no key pressed on B: median and p99 over 50 changes, timed from the moment A's
   command returned (its change committed) and from the moment it started.
2. `rounds list show` of a 1,000-patient list, local (no team connected) and as the team's list
   (the same cache, after `team connect` and `list share`): medians over 21 runs, and the ratio.
"""
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

BIN = os.environ["ROUNDS_BIN_DIR"]
PG = "/usr/lib/postgresql/15/bin"
AS_ROOT = os.getuid() == 0
CHANGES = int(os.environ.get("BENCH_TEAM_CHANGES", "50"))
BIG = int(os.environ.get("BENCH_TEAM_PATIENTS", "1000"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(argv, **kw):
    if AS_ROOT:
        argv = ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv
    return subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd="/tmp", **kw)


def rounds(home, *args, check=True):
    env = dict(os.environ, ROUNDS_HOME=home, TZ="UTC")
    done = subprocess.run([BIN + "/rounds", *args], env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        sys.exit(f"rounds {' '.join(args)} failed: {done.stderr}")
    return done


def write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    work = tempfile.mkdtemp(prefix="rounds-bench-team-")
    os.chmod(work, 0o700)
    pg_dir = tempfile.mkdtemp(prefix="rounds-bench-pg-", dir="/tmp")
    if AS_ROOT:
        shutil.chown(pg_dir, "postgres", "postgres")
    port = free_port()
    admin_password = "Synthetic-bench-admin"
    pwfile = os.path.join(pg_dir, "pw")
    with open(pwfile, "w") as f:
        f.write(admin_password)
    if AS_ROOT:
        shutil.chown(pwfile, "postgres", "postgres")
    sandbox = None
    tmux = ["tmux", "-L", "rounds-bench-team"]
    try:
        as_postgres([PG + "/initdb", "-D", pg_dir + "/data", "-A", "scram-sha-256", "-U", "rounds_admin",
                     "--pwfile", pwfile, "-E", "UTF8", "--no-instructions"])
        # TLS offered, as a hospital's database would (libpq's default sslmode=prefer takes it).
        as_postgres(["/usr/bin/openssl", "req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=rounds-bench",
                     "-keyout", pg_dir + "/server.key", "-out", pg_dir + "/server.crt"])
        os.chmod(pg_dir + "/server.key", 0o600)
        as_postgres([PG + "/pg_ctl", "-D", pg_dir + "/data", "-l", pg_dir + "/log", "-w", "start",
                     "-o", f"-k {pg_dir} -c listen_addresses=127.0.0.1 -p {port} -c ssl=on "
                           f"-c ssl_cert_file={pg_dir}/server.crt -c ssl_key_file={pg_dir}/server.key"])
        psql = [PG + "/psql", "-h", "127.0.0.1", "-p", str(port), "-U", "rounds_admin", "-v", "ON_ERROR_STOP=1"]
        env = dict(os.environ, PGPASSWORD=admin_password)
        subprocess.run(psql + ["-d", "postgres", "-c", "CREATE DATABASE rounds"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        admin_file = os.path.join(work, "admin-password")
        write_private(admin_file, admin_password)
        admin_url = f"postgresql://rounds_admin@127.0.0.1:{port}/rounds"
        admin_home = os.path.join(work, "admin")
        rounds(admin_home, "team", "init", admin_url, "--password-file", admin_file)
        files = {}
        for role in ("nurse_a", "nurse_b"):
            password = f"Synthetic-bench-{role}"
            subprocess.run(psql + ["-d", "rounds", "-c", f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"],
                           env=env, check=True, stdout=subprocess.DEVNULL)
            files[role] = os.path.join(work, role + "-password")
            write_private(files[role], password)
        rounds(admin_home, "team", "create", "bench", "--member", "nurse_a", "--member", "nurse_b",
               "--admin", admin_url, "--password-file", admin_file)

        state = os.path.join(work, "sandbox")
        secret = os.path.join(work, "secret")
        subprocess.run([BIN + "/rounds-sandbox", "client", "add", "bench", "--tenant", "contoso", "--state", state,
                        "--secret-file", secret], check=True, stdout=subprocess.DEVNULL)
        port_file = os.path.join(work, "sandbox-port")
        sandbox = subprocess.Popen([BIN + "/rounds-sandbox", "serve", "--state", state, "--patients", str(BIG),
                                    "--port-file", port_file], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not (os.path.exists(port_file) and os.path.getsize(port_file) > 0):
            time.sleep(0.05)
        with open(port_file) as f:
            sandbox_port = f.read().strip()
        client = subprocess.run([BIN + "/rounds-sandbox", "client", "ls", "--state", state], capture_output=True,
                                text=True, check=True).stdout.split("\t")[1].strip()
        homes = {role: os.path.join(work, role) for role in ("nurse_a", "nurse_b")}
        for home in homes.values():
            rounds(home, "connect", f"http://127.0.0.1:{sandbox_port}/r4", "--client-id", client, "--tenant",
                   "contoso", "--secret-file", secret, "--name", "ehr")
        a, b = homes["nurse_a"], homes["nurse_b"]

        # 2. The 1,000-patient list, local first.
        listing = os.path.join(work, "big.json")
        with open(listing, "w") as f:
            json.dump({"format": "rounds-list", "version": 1, "name": "Big", "columns": [],
                       "exportedAt": "2026-11-26T00:00:00Z",
                       "patients": [{"id": "contos-%04d" % (i + 1), "notes": []} for i in range(BIG)]}, f)
        rounds(a, "list", "import", listing)
        rounds(a, "sync", "--list", "Big")

        def show_times():
            times = []
            for _ in range(21):
                t0 = time.perf_counter()
                rounds(a, "list", "show", "Big")
                times.append(time.perf_counter() - t0)
            return statistics.median(times)

        local = show_times()
        url = f"postgresql://{{}}@127.0.0.1:{port}/rounds"
        for role, home in homes.items():
            rounds(home, "team", "connect", url.format(role), "--team", "bench", "--password-file", files[role])
        rounds(a, "list", "share", "Big")
        team = show_times()
        print(f"rounds list show of a {BIG}-patient list: local {local * 1000:.1f} ms, as the team's list "
              f"{team * 1000:.1f} ms (medians of 21) -> {team / local:.2f}x (goal <= 1.2x)")

        # 1. Live: A changes a small list, B's open TUI follows.
        rounds(a, "list", "create", "Live")
        rounds(a, "list", "add", "Live", "contos-0001", "contos-0002", "contos-0003", "contos-0004", "contos-0005")
        rounds(b, "sync", "--list", "Live")
        rounds(b, "list", "default", "Live")
        command = f"env ROUNDS_HOME={b} TERM=xterm-256color TZ=UTC LANG=C.UTF-8 {BIN}/rounds"
        subprocess.run(tmux + ["-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "120", "-y", "40", command],
                       check=True)

        def screen():
            return subprocess.run(tmux + ["capture-pane", "-p", "-t", "b"], capture_output=True, text=True).stdout

        def wait_for(text, timeout=10.0):
            until = time.perf_counter() + timeout
            while time.perf_counter() < until:
                if text in screen():
                    return time.perf_counter()
                time.sleep(0.002)
            sys.exit(f"B's TUI did not show {text!r}; screen:\n{screen()}")

        wait_for("Rounds ─ Live (5)")
        after_commit, from_start = [], []
        for n in range(CHANGES):
            adding = n % 2 == 0
            t0 = time.perf_counter()
            if adding:
                rounds(a, "list", "add", "Live", "contos-0006")
            else:
                rounds(a, "list", "remove", "Live", "contos-0006")
            committed = time.perf_counter()
            seen = wait_for("Rounds ─ Live (6)" if adding else "Rounds ─ Live (5)")
            after_commit.append(seen - committed)
            from_start.append(seen - t0)
        print(f"change on A -> visible on B's open TUI, {CHANGES} changes: from A's commit median "
              f"{statistics.median(after_commit) * 1000:.0f} ms, p99 {percentile(after_commit, 99) * 1000:.0f} ms "
              f"(goal p99 < 1000 ms); from the start of A's command median "
              f"{statistics.median(from_start) * 1000:.0f} ms, p99 {percentile(from_start, 99) * 1000:.0f} ms")
    finally:
        subprocess.run(tmux + ["kill-server"], stderr=subprocess.DEVNULL)
        if os.environ.get("BENCH_TEAM_KEEP"):
            print(f"kept: workstations {work}, database {pg_dir} on port {port}")
            return
        if sandbox:
            sandbox.kill()
        try:
            as_postgres([PG + "/pg_ctl", "-D", pg_dir + "/data", "-m", "fast", "-w", "stop"])
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(pg_dir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
