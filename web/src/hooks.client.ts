// Zod compiles its object parsers with `new Function` once it has probed that eval is allowed; the
// pages' Content-Security-Policy allows no eval, and the browser reports even the caught probe as a
// violation. Parsing without compiling is fast enough for what a page parses. This runs before any
// schema is built (the pages' modules load after the client hooks), and sets zod's own global
// configuration in place, so it holds whether zod's module has been evaluated yet or not.
const zodConfig = ((globalThis as { __zod_globalConfig?: { jitless?: boolean } }).__zod_globalConfig ??= {});
zodConfig.jitless = true;
