// The Google Reader API's routes (below the base path), in the dialect FreshRSS serves.
import type { Access, Handler, Route } from './api.js';
import { atomRoutes } from './atom.js';
import { cachedJson } from './cached.js';
import { editTag, markAllAsRead } from './edit-routes.js';
import { streamContents, streamItemContents, streamItemIds } from './stream-routes.js';
import { quickadd, subscriptionEdit, subscriptionExport, subscriptionList } from './subscription-routes.js';
import { disableTag, renameTag, tagList, unreadCount } from './tag-routes.js';

const API = '/reader/api/0/';

const route = (methods: readonly string[], path: string, access: Access, handler: Handler, rest = ''): Route => ({
  methods,
  pattern: new RegExp(`^${API.replace(/\//g, '\\/')}${path.replace(/\//g, '\\/')}${rest}$`),
  access,
  handler,
});

const GET = ['GET'] as const;
const POST = ['POST'] as const;

/** apiRoutes lists the reader API's routes other than the session ones (ClientLogin, token, user-info). */
export function apiRoutes(): Route[] {
  return [
    route(GET, 'subscription/list', 'read', subscriptionList),
    route(POST, 'subscription/edit', 'write', subscriptionEdit),
    route(POST, 'subscription/quickadd', 'write', quickadd),
    route(GET, 'subscription/export', 'read', subscriptionExport),
    // Both count every feed's unread items: kept while the data is unchanged.
    route(GET, 'tag/list', 'read', cachedJson('tag/list', tagList)),
    route(GET, 'unread-count', 'read', cachedJson('unread-count', unreadCount)),
    // The stream id may follow in the path (encoded or not: "feed%2F12", "user/-/label/Tech/Rust") or come as s=.
    route(GET, 'stream/contents', 'read', streamContents, '(?:\\/(.+))?'),
    route(GET, 'stream/items/ids', 'read', streamItemIds),
    // FeedMe posts the ids (a read, however it is sent).
    route(['GET', 'POST'], 'stream/items/contents', 'read', streamItemContents),
    route(POST, 'edit-tag', 'write', editTag),
    route(POST, 'mark-all-as-read', 'write', markAllAsRead),
    route(POST, 'rename-tag', 'write', renameTag),
    route(POST, 'disable-tag', 'write', disableTag),
    ...atomRoutes(),
  ];
}
