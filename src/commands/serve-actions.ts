// `inkzee serve`'s action, in its own module so that no other command loads the server.
import type { Context } from './context.js';
import { UsageError } from '../errors.js';
import { parseNumber, NUMERIC_FLAGS } from './flags.js';
import { checkUser, parseBasePath, parseListen, serveCommand, setPasswordCommand, DEFAULT_BASE_PATH, DEFAULT_LISTEN } from './serve.js';
import { readSecretLine } from './secret-input.js';
import type { AccessEntry } from '../serve/server.js';

type ServeFlags = {
  listen?: string;
  basePath?: string;
  setPassword?: boolean;
  user?: string;
  headersTimeout?: string;
  requestTimeout?: string;
};

/** serveAction runs `inkzee serve`, or with --set-password sets the API password from standard input. */
export async function serveAction(ctx: Context, opts: ServeFlags): Promise<void> {
  if (opts.setPassword) {
    if (opts.listen !== undefined || opts.basePath !== undefined)
      throw new UsageError('--set-password sets the password and serves nothing: drop --listen and --base-path');
    const user = opts.user === undefined ? undefined : checkUser(opts.user);
    const password = await readSecretLine('API password for reader apps: ');
    const name = await setPasswordCommand(ctx, user, password);
    if (ctx.cfg.json) ctx.out.record({ type: 'password', user: name });
    ctx.out.info(`password set for user ${name}`);
    return;
  }
  if (opts.user !== undefined) throw new UsageError('--user goes with --set-password (the user is stored with the password)');
  const listen = parseListen(opts.listen ?? DEFAULT_LISTEN);
  const basePath = parseBasePath(opts.basePath ?? DEFAULT_BASE_PATH);
  const seconds = (flag: '--headers-timeout' | '--request-timeout', v: string | undefined) =>
    v === undefined ? undefined : parseNumber(flag, v, NUMERIC_FLAGS['--timeout']) * 1000;
  await serveCommand(ctx, {
    listen,
    basePath,
    headersTimeoutMs: seconds('--headers-timeout', opts.headersTimeout),
    requestTimeoutMs: seconds('--request-timeout', opts.requestTimeout),
    // The access log: one NDJSON line per request with --json; people get none (stderr keeps to start-up and faults).
    log: ctx.cfg.json ? accessLog(ctx) : undefined,
    started: (url, database) => ctx.out.info(`inkzee: serving the Google Reader API at ${url} (database ${database})`),
  });
}

/** accessLog writes one NDJSON line per request on stdout; if stdout goes away it says so once and serves on. */
function accessLog(ctx: Context): (e: AccessEntry) => void {
  let open = true;
  return (e) => {
    if (!open) return;
    try {
      ctx.out.record({ type: 'request', ...e });
      ctx.out.flush();
    } catch (err) {
      open = false;
      ctx.out.warn(`the access log cannot be written (${(err as Error).message}); serving on without it`);
    }
  };
}
