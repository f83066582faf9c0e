// The session endpoints, in FreshRSS's shapes (p/api/greader.php): ClientLogin, the T token and
// user-info. Every other route is in routes.ts.
import { ApiError, type ApiReply, type Route } from './api.js';
import { writeToken, type Auth } from './auth.js';
import { LoginLimiter } from './limiter.js';

/** sessionRoutes answers logins, tokens and user-info from the stored credentials. */
export function sessionRoutes(auth: Auth, limiter = new LoginLimiter()): Route[] {
  const credentials = async () => {
    const c = await auth.credentials();
    if (!c) throw new ApiError(401, 'Unauthorized', { 'X-Reader-Google-Bad-Token': 'true' });
    return c;
  };
  return [
    {
      // GET too: some clients send the password in the query (the access log never shows it).
      methods: ['POST', 'GET'],
      pattern: /^\/accounts\/ClientLogin$/,
      access: 'none',
      handler: async (req): Promise<ApiReply> => {
        const wait = limiter.retryAfter(req.remote);
        if (wait) throw new ApiError(429, 'too many failed logins; try again later', { 'Retry-After': String(wait) });
        const email = req.params.get('Email');
        const passwd = req.params.get('Passwd');
        if (email === null || passwd === null) throw new ApiError(400, 'Email and Passwd are required');
        // Counted as failed until it succeeds, so that guesses sent all at once meet the limit too.
        limiter.failed(req.remote);
        const token = await auth.login(email, passwd);
        if (token === undefined) return { status: 401, text: 'Error=BadAuthentication\n' };
        limiter.forgive(req.remote);
        // LSID=null as FreshRSS sends it: Vienna RSS expects the line.
        return { text: `SID=${token}\nLSID=null\nAuth=${token}\n` };
      },
    },
    {
      methods: ['GET', 'POST'],
      pattern: /^\/reader\/api\/0\/token$/,
      access: 'read',
      // FreshRSS answers the token followed by a newline.
      handler: async (): Promise<ApiReply> => ({ text: `${writeToken(await credentials())}\n` }),
    },
    {
      methods: ['GET'],
      pattern: /^\/reader\/api\/0\/user-info$/,
      access: 'read',
      handler: async (req): Promise<ApiReply> => ({
        json: { userId: req.user, userName: req.user, userProfileId: req.user, userEmail: '' },
      }),
    },
  ];
}
