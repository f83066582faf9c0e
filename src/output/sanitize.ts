// Feed text is untrusted: a title can carry escape sequences that retitle the terminal, clear it,
// or worse. Everything shown to people passes through here; NDJSON keeps the raw text.

// CSI (ESC [ … final), OSC (ESC ] … BEL or ST), other ESC sequences, and C1 controls.
const ANSI =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[@-Z\\-_]?|[\u0080-\u009f]/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
// Bidirectional controls (embeddings, overrides, isolates, marks; Unicode UAX #9) reorder what
// follows on the terminal: a title can make the next column or a URL read backwards
// ("Trojan Source", CVE-2021-42574).
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** stripControls removes ANSI escape sequences, control characters and bidi controls, keeping tab and newline. */
export function stripControls(s: string): string {
  return s.replace(ANSI, '').replace(CONTROL, '').replace(BIDI, '');
}

/** oneLine makes untrusted text safe and single-line for a table cell or a message. */
export function oneLine(s: string | null | undefined): string {
  return stripControls(s ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}
