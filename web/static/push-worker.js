// Hearth's service worker: shows crisis alerts that arrive by Web Push while no Hearth page is open,
// and opens the board when the notification is clicked. The payload holds no clinical content.
self.addEventListener('push', (event) => {
  let notice = null;
  try {
    notice = event.data ? event.data.json() : null;
  } catch {
    notice = null;
  }
  const url = notice && typeof notice.sessionUrl === 'string' ? notice.sessionUrl : '/';
  event.waitUntil(
    self.registration.showNotification('Crisis flag in a live session', {
      body: 'A colleague raised a crisis flag. Open Hearth to see the board.',
      tag: `crisis-${url}`,
      requireInteraction: true,
      data: { url }
    })
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/';
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const w of windows) {
        if (new URL(w.url).pathname === new URL(url, self.location.origin).pathname && 'focus' in w) return w.focus();
      }
      return self.clients.openWindow(url);
    })
  );
});
