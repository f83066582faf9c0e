// Feed text is untrusted: a title can carry escape sequences that retitle the terminal, clear it,
// or worse. Everything shown to people passes through here; NDJSON keeps the raw text.

// CSI (ESC [ … final), OSC (ESC ] … BEL or ST), other ESC sequences, and C1 controls.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[@-Z\\-_]?|[\u0080-\u009f]/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** stripControls removes ANSI escape sequences and control characters, keeping tab and newline. */
export function stripControls(s: string): string {
  return s.replace(ANSI, '').replace(CONTROL, '');
}

/** oneLine makes untrusted text safe and single-line for a table cell or a message. */
export function oneLine(s: string | null | undefined): string {
  return stripControls(s ?? '').replace(/\s+/g, ' ').trim();
}
