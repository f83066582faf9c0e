#!/usr/bin/env bash
# Shell recipes from the README, runnable offline once `npm install` has run. They use a
# throw-away database; the crawl recipes need network (or see `npm run demo`).
set -eu
export INKZEE_DB="${INKZEE_DB:-$(mktemp -d)/inkzee.db}"
cd "$(dirname "$0")"
inkzee() { node ../bin/inkzee.js "$@"; }

inkzee import scoble.opml --no-fetch                       # store Scoble's subscriptions
inkzee import nested.opml --no-fetch
inkzee feeds --category Technology                          # a folder and its subfolders
inkzee feeds --json | jq -r 'select(.category == "") | .url' | head -3
inkzee feeds --format tsv | cut -f8 | head -3
inkzee export | grep -c '<outline type="rss"'               # OPML back out, to stdout
inkzee export | inkzee --db "$(mktemp -d)/copy.db" import - --no-fetch   # through a pipe
inkzee items --since 1d --json | jq -r .link                # nothing yet: crawl first
inkzee stats
inkzee classify models
# With network:  inkzee import scoble.opml   |   inkzee refresh --quiet   |   inkzee search rust
