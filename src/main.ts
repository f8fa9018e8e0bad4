import { ConfigError, loadConfig } from './config/config.js';
import { startService } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const service = await startService(config);
  service.log.info('listening', {
    url: service.url,
    llm: config.llm.provider,
    knowledgeBase: config.kb.provider,
    deadlineMs: config.server.deadlineMs,
  });

  // First signal: drain (in-flight turns finish, each within its deadline). A second signal, or
  // SHUTDOWN_DRAIN_MS, ends what is left with its final frame. Exit 0 once every call is closed.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      service.log.warn('second signal: ending the remaining turns now', { signal });
      service.lifecycle.cutTurns();
      return;
    }
    stopping = true;
    const drainMs = config.hardening.shutdownDrainMs;
    service.log.info('stopping', { signal, drainMs });
    // Last resort should closing itself hang: never linger past the drain plus a margin.
    setTimeout(() => process.exit(1), drainMs + 15_000).unref();
    void service.shutdown(drainMs).then((how) => {
      service.log.info('stopped', { how });
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
