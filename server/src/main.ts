import { ConfigError, loadConfig } from './config.ts';
import { startServer } from './app.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo/seed.ts';
import { createLogger, errorMessage } from './log.ts';

/** Entry point: parse the environment, start, print how to get in, stop cleanly on a signal. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger);
  const base = config.publicOrigins?.[0] ?? server.url;
  const lines = [`Hearth is running at ${base}`, `  database: ${server.db.kind}${config.databaseUrl ? '' : ` (${config.dataDir})`}; presence and fan-out: ${config.redisUrl ? 'redis' : 'in-process'}`];
  if (config.demo) {
    lines.push('  demo sign-ins (password for all: ' + DEMO_PASSWORD + '):');
    for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.role.padEnd(11)} ${a.email}  (${a.displayName})`);
    // Fresh personal invites for three demo members at each start (earlier ones stop working).
    for (const link of await server.demoMemberLinks(DEMO_ACCOUNTS[0].email)) {
      lines.push(`  personal invite for member ${link.alias}: ${base}/join/${link.code}`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  // A machine-readable line for tests and process managers.
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: server.port, pid: process.pid })}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error('unclean stop', { error: errorMessage(e) });
        process.exit(1);
      }
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (e) => logger.error('unhandled rejection', { error: errorMessage(e) }));
}

main().catch((e: unknown) => {
  process.stderr.write(`Hearth failed to start: ${errorMessage(e)}\n`);
  process.exit(1);
});
