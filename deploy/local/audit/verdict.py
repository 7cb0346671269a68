"""Read one pip-audit run (its JSON report and its log) and say what it found.

Exit 0: every pinned package was audited and none has a known vulnerability.
Exit 1: known vulnerabilities (listed, with the versions that fix them).
Exit 2: the source was not reachable, or audited nothing (pip-audit itself would report "No known
vulnerabilities" when every package was skipped): the reason is printed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(source: str, report_path: str, log_path: str) -> int:
    log = Path(log_path).read_text(errors="replace").strip().splitlines()
    try:
        report = json.loads(Path(report_path).read_text() or "null")
    except ValueError:
        report = None
    if not report:
        last = next((line for line in reversed(log) if line.strip()), "no output")
        print(f"pip-audit ({source}): not reachable: {last[:300]}")
        return 2
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        why = skipped[0]["skip_reason"] if skipped else "no dependencies in the report"
        print(f"pip-audit ({source}): audited none of {len(dependencies)} packages ({why})")
        return 2
    found = [(d, v) for d in audited for v in d.get("vulns", [])]
    for dependency, vuln in found:
        fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
        print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})")
    for dependency in skipped:
        print(f"pip-audit ({source}): not audited: {dependency['skip_reason']}")
    status = f"{len(found)} known vulnerabilities" if found else "no known vulnerabilities"
    print(f"pip-audit ({source}): {len(audited)} of {len(dependencies)} packages audited, {status}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
