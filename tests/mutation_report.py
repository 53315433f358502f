"""The mutation score of each module after `mutmut run`, against tests/mutation-survivors.md.

Reads mutmut's results (mutants/**/*.py.meta) and prints, per module, how many mutants the unit
tests killed and the score without the survivors the file calls equivalent (or out of mutmut's
reach: code run at import); then every survivor the file does not explain. Exits 1 if there is
one, or if a module scores below 95 %. Run by `make mutate`; `mutmut show NAME` shows a mutant.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
SURVIVORS = ROOT / "tests" / "mutation-survivors.md"
TARGET = 0.95  # of non-equivalent mutants killed, in each module
KILLED = {1, 3, 24, -24, 36, 152, 255, 37}  # mutmut's exit codes: failed, timed out, type error
EXCLUDED = {"equivalent", "not reached by mutmut"}  # sections left out of the score
ENTRY = re.compile(r"^- `([^`]+)`")  # "- `backprop.engine.x_apply__mutmut_3`: why"


def explained(path: Path = SURVIVORS) -> dict[str, str]:
    """Each listed survivor, with the section it is under ("equivalent", "not worth a test"...)."""
    section, found = "", {}
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            section = line[3:].strip().lower()
        elif match := ENTRY.match(line):
            found[match[1]] = section
    return found


def outcomes() -> dict[str, dict[str, int | None]]:
    """mutmut's exit code of each mutant, by module (a file mutmut mutated)."""
    found = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if codes:
            found[str(meta.relative_to(MUTANTS)).removesuffix(".meta")] = codes
    return found


def main() -> int:
    listed = explained()
    rows = ["| module | mutants | killed | survived | left out | score | score without them |"]
    rows.append("|---|---:|---:|---:|---:|---:|---:|")
    unexplained, low = [], []
    for module, codes in outcomes().items():
        tally = Counter(
            "killed" if c in KILLED else "unchecked" if c is None else "survived"
            for c in codes.values()
        )
        survivors = [
            name for name, code in codes.items() if code is not None and code not in KILLED
        ]
        equivalent = sum(listed.get(name) in EXCLUDED for name in survivors)
        unexplained += [name for name in survivors if name not in listed]
        checked = len(codes) - tally["unchecked"]
        score = tally["killed"] / (checked - equivalent) if checked > equivalent else 1.0
        if score < TARGET:
            low.append(module)
        rows.append(
            f"| {module} | {checked} | {tally['killed']} | {len(survivors)} | {equivalent} "
            f"| {tally['killed'] / checked:.1%} | {score:.1%} |"
            if checked
            else f"| {module} | 0 | – | – | – | – | – |"
        )
    print("\n".join(rows))
    print(f"\nSurvivors not explained in {SURVIVORS.relative_to(ROOT)}: {len(unexplained)}")
    print("\n".join(f"- `{name}`" for name in unexplained))
    if low:
        print(f"\nBelow {TARGET:.0%} of non-equivalent mutants killed: {', '.join(low)}")
    return 1 if unexplained or low else 0


if __name__ == "__main__":
    sys.exit(main())
