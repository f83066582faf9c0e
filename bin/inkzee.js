#!/usr/bin/env node
// Thin launcher: all behaviour lives in the compiled CLI. Loading it takes a few hundred
// milliseconds; a SIGINT or SIGTERM in that time is kept and handed to it (a worker stopped as it
// starts exits as stopped, 0, rather than killed by the signal).
const early = [];
const keep = (signal) => early.push(signal);
process.on('SIGINT', keep);
process.on('SIGTERM', keep);
const { main } = await import('../dist/cli.js');
process.off('SIGINT', keep);
process.off('SIGTERM', keep);
main(process.argv, early);
