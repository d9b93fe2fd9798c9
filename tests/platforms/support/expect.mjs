// What fixtures/platform-probe.mjs must produce on every platform, and what
// the sandbox must have received: the runtime scenario's own expectations
// (tests/runtimes/support/expect.mjs), plus the raw-form webhook checks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertScenario, assertScenarioRequests } from '../../runtimes/support/expect.mjs';
import { API_KEY, WEBHOOK_SECRET } from '../../js/support/sandbox.mjs';

export const PLATFORM_FIXTURES = new URL('../fixtures/', import.meta.url);

/** Files for makeConsumer's `files`, read from tests/platforms/fixtures/. */
export const platformFiles = (...names) =>
  Object.fromEntries(names.map((name) => [name, readFileSync(new URL(name, PLATFORM_FIXTURES), 'utf8')]));

/** The probe's config for a run against `sandbox`, its result labelled `runtime`. */
export const probeConfig = (sandbox, runtime) => ({ runtime, baseUrl: sandbox.url, apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET });

/** `edgeRuntime`: the EdgeRuntime global the platform must define, or null. */
export async function assertProbe(result, sandbox, { runtime, edgeRuntime = null }) {
  assertScenario(result.scenario, runtime);
  await assertScenarioRequests(sandbox);
  assert.deepEqual(result.webhook, {
    genuine: true,
    standalone: true,
    forged: false,
    changedBody: false,
    parsed: { type: 'imessage.incoming', body: 'héllo from the sandbox' },
  });
  assert.equal(result.edgeRuntime, edgeRuntime);
}

/** The start-up error (fixtures/start-probe.mjs, edge-entry.mjs's GET) names `runtime` (a RegExp source) and says why. */
export function assertStartError(outcome, runtime, why) {
  assert.equal(outcome.threw, true);
  assert.equal(outcome.isError, true);
  assert.match(outcome.message, new RegExp(`^contiguity-imessage could not start in ${runtime}: ${why.source}`));
}
