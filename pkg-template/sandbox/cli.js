#!/usr/bin/env node
// Runs the sandbox as a process for tests in other runtimes (Deno, workerd).
// Prints exactly one JSON line, {"url":...,"pid":...}, once listening; logs go to stderr.
import { parseArgs } from 'node:util';
import { startSandbox } from './index.js';

const USAGE = `usage: node cli.js [--port N] [--host H] [--api-key K]... [--webhook-secret S]
                   [--leased-number +1555...]... [--no-fast-track] [--log]`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'webhook-secret': { type: 'string' },
      'leased-number': { type: 'string', multiple: true },
      'no-fast-track': { type: 'boolean' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.error(USAGE);
    process.exit(0);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('--port must be an integer from 0 to 65535');
  return {
    port,
    host: values.host,
    apiKeys: values['api-key'],
    webhookSecret: values['webhook-secret'],
    leasedNumbers: values['leased-number'],
    fastTrack: !values['no-fast-track'],
    log: values.log ?? false,
  };
}

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    // parseArgs messages name the option, never its value, so no secret is printed.
    console.error(`contiguity-sandbox: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  const sandbox = await startSandbox(options);
  const stop = async () => {
    await sandbox.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ url: sandbox.url, pid: process.pid })}\n`);
}

main().catch((error) => {
  console.error(`contiguity-sandbox: ${error.message}`);
  process.exit(1);
});
