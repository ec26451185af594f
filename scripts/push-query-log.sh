#!/usr/bin/env bash
# Sidecar for /rules suggest: sends the lines a Prometheus instance added to its query log
# (the pool's `queryLogFile`, rendered as global.query_log_file) to promduty, which ranks the
# repeated heavy queries and suggests record rules for them. Run it on the Prometheus host
# from cron or a systemd timer (e.g. every minute), or with FOLLOW=1 as a long-running loop.
#
#   PROMDUTY_URL=https://promduty.example.com PROMDUTY_TOKEN=... POOL_ID=3 \
#   INSTANCE=10.0.0.5:9090 QUERY_LOG=/var/log/prometheus/query.log scripts/push-query-log.sh
#
# PROMDUTY_TOKEN is SD_TOKEN (or API_TOKEN). What was sent is remembered in STATE_FILE
# (default: $QUERY_LOG.promduty-offset) as "<inode> <bytes sent>": only whole new lines go
# out, a line still being written waits for the next run, and a rotated (new inode) or
# truncated log is read from its start. Requests carry at most MAX_BYTES (512 KiB, promduty
# takes up to 1 MiB) and MAX_LINES lines; a single line longer than MAX_BYTES is skipped.
# Delivery is at least once: a run that dies between promduty's answer and saving the offset
# sends those lines again (the ranking counts them twice; it is a ranking).
# Exit codes: 0 done (sent or nothing new), 1 error (promduty refused or unreachable).
set -euo pipefail

: "${PROMDUTY_URL:?set PROMDUTY_URL}" "${PROMDUTY_TOKEN:?set PROMDUTY_TOKEN}" "${POOL_ID:?set POOL_ID}" "${INSTANCE:?set INSTANCE (host:port)}" "${QUERY_LOG:?set QUERY_LOG}"
STATE_FILE=${STATE_FILE:-$QUERY_LOG.promduty-offset}
MAX_BYTES=${MAX_BYTES:-524288}
MAX_LINES=${MAX_LINES:-5000}
FOLLOW=${FOLLOW:-0}
INTERVAL=${INTERVAL:-15}
url="${PROMDUTY_URL%/}/api/v1/pools/${POOL_ID}/instances/${INSTANCE}/query-log"

log() { printf '%s push-query-log: %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

push_once() {
  if [ ! -f "$QUERY_LOG" ]; then
    log "no $QUERY_LOG yet (is the pool's queryLogFile set and published?)"
    return 0
  fi
  local inode size offset saved_inode sent=0
  inode=$(stat -c %i "$QUERY_LOG")
  saved_inode=$inode
  offset=0
  if [ -f "$STATE_FILE" ]; then read -r saved_inode offset < "$STATE_FILE" || true; fi
  size=$(stat -c %s "$QUERY_LOG")
  if [ "$saved_inode" != "$inode" ] || [ "${offset:-0}" -gt "$size" ]; then
    log "the log was rotated or truncated: reading it from the start"
    offset=0
  fi
  while [ "$offset" -lt "$(stat -c %s "$QUERY_LOG")" ]; do
    local lines=$MAX_LINES bytes
    for (( ; ; )); do
      tail -c +"$((offset + 1))" "$QUERY_LOG" | head -n "$lines" > "$tmp/chunk"
      # A last line without its newline is still being written: it waits for the next run.
      if [ -s "$tmp/chunk" ] && [ "$(tail -c 1 "$tmp/chunk" | od -An -tx1 | tr -d ' \n')" != 0a ]; then sed -i '$d' "$tmp/chunk"; fi
      bytes=$(stat -c %s "$tmp/chunk")
      [ "$bytes" -le "$MAX_BYTES" ] && break
      if [ "$lines" -le 1 ]; then
        log "skipping a line of $bytes bytes (more than MAX_BYTES=$MAX_BYTES)"
        break
      fi
      lines=$((lines / 2))
    done
    [ "$bytes" -gt 0 ] || break
    if [ "$bytes" -le "$MAX_BYTES" ]; then
      # Checked here, not by set -e (which FOLLOW's `||` switches off): the offset must not move on a failure.
      if ! curl -fsS -X POST -H "Authorization: Bearer ${PROMDUTY_TOKEN}" -H 'Content-Type: application/x-ndjson' \
        --data-binary @"$tmp/chunk" "$url" > "$tmp/answer"; then
        log "promduty did not take the log at $url"
        return 1
      fi
      sent=$((sent + bytes))
    fi
    offset=$((offset + bytes))
    printf '%s %s\n' "$inode" "$offset" > "$STATE_FILE.tmp"
    mv -f "$STATE_FILE.tmp" "$STATE_FILE"
  done
  if [ "$sent" -gt 0 ]; then log "sent $sent bytes"; fi
}

if [ "$FOLLOW" = 1 ]; then
  for (( ; ; )); do
    push_once || log "push failed; trying again in ${INTERVAL}s"
    sleep "$INTERVAL"
  done
else
  push_once
fi
