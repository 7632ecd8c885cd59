// The service worker (served at /sw.js by server/web/pwa.rs, with this build's version in
// place of __VERSION__, so a new deploy is a new worker and never mixes an old shell with new
// WASM modules).
//
// - The app shell (/pkg/: the WASM modules, their JS and CSS; /icons/) comes from the cache
//   of this version first; a file missing there is fetched and kept.
// - Pages, pictures, clips and photos go to the network first; an answer that may be kept
//   (200, and not `no-store` — a protected tier's never are) is kept in its tier's cache, so
//   a page opened once opens again offline. Offline, a page that was never opened answers
//   with a short page that says so.
// - Lock and a PIN change empty their tier's cache, so nothing of a locked tier is served
//   from it afterwards.
const VERSION = '__VERSION__';
const SHELL = `shell-${VERSION}`;
const TIERS = ['kids', 'adult'];
const tierCache = (tier) => `pages-${tier}`;
// Words streamed while a scene is written, and exports (large downloads): never kept.
const LIVE_OR_DOWNLOAD = /\/(words|ahead)$|\/export/;

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SHELL, ...TIERS.map(tierCache)]);
    for (const name of await caches.keys()) {
      if (!keep.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function tierOf(url) {
  const first = url.pathname.split('/')[1];
  return TIERS.includes(first) ? first : null;
}

// Whole answers only (a 206 slice of a clip cannot be kept), never a no-store one.
function keepable(response) {
  const control = response.headers.get('cache-control') || '';
  return response.status === 200 && response.type === 'basic' && !/no-store/.test(control);
}

async function keep(cacheName, request, response) {
  try {
    const cache = await caches.open(cacheName);
    await cache.put(request, response);
  } catch (full) {
    // Out of space, or an answer the cache refuses: the page still gets it.
  }
}

async function shellFirst(request) {
  const kept = await caches.match(request, { cacheName: SHELL });
  if (kept) return kept;
  const response = await fetch(request);
  if (keepable(response)) await keep(SHELL, request, response.clone());
  return response;
}

const OFFLINE_PAGE = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem">
<h1>You are offline</h1>
<p>This page has not been opened on this device before, so it is not saved here. Stories you
have opened before still open: go back, or try again when you are connected.</p>
<p><a href="javascript:history.back()">Go back</a></p></body></html>`;

async function networkFirst(request, tier) {
  try {
    const response = await fetch(request);
    if (keepable(response)) await keep(tierCache(tier), request, response.clone());
    return response;
  } catch (offline) {
    const kept = await caches.match(request, { cacheName: tierCache(tier), ignoreVary: true });
    if (kept) return kept;
    if (request.mode === 'navigate') {
      return new Response(OFFLINE_PAGE, {
        status: 503,
        headers: { 'content-type': 'text/html; charset=utf-8' },
      });
    }
    throw offline;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const tier = tierOf(url);
  if (request.method === 'POST') {
    const action = url.pathname.split('/')[2];
    if (tier && (action === 'lock' || action === 'pin')) {
      event.waitUntil(caches.delete(tierCache(tier)));
    }
    return;
  }
  // A clip asked for in slices is the browser's own business (and never kept).
  if (request.method !== 'GET' || request.headers.has('range')) return;
  if (url.pathname.startsWith('/pkg/') || url.pathname.startsWith('/icons/')) {
    event.respondWith(shellFirst(request));
  } else if (tier && !LIVE_OR_DOWNLOAD.test(url.pathname)) {
    event.respondWith(networkFirst(request, tier));
  }
});
