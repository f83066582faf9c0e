// Route matching, separate from the HTTP server so that handlers can be tried in-process.
import { ApiError, type Route } from './api.js';

/** RouteMatch is the route a path and method found, with the pattern's captures. */
export interface RouteMatch {
  route: Route;
  captures: string[];
}

/** matchRoute finds the route for a path and method: 404 if no pattern matches, 405 (with Allow) if none takes the method. */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const allowed = new Set<string>();
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.methods.includes(method)) return { route, captures: m.slice(1).map((c) => c ?? '') };
    for (const x of route.methods) allowed.add(x);
  }
  if (allowed.size === 0) throw new ApiError(404, `no such endpoint: ${path}`);
  // HEAD is answered wherever GET is (node:http sends no body for it).
  if (method === 'HEAD' && allowed.has('GET')) return matchRoute(routes, 'GET', path);
  if (allowed.has('GET')) allowed.add('HEAD');
  throw new ApiError(405, `${method} is not allowed here`, { Allow: [...allowed].join(', ') });
}
