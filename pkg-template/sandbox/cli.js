#!/usr/bin/env node
// `npx contiguity-imessage-sandbox`: the sandbox API and its inspector page
// as a process. By default it prints where to point a bot and a browser;
// with --json it prints exactly one JSON line, {"url":...,"pid":...}, for
// tests and scripts. Logs go to stderr. Never prints a key or a secret.
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG } from './config.js';
import { startSandbox } from './index.js';

const USAGE = `usage: contiguity-imessage-sandbox [options]
  --port N                 port to listen on (default 0: any free port)
  --host H                 address to bind (default 127.0.0.1)
  --webhook URL            where customer messages are POSTed as imessage.incoming
  --webhook-secret S       signing secret; give it twice while rotating (both sign)
  --api-key K              accepted API key (repeatable)
  --leased-number +1...    leased line (repeatable; the first is the default from)
  --unavailable ADDRESS    an address without iMessage (repeatable)
  --no-rules               the service rules off (pacing and availability)
  --no-pacing              pacing off (1 message/s per line, bursts of 5)
  --no-availability        availability off (no SMS fallback, no failed sends)
  --no-fast-track          the account lacks the Fast Track entitlement
  --json                   print one JSON line {"url","pid"} instead of the summary
  --log                    log method, path and status to stderr`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      webhook: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'webhook-secret': { type: 'string', multiple: true },
      'leased-number': { type: 'string', multiple: true },
      unavailable: { type: 'string', multiple: true },
      'no-rules': { type: 'boolean' },
      'no-pacing': { type: 'boolean' },
      'no-availability': { type: 'boolean' },
      'no-fast-track': { type: 'boolean' },
      json: { type: 'boolean' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('--port must be an integer from 0 to 65535');
  const secrets = values['webhook-secret'];
  return {
    json: values.json ?? false,
    options: {
      port,
      host: values.host,
      webhookUrl: values.webhook,
      apiKeys: values['api-key'],
      webhookSecret: secrets && (secrets.length === 1 ? secrets[0] : secrets),
      leasedNumbers: values['leased-number'],
      unavailable: values.unavailable,
      fastTrack: !values['no-fast-track'],
      // On by default here: a developer running the sandbox by hand should
      // meet the service's rules before production does.
      rules: {
        pacing: !values['no-rules'] && !values['no-pacing'],
        availability: !values['no-rules'] && !values['no-availability'],
      },
      log: values.log ?? false,
    },
  };
}

/** What a developer needs to start: where the API and the page are, what is on. */
function summary(sandbox, options) {
  const onOff = (on) => (on ? 'on' : 'off');
  const secrets = [options.webhookSecret ?? []].flat().length || 1;
  const lines = [
    `Contiguity sandbox listening on ${sandbox.url}`,
    '',
    `  API base URL   ${sandbox.url}   (give it to the client as baseUrl or CONTIGUITY_BASE_URL)`,
    `  Inspector      ${sandbox.url}/   (open it in a browser)`,
    `  Webhook        ${options.webhookUrl ?? 'none yet: pass --webhook URL or set it in the inspector'}`,
    `  Signing        ${secrets} webhook secret${secrets === 1 ? '' : 's'}${options.webhookSecret ? '' : ' (the default, see the README)'}`,
    `  API keys       ${options.apiKeys ? `${options.apiKeys.length} given with --api-key` : 'the default sandbox key (see the README)'}`,
    `  Leased lines   ${(options.leasedNumbers ?? DEFAULT_CONFIG.leasedNumbers).join(', ')}`,
    `  Rules          pacing ${onOff(options.rules.pacing)}, availability ${onOff(options.rules.availability)}, `
      + `fast track ${options.fastTrack ? 'entitled' : 'not entitled'}`,
    '',
    'In memory only; Ctrl-C stops it.',
  ];
  return `${lines.join('\n')}\n`;
}

async function main() {
  let parsed;
  try {
    parsed = parseOptions(process.argv.slice(2));
  } catch (error) {
    // parseArgs messages name the option, never its value, so no secret is printed.
    console.error(`contiguity-sandbox: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  let sandbox;
  try {
    sandbox = await startSandbox(parsed.options);
  } catch (error) {
    // Option errors name the option, never its value.
    console.error(`contiguity-sandbox: ${error.message}`);
    process.exit(error instanceof TypeError ? 2 : 1);
  }
  const stop = async () => {
    await sandbox.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(parsed.json
    ? `${JSON.stringify({ url: sandbox.url, pid: process.pid })}\n`
    : summary(sandbox, parsed.options));
}

main().catch((error) => {
  console.error(`contiguity-sandbox: ${error.message}`);
  process.exit(1);
});
