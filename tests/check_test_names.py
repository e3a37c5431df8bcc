#!/usr/bin/env python3
# CTest splits a test's name at ';' (catch_discover_tests registers each part
# as a test of its own, which then matches no TEST_CASE and passes without
# running anything). Fails, naming them, when a TEST_CASE's name holds one.
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
name = re.compile(r'TEST_CASE\(((?:\s*"(?:[^"\\]|\\.)*")+)')
bad = []
for path in sorted(root.rglob("*.cpp")):
    for m in name.finditer(path.read_text(encoding="utf-8")):
        if ";" in m.group(1):
            line = path.read_text(encoding="utf-8").count("\n", 0, m.start()) + 1
            bad.append(f"{path}:{line}")
for b in bad:
    print(f"{b}: a TEST_CASE name holds ';', which CTest splits into tests that run nothing")
sys.exit(1 if bad else 0)
