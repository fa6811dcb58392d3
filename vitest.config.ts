import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

/**
 * Four projects: the pure domain and the web app's client-side classes (fast, parallel; the web
 * specs compile Svelte runes), integration against real Postgres and Redis,
 * and end-to-end in headless Chromium. The last two share machine-wide services and run one file at a
 * time. The projects run one after another (groupOrder), so CPU-bound property tests, server
 * processes and Chromium never compete for a small machine's cores and stretch each other's waits.
 */
export default defineConfig({
  test: {
    // Prints how many messages the contract check validated, and how fast live updates were.
    globalSetup: ['tests/support/runSummary.ts'],
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      {
        plugins: [svelte({ configFile: false, compilerOptions: { runes: true } })],
        resolve: { conditions: ['browser'] },
        test: { name: 'web', include: ['tests/web/**/*.test.ts'], sequence: { groupOrder: 0 } }
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          setupFiles: ['tests/support/contractSetup.ts'],
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          setupFiles: ['tests/support/contractSetup.ts'],
          sequence: { groupOrder: 2 },
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 90_000
        }
      }
    ]
  }
});
