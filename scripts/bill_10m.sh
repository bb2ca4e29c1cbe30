#!/usr/bin/env bash
# Generates EVENTS billable events (default 10,000,000) the way `preflight check` writes them — SHA-256
# ids, one image each, spread over November 2026, every 100th line a repeat of the line before it — then
# rates them with `preflight bill` under tencent-ims-cn (first-activation trial and one 720万 pack) and
# prints events/s and peak RSS (from /usr/bin/time -v).
#
# Usage: scripts/bill_10m.sh [EVENTS] [WORK_DIR]
#   PREFLIGHT=path/to/preflight (default build/preflight; scripts/build.sh builds it)
#   KEEP=1 keeps the generated file (about 3.4 GB for 10 M events) in WORK_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-10000000}"
work="${2:-$(mktemp -d)}"
preflight="${PREFLIGHT:-build/preflight}"
file="$work/events.jsonl"
account="$work/account.json"
mkdir -p "$work"

echo "generating $events events into $file" >&2
python3 - "$events" "$file" <<'PY'
import hashlib, sys, time
count, path = int(sys.argv[1]), sys.argv[2]
first = 1_793_462_400  # 2026-10-31T16:00:00Z = 2026-11-01 00:00 Beijing time
step = 30 * 86_400 / count
with open(path, "w", buffering=1 << 22) as out:
    line = ""
    for i in range(count):
        if i % 100 == 99:  # a re-sent event: same id, billed once
            out.write(line)
            continue
        digest = hashlib.sha256(b"ims|/corpus/%d.jpg" % i).hexdigest()
        local = time.gmtime(first + int(i * step) + 8 * 3600)  # written in Beijing time
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S+08:00", local)
        line = ('{"specversion":"1.0","type":"preflight.billable.v1","source":"preflight","id":"%s",'
                '"time":"%s","subject":"/corpus/%d.jpg","data":{"service":"ims","units":1,"frames_sampled":1,'
                '"sha256":"%s","bytes":183422,"profile":"tencent-ims"}}\n') % (digest, stamp, i, digest)
        out.write(line)
PY
echo '{"activated": "2026-11-01", "trial": true,
 "packs": [{"service": "ims", "size": 7200000, "bought": "2026-10-15"}]}' > "$account"

ls -l "$file" >&2
/usr/bin/time -v "$preflight" bill --plan tencent-ims-cn --account "$account" "$file" \
  > "$work/invoice.txt" 2> "$work/time.txt" || true
grep '^preflight bill' "$work/time.txt" >&2
tail -n 1 "$work/invoice.txt" >&2
elapsed=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
seconds=$(echo "$elapsed" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
awk -v n="$events" -v s="$seconds" -v kb="$rss_kb" \
  'BEGIN { printf "%d events in %.1f s: %.0f events/s, peak RSS %.1f MB\n", n, s, n / s, kb / 1024 }'
[[ "${KEEP:-0}" == 1 ]] || rm -f "$file"
