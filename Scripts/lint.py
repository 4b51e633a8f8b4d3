#!/usr/bin/env python3
"""make lint, beyond swift-format: what keeps the code readable for the next engineer.

- no line of Swift longer than 120 characters (swift-format cannot wrap a long string literal);
- each file is named after the type it holds (an extension file `Type+Topic.swift` extends Type);
  every `…Command` lives in a file of its own name;
- no audit write that drops its failure (`try?` on an audit record).
Prints each violation as FILE:LINE: what, and exits 1 if there is any.
"""
import os
import re
import subprocess
import sys

LIMIT = 120
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
files = subprocess.run(["git", "ls-files", "Sources/*.swift", "Tests/*.swift", "Package.swift"], cwd=root,
                       capture_output=True, text=True, check=True).stdout.split()
problems = []
declaration = re.compile(r"^(?:public |internal |private |fileprivate |final |indirect |@\w+ )*"
                         r"(?:struct|enum|class|protocol|actor) (\w+)", re.M)
for path in files:
    text = open(os.path.join(root, path), encoding="utf-8").read()
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > LIMIT:
            problems.append(f"{path}:{number}: {len(line)} characters (at most {LIMIT})")
        if re.search(r"try\?\s*(?:\w+\.)*(?:audit|trail)\w*\.record\(|try\?\s*AuditHook\.", line):
            problems.append(f"{path}:{number}: an audit write whose failure is dropped (try?)")
    if not path.startswith("Sources/"):
        continue
    name = os.path.basename(path)[:-len(".swift")]
    types = declaration.findall(text)
    if "+" in name:
        extended = name.split("+")[0]
        if not re.search(r"^(?:public )?extension " + re.escape(extended) + r"\b", text, re.M):
            problems.append(f"{path}: named as an extension of {extended}, which it does not extend")
    elif types and name not in types and name not in ("Exports", "main"):
        problems.append(f"{path}: holds {', '.join(types)}, not {name}")
    for command in (t for t in types if t.endswith("Command") and t != name):
        problems.append(f"{path}: {command} belongs in {command}.swift")
for problem in problems:
    print(problem)
if problems:
    print(f"lint: {len(problems)} problems", file=sys.stderr)
    sys.exit(1)
