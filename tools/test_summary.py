#!/usr/bin/env python3
"""Print the `scons test` summary from result files; exit 1 on any failure.

usage: test_summary.py RESULT_JSON...
"""
import json
import sys


def main():
    passed = failed = 0
    bad = []
    for path in sys.argv[1:]:
        try:
            with open(path) as f:
                r = json.load(f)
        except (OSError, ValueError):
            bad.append((path, "no result"))
            failed += 1
            continue
        passed += r["passed"]
        failed += r["failed"]
        if r["failed"]:
            bad.append((r["name"], r["log"]))
    print()
    for name, log in bad:
        print(f"FAILED: {name} (log: {log})")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
