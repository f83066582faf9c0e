#!/usr/bin/env bash
# Mail only the items stored since the last run. From cron:
#   0 * * * *  inkzee refresh --quiet; /path/to/mail-new-items.sh you@example.com
# Remembers the highest item id it mailed in ~/.local/state/inkzee/last-mailed-id.
set -eu
to="${1:?usage: mail-new-items.sh ADDRESS}"
state="${XDG_STATE_HOME:-$HOME/.local/state}/inkzee/last-mailed-id"
mkdir -p "$(dirname "$state")"
last=$(cat "$state" 2>/dev/null || echo 0)
new=$(inkzee items --after-id "$last" --json)
[ -n "$new" ] || exit 0
printf '%s\n' "$new" | jq -r '"\(.feedTitle // .feedUrl): \(.title // "(untitled)")\n  \(.link // "")\n"' \
  | mail -s "Inkzee: $(printf '%s\n' "$new" | wc -l) new items" "$to"
printf '%s\n' "$new" | jq -s 'map(.id) | max' > "$state"
