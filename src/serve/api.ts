// The serve stage's own types: what a route handler receives and returns. The HTTP server
// (server.ts) turns a node:http request into an ApiRequest after authenticating it, and an
// ApiReply or an ApiError back into a response; handlers never see node:http.
import type { Config } from '../config.js';
import type { Store } from '../store/contract.js';
import type { AnswerCache } from './answer-cache.js';
import type { MarkQueue } from './mark-queue.js';

/** ApiRequest is one authenticated API call as a handler sees it. */
export interface ApiRequest {
  /** The HTTP method, upper case. */
  method: string;
  /**
   * The path below the base path, percent-decoding left to the handler (a stream id may hold an
   * encoded "/"): "/reader/api/0/stream/contents/feed%2F12".
   */
  path: string;
  /** The route's captures, e.g. the stream id after "stream/contents/" (still encoded). */
  captures: string[];
  /** The query string's parameters then the form body's, repeated keys kept (`i=…&i=…`). */
  params: URLSearchParams;
  /** The user logged in (the one user of this database); '' on routes that need no auth. */
  user: string;
  /** The client's address, for messages and the login limiter. */
  remote: string;
}

/** ApiReply is what a handler answers: a JSON value, plain text, or XML. */
export type ApiReply =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  /** JSON already serialized as UTF-8 (a cached answer's bytes), its parts sent one after the other. */
  | { status?: number; jsonBytes: readonly Buffer[]; headers?: Record<string, string> }
  | { status?: number; text: string; headers?: Record<string, string> }
  | { status?: number; xml: string; headers?: Record<string, string> };

/** ApiError is a refusal with an HTTP status and a short reason, never a stack trace. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** ServeEnv is what every handler may use: the store, the resolved config and a clock. */
export interface ServeEnv {
  readonly store: Store;
  readonly cfg: Config;
  readonly now: () => Date;
  /** Answers of reads kept while the store's data is unchanged (none: every read is computed). */
  readonly cache?: AnswerCache;
  /** edit-tag's marks, written in groups (none: each request writes its own). */
  readonly marks?: MarkQueue;
}

/**
 * Access says what a route needs: nothing (ClientLogin), the Auth token (reads), or the Auth
 * token and the T token too (writes; the server checks T before the handler runs).
 */
export type Access = 'none' | 'read' | 'write';

/** Handler answers one API call. */
export type Handler = (req: ApiRequest, env: ServeEnv) => Promise<ApiReply>;

/** Route binds a path pattern (anchored, below the base path) and methods to a handler. */
export interface Route {
  /** Methods answered; others get 405 with an Allow header. */
  methods: readonly string[];
  /** Anchored pattern; its groups become ApiRequest.captures. */
  pattern: RegExp;
  access: Access;
  handler: Handler;
}
