import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { asyncApiDocument } from './asyncapi.ts';
import { openApiDocument } from './openapi.ts';
import { fillMarkers, referenceTables } from './reference.ts';

const docs = (name: string) => fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url));

/** Where each generated document goes, and what it should hold now. */
export function generatedDocuments(): { path: string; content: string }[] {
  const protocol = docs('protocol.md');
  return [
    { path: docs('openapi.json'), content: `${JSON.stringify(openApiDocument(), null, 2)}\n` },
    { path: docs('asyncapi.yaml'), content: stringify(asyncApiDocument(), { lineWidth: 0 }) },
    { path: protocol, content: fillMarkers(readFileSync(protocol, 'utf8'), referenceTables()) }
  ];
}

/** The documents whose checked-in text differs from what would be generated now. */
export function staleDocuments(): string[] {
  return generatedDocuments()
    .filter(({ path, content }) => {
      try {
        return readFileSync(path, 'utf8') !== content;
      } catch {
        return true;
      }
    })
    .map(({ path }) => path);
}

// `npm run docs` writes them; `npm run docs -- --check` only says which are stale.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = staleDocuments();
    for (const path of stale) console.error(`stale: ${path} (run npm run docs)`);
    process.exit(stale.length > 0 ? 1 : 0);
  }
  for (const { path, content } of generatedDocuments()) {
    writeFileSync(path, content);
    console.log(`wrote ${path}`);
  }
}
