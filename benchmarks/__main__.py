"""`python -m benchmarks` (make bench): every case in a process of its own, then results.json.

`--only mlp scalar` runs a subset (and keeps the other cases' last results); `--case NAME
--json PATH` is how the runner starts one case in its own process.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import environment

CASES = ("mlp", "overhead", "scalar", "adam", "conv", "build", "hvp")
RESULTS = Path(__file__).parent / "results.json"


def run_case(name: str) -> dict | None:
    """One case in a fresh Python process, so no case inherits another's warm caches or pools.

    A case that fails is reported and left out (its last results, if any, are kept).
    """
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, "-m", "benchmarks", "--case", name, "--json", out.name]
        if subprocess.run(command, check=False).returncode != 0:
            print(f"\n== {name}: FAILED (see the error above); its last results are kept")
            return None
        return json.loads(Path(out.name).read_text())


def show(name: str, case: dict) -> None:
    """Each table as median [q1, q3] and ratio to its reference, then the targets."""
    print(f"\n== {name}: {case['title']}")
    for g in case["groups"]:
        against = f"; ratio to {g['reference']}" if g["reference"] else ""
        print(f"  {g['title']} ({g['unit']}{against})")
        for row in g["rows"]:
            ratio = "" if row["ratio"] is None else f"{row['ratio']:6.2f}x"
            print(
                f"    {row['name']:22s} {row['median']:10.3f} [{row['q1']:.3f}, {row['q3']:.3f}] {ratio}"
            )
    for peer, why in case["skipped"].items():
        print(f"  skipped {peer}: {why}")
    for t in case["targets"]:
        mark = "met" if t["met"] else "MISSED"
        print(f"  target {t['what']}: {t['value']:.2f} {t['unit']} (≤ {t['limit']}) {mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=CASES, default=CASES)
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        case = importlib.import_module(f"benchmarks.{args.case}").run()
        args.json.write_text(json.dumps(case, default=float))
        return
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"cases": {}}
    results["environment"] = environment()
    start, failed = time.perf_counter(), []
    for name in args.only:
        case = run_case(name)
        if case is None:
            failed.append(name)
        else:
            results["cases"][name] = case
            show(name, case)
        results["cases"] = {n: results["cases"][n] for n in CASES if n in results["cases"]}
        RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"\n{RESULTS} written in {time.perf_counter() - start:.0f} s")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
