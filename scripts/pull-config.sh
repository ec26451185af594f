#!/usr/bin/env bash
# Pull mode for a Prometheus host: fetch this instance's files from promduty, write the
# ones that changed (atomically), and hot-reload Prometheus when anything changed.
# Run it from cron or a systemd timer, e.g. every minute.
#
#   PROMDUTY_URL=https://promduty.example.com PROMDUTY_TOKEN=... POOL_ID=3 \
#   INSTANCE=10.0.0.5:9090 CONFIG_DIR=/etc/prometheus/promduty scripts/pull-config.sh
#
# PROMDUTY_TOKEN is SD_TOKEN (or API_TOKEN). Prometheus must read
# $CONFIG_DIR/prometheus.yml and run with --web.enable-lifecycle (or set RELOAD_CMD,
# e.g. "systemctl reload prometheus"). Exit codes: 0 done (changed or not), 1 error.
set -euo pipefail

: "${PROMDUTY_URL:?set PROMDUTY_URL}" "${PROMDUTY_TOKEN:?set PROMDUTY_TOKEN}" "${POOL_ID:?set POOL_ID}" "${INSTANCE:?set INSTANCE (host:port)}"
CONFIG_DIR=${CONFIG_DIR:-/etc/prometheus/promduty}
PROMETHEUS_URL=${PROMETHEUS_URL:-http://$INSTANCE}
RELOAD_CMD=${RELOAD_CMD:-}
base="${PROMDUTY_URL%/}/api/v1/pools/${POOL_ID}/instances/${INSTANCE}"
auth=(-H "Authorization: Bearer ${PROMDUTY_TOKEN}")

log() { printf '%s pull-config: %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }

mkdir -p "$CONFIG_DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The file list carries each file's sha256; only files whose hash differs are fetched.
curl -fsS "${auth[@]}" "$base/files" -o "$tmp/files.json"
mapfile -t entries < <(node -e 'for (const f of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).items) console.log(`${f.hash} ${f.path}`)' "$tmp/files.json" 2>/dev/null ||
  python3 -c 'import json,sys; [print(f["hash"], f["path"]) for f in json.load(open(sys.argv[1]))["items"]]' "$tmp/files.json")

changed=0
for entry in "${entries[@]}"; do
  hash=${entry%% *}
  path=${entry#* }
  case "$path" in /*|*..*) log "refusing suspicious path $path"; exit 1 ;; esac
  target="$CONFIG_DIR/$path"
  if [ -f "$target" ] && [ "$(sha256sum "$target" | cut -d' ' -f1)" = "$hash" ]; then continue; fi
  mkdir -p "$(dirname "$target")"
  curl -fsS "${auth[@]}" "$base/files/$path" -o "$tmp/new"
  got=$(sha256sum "$tmp/new" | cut -d' ' -f1)
  [ "$got" = "$hash" ] || { log "hash mismatch for $path (config changed mid-pull?); try again"; exit 1; }
  chmod 0640 "$tmp/new"
  mv -f "$tmp/new" "$target"
  log "updated $path"
  changed=1
done

if [ "$changed" = 1 ]; then
  if command -v promtool >/dev/null; then promtool check config "$CONFIG_DIR/prometheus.yml" >/dev/null; fi
  if [ -n "$RELOAD_CMD" ]; then
    eval "$RELOAD_CMD"
  else
    curl -fsS -X POST "$PROMETHEUS_URL/-/reload"
  fi
  log "reloaded"
else
  log "up to date"
fi
