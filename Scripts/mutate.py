#!/usr/bin/env python3
"""make mutate: applies each named mutation of Scripts/mutations.txt to a clean copy of HEAD,
runs the test filter it names, and fails unless every mutation is caught (a test fails).

Usage: mutate.py [NAME-SUBSTRING]   (only the mutations whose name contains it)
The copy lives in a temporary directory; the working tree is never touched.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def mutations(path):
    blocks, current = [], {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            if current:
                blocks.append(current)
                current = {}
            continue
        key, _, value = line.partition(": ")
        current[key] = value
    if current:
        blocks.append(current)
    return blocks


def run(args, cwd, env=None, log=None):
    return subprocess.run(args, cwd=cwd, env=env, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT).returncode


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    selected = [m for m in mutations(os.path.join(ROOT, "Scripts", "mutations.txt")) if re.search(only, m["name"])]
    work = tempfile.mkdtemp(prefix="rounds-mutate-")
    copy = os.path.join(work, "tree")
    subprocess.run(["git", "clone", "-q", "--local", ROOT, copy], check=True)
    env = dict(os.environ, TZ="UTC", ROUNDS_CORPUS=os.path.join(copy, "Tests", "Corpus"))
    venv = os.path.join(ROOT, ".build", "pyvenv", "bin", "python")
    if os.path.exists(venv):
        env["ROUNDS_PYTHON"] = venv
    log_path = os.path.join(work, "mutate.log")
    started = time.time()
    with open(log_path, "w") as log:
        print("mutate: building the unmutated tree in %s" % copy, flush=True)
        if run(["swift", "build", "--build-tests"], copy, env, log) != 0:
            print("mutate: the unmutated tree does not build; see %s" % log_path)
            return 2
        env["ROUNDS_BIN_DIR"] = subprocess.run(["swift", "build", "--show-bin-path"], cwd=copy, capture_output=True,
                                               text=True).stdout.strip()
        survived, invalid = [], []
        for number, m in enumerate(selected, 1):
            path = os.path.join(copy, m["file"])
            original = open(path, encoding="utf-8").read()
            if original.count(m["from"]) != 1:
                invalid.append((m["name"], "'from' occurs %d times" % original.count(m["from"])))
                print("  %2d %-58s INVALID (from not found once)" % (number, m["name"]), flush=True)
                continue
            open(path, "w", encoding="utf-8").write(original.replace(m["from"], m["to"]))
            t0 = time.time()
            try:
                log.write("\n=== %s\n" % m["name"])
                log.flush()
                if run(["swift", "build", "--build-tests"], copy, env, log) != 0:
                    invalid.append((m["name"], "does not compile"))
                    verdict = "INVALID (does not compile)"
                elif run(["swift", "test", "--skip-build", "--filter", m["filter"]], copy, env, log) != 0:
                    verdict = "killed"
                else:
                    survived.append(m["name"])
                    verdict = "SURVIVED"
            finally:
                open(path, "w", encoding="utf-8").write(original)
            print("  %2d %-58s %s (%.0f s, %s)" % (number, m["name"], verdict, time.time() - t0, m["filter"]), flush=True)
        # Leave the copy as it was built, for a rerun by hand.
        run(["swift", "build", "--build-tests"], copy, env, log)
    killed = len(selected) - len(survived) - len(invalid)
    print("mutate: %d of %d mutations killed, %d survived, %d invalid, in %.0f s (log: %s)"
          % (killed, len(selected), len(survived), len(invalid), time.time() - started, log_path))
    if not survived and not invalid:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if not survived and not invalid else 1


if __name__ == "__main__":
    sys.exit(main())
