import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build' }),
    // Pages are served by the Hearth server through the adapter's handler; the API lives beside it.
    csrf: { trustedOrigins: [] },
    // The pages' Content-Security-Policy: the server's (server/src/http/securityHeaders.ts) with a
    // nonce for SvelteKit's bootstrap script, so no inline script runs without one. src/hooks.server.ts
    // adds the page's own ws: and wss: origin to connect-src.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        // Svelte sets style attributes (and the page shell has one); styles cannot run code.
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'worker-src': ['self'],
        'manifest-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['none'],
        'form-action': ['self'],
        'frame-ancestors': ['none']
      }
    }
  }
};
export default config;
