#!/usr/bin/env bash
# Shell recipes from the README; each line works as written once `npm install` has run.
set -eu
export INKZEE_DB="${INKZEE_DB:-$(mktemp -d)/inkzee.db}"
cd "$(dirname "$0")"
inkzee() { node ../bin/inkzee.js "$@"; }

inkzee import scoble.opml --no-fetch                      # store Scoble's subscriptions
inkzee import nested.opml --no-fetch
inkzee feeds --category Technology                         # a folder and its subfolders
inkzee feeds --json | jq -r 'select(.category == "") | .url' | head -3
inkzee export | grep -c '<outline type="rss"'              # OPML back out, to stdout
