// Installs the service worker (/sw.js) that keeps opened stories readable offline. A file of
// its own: the pages' Content-Security-Policy runs no inline script without its nonce.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {});
  });
}
