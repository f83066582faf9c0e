// Placeholder until the sanitizer lands: the signature the parse path calls.

/** sanitizeHtml makes feed HTML safe to embed and resolves its relative URLs against baseUrl. */
export function sanitizeHtml(html: string, baseUrl: string | null): string {
  void baseUrl;
  return html;
}
