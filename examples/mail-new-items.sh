#!/usr/bin/env bash
# Mail only the items stored since the last run. From cron:
#   0 * * * *  inkzee refresh --quiet; /path/to/mail-new-items.sh you@example.com
# Remembers the highest item id it mailed in ~/.local/state/inkzee/last-mailed-id. Items after an
# id come in id order (the order they were stored), so a mail takes the next 500 and the next run
# the rest; nothing is skipped, even when a refresh runs meanwhile.
set -eu
to="${1:?usage: mail-new-items.sh ADDRESS}"
state="${XDG_STATE_HOME:-$HOME/.local/state}/inkzee/last-mailed-id"
mkdir -p "$(dirname "$state")"
last=$(cat "$state" 2>/dev/null || echo 0)
new=$(inkzee items --after-id "${last:-0}" --limit 500 --json)
[ -n "$new" ] || exit 0
printf '%s\n' "$new" | jq -r '"\(.feedTitle // .feedUrl): \(.title // "(untitled)")\n  \(.link // "")\n"' \
  | mail -s "Inkzee: $(printf '%s\n' "$new" | wc -l) new items" "$to"
# Only once the mail is sent, and replaced whole (a cut-off write must not reset it to 0).
printf '%s\n' "$new" | jq -s 'map(.id) | max' > "$state.tmp"
mv "$state.tmp" "$state"
