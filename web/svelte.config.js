import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build' }),
    // Pages are served by the Hearth server through the adapter's handler; the API lives beside it.
    csrf: { trustedOrigins: [] }
  }
};
export default config;
