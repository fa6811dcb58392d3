import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

/**
 * `npm run build`'s server half: bundles the server's entry points into plain JavaScript under
 * server/dist, so production runs `node server/dist/main.js` with no TypeScript loader.
 *
 * Our own code (server/src and @hearth/shared, whose package points at TypeScript sources) is
 * bundled; every other package stays an import of node_modules at run time, as the sources have it.
 * The bundles sit one folder below server/, as the sources do, so packages resolve from
 * server/node_modules first (where npm puts the server's own versions) and paths resolved from
 * `import.meta.url` still land in place: `../../web/build` is the web app, and `./migrations/` is
 * the copy of the SQL migrations made here.
 */

const SERVER = fileURLToPath(new URL('./', import.meta.url));
const OUT = `${SERVER}dist`;

/** What `npm run serve`, `npm run admin` and `npm run verify-records` run, by output name. */
const ENTRY_POINTS = {
  main: `${SERVER}src/main.ts`,
  admin: `${SERVER}src/admin/adminCli.ts`,
  'verify-records': `${SERVER}src/records/verifyCli.ts`
};

/** Leaves every package import to node_modules except our workspaces, which ship TypeScript. */
const nodeModulesExternal: Plugin = {
  name: 'node-modules-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || args.path.startsWith('@hearth/')) return undefined;
      return { path: args.path, external: true };
    });
  }
};

rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: ENTRY_POINTS,
  outdir: OUT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [nodeModulesExternal]
});
cpSync(`${SERVER}src/store/migrations`, `${OUT}/migrations`, { recursive: true });
process.stdout.write(`server bundled into ${OUT} (${Object.keys(ENTRY_POINTS).map((n) => `${n}.js`).join(', ')})\n`);
