#!/usr/bin/env bash
# Re-runs the fault-injection tests (src/test/java/dev/nasflow/it/fault: worker crashes with the table and the DJL
# trainer, supervised worker slots, broker, server and service crashes, bad input, SASL_SSL) and prints the figures
# each one wrote to target/reliability/<scenario>.json as a Markdown
# table, with the test durations from the Surefire reports.
#   bash ops/scripts/reliability.sh            # run, print the table
#   bash ops/scripts/reliability.sh --write    # run, and replace the figures section of docs/RELIABILITY.md
#   bash ops/scripts/reliability.sh --report   # no run: table from the last run's files
#   bash ops/scripts/reliability.sh --write-report   # no run: write the last run's table (e.g. after the full suite)
# Env: MVN_ARGS (e.g. -o for offline), RELIABILITY_TESTS (Surefire -Dtest pattern, default all of it.fault).
# Exit status: non-zero when a test failed (the table is still printed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mode="${1:-}"
figures="target/reliability"
status=0
if [ "$mode" != "--report" ] && [ "$mode" != "--write-report" ]; then
  # the server-restart and service-crash scenarios need the real `temporal` binary (.venv); they skip without it
  bash ops/scripts/setup-python.sh || echo "reliability: no temporal binary; the dev-server scenarios will be skipped" >&2
  rm -f "$figures"/*.json
  set +e
  mvn -B ${MVN_ARGS:-} test -Dtest="${RELIABILITY_TESTS:-dev.nasflow.it.fault.*Test}" \
      -Dsurefire.failIfNoSpecifiedTests=false
  status=$?
  set -e
fi
table="$(python3 - "$figures" target/surefire-reports <<'EOF'
import glob, json, os, sys, xml.etree.ElementTree as ET
figures, reports = sys.argv[1], sys.argv[2]
secs = {}
for f in glob.glob(os.path.join(reports, "TEST-dev.nasflow.it.fault.*.xml")):
    for tc in ET.parse(f).getroot().iter("testcase"):
        secs[tc.get("classname").rsplit(".", 1)[-1] + "." + tc.get("name").split("(")[0]] = float(tc.get("time"))
order = ["worker-crash", "djl-worker-crash", "worker-slots", "broker-restart", "server-restart", "server-restart-async", "service-crash",
         "bad-spec-workflows", "bad-runtime-input", "secure-kafka"]
rows = {}
for f in glob.glob(os.path.join(figures, "*.json")):
    with open(f) as fh:
        d = json.load(fh)
    rows[d["scenario"]] = d
if not rows:
    print("(no figures: run the tests first)")
    sys.exit(0)
core = ["scenario", "test", "injected", "loaded", "lost", "duplicated", "resumed"]
print("| scenario | test | injected | loaded | lost | duplicated | resumed | other counts | test s |")
print("|---|---|---|---:|---:|---:|---:|---|---:|")
for name in sorted(rows, key=lambda n: order.index(n) if n in order else len(order)):
    d = rows[name]
    other = ", ".join(f"{k}={json.dumps(v, separators=(',', ':')) if isinstance(v, (dict, list)) else v}"
                      for k, v in d.items() if k not in core)
    t = secs.get(d.get("test", ""), None)
    cells = [name, "`" + d.get("test", "") + "`", d.get("injected", ""), d.get("loaded", ""), d.get("lost", ""),
             d.get("duplicated", ""), d.get("resumed", "-"), other, f"{t:.0f}" if t is not None else "-"]
    print("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
EOF
)"
echo "$table"
if [ "$mode" = "--write" ] || [ "$mode" = "--write-report" ]; then
  python3 - docs/RELIABILITY.md "$table" "$mode" <<'EOF'
import datetime, re, sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
how = ("the full test suite, `bash ops/scripts/test.sh`; table by `bash ops/scripts/reliability.sh --write-report`"
       if len(sys.argv) > 3 and sys.argv[3] == "--write-report" else "`bash ops/scripts/reliability.sh --write`")
block = f"<!-- figures:begin -->\nLast run {stamp} ({how}):\n\n{table}\n<!-- figures:end -->"
new, n = re.subn(r"<!-- figures:begin -->.*?<!-- figures:end -->", lambda m: block, text, flags=re.S)
if n != 1:
    sys.exit("docs/RELIABILITY.md has no <!-- figures:begin --> ... <!-- figures:end --> section")
open(path, "w").write(new)
print(f"reliability: figures written to {path}")
EOF
fi
exit $status
