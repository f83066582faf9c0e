// The Google Reader API's routes (below the base path), in the dialect FreshRSS serves.
import type { Route } from './api.js';
import { atomRoutes } from './atom.js';

/** apiRoutes lists the reader API's routes other than the session ones (ClientLogin, token, user-info). */
export function apiRoutes(): Route[] {
  return [...atomRoutes()];
}
