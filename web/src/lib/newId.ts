/**
 * A fresh random id matching the protocol's Id pattern (^[A-Za-z0-9_-]{1,64}$): 128 bits as
 * base64url. Uses getRandomValues because crypto.randomUUID only exists in secure contexts, and
 * Hearth may be served over plain http on a clinic's LAN.
 */
export function newId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
