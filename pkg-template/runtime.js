// The name of the JavaScript runtime that is really running, for start-up
// errors. The entry a runtime gets is chosen by export conditions, and those
// do not say who runs the code: Bun resolves "node" and reports a Node.js
// version in `process.versions`, a Node.js process emulates Vercel's edge,
// a bundler may pick "worker" for a browser. So each global is checked,
// the most specific first.
export function runningRuntime() {
  const g = globalThis;
  if (typeof g.Bun?.version === 'string') return `Bun ${g.Bun.version}`;
  if (typeof g.Deno?.version?.deno === 'string') return `Deno ${g.Deno.version.deno}`;
  // Vercel's edge runtime, in production and as Next.js and the `edge-runtime`
  // package emulate it in Node.js, names itself with this global.
  if (typeof g.EdgeRuntime === 'string') return `Vercel's Edge Runtime (EdgeRuntime "${g.EdgeRuntime}")`;
  const agent = g.navigator?.userAgent;
  if (agent === 'Cloudflare-Workers') return 'Cloudflare Workers';
  if (typeof g.process?.versions?.node === 'string') return `Node.js ${g.process.versions.node}`;
  if (typeof agent === 'string') return agent;
  return 'an unrecognised JavaScript runtime';
}
