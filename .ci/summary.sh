#!/usr/bin/env bash
# The summary .ci/run prints after the tests, from the TRX files of the run: the simulation's and the systematic
# tests' lines, each skipped test with its reason, and, as the last line, exactly `Tests: N passed, N failed, N skipped`.
# Usage: bash .ci/summary.sh RESULTS_DIR EXIT_STATUS_OF_DOTNET_TEST   (exits 0 only when both say nothing failed)
set -uo pipefail
results="$1"
status="$2"

# The deterministic simulation's summary (seeds, steps, faults, destructive requests, violations, then the counts of
# the later features' flows: schedules=… overrides=… probes=… order=… autostop=…).
grep -ho 'simulation: seeds=[0-9]* steps=[0-9]* faults=[0-9]* destructive=[0-9]* violations=[0-9]*\( [a-z]*=[0-9]*\)*' "$results"/*.trx 2>/dev/null | head -n 1
# The systematic concurrency tests' summary (runs of the real runtime, distinct schedules, steps, violations).
grep -ho 'systematic: iterations=[0-9]* schedules=[0-9]* steps=[0-9]* violations=[0-9]*' "$results"/*.trx 2>/dev/null | head -n 1

# Each skipped test and why: xunit v3 writes the reason as the result's ErrorInfo message. python3's XML parser reads
# the TRX (a grep would miss escaped or multi-line reasons).
python3 - "$results"/*.trx <<'PY' || true
import sys
import xml.etree.ElementTree as ET

ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        continue
    for result in root.iterfind(".//t:UnitTestResult[@outcome='NotExecuted']", ns):
        reason = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=ns)
        print(f"skipped: {result.get('testName')}: {' '.join(reason.split()) or 'no reason given'}")
PY

passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
  get() { echo "$counters" | grep -o "$1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # xunit v3 skips show up as tests counted in total but not executed.
  skipped=$((skipped + $(get total) - $(get executed)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
