// Sends an iMessage, then prints the conversation's history.
//
//   CONTIGUITY_API_KEY=contiguity_sk_... deno task start <to> <from> [message]
//
// <from> is your leased iMessage number. Permissions: --allow-net, and
// --allow-env for exactly the two variables read here; no --allow-read (the
// package imports its wasm as a module) and no other env access.
import { Contiguity, ContiguityError, ValidationError } from 'contiguity-imessage';

const [to, from, message = 'Hello from Deno!'] = Deno.args;
if (!to || !from) {
  console.error('usage: main.ts <to> <from> [message]');
  Deno.exit(2);
}

const contiguity = new Contiguity(Deno.env.get('CONTIGUITY_API_KEY'), {
  baseUrl: Deno.env.get('CONTIGUITY_BASE_URL'), // optional: a local sandbox
});

try {
  const { message_id } = await contiguity.imessage.send({ to, from, message });
  console.log(`sent ${message_id}`);

  const history = await contiguity.imessage.history({ to, from, limit: 20 });
  console.log(`conversation with ${to} (${history.conversation.length} messages, oldest first):`);
  for (const item of [...history.conversation].reverse()) {
    const time = new Date(item.timestamp).toISOString();
    console.log(`[${time}] ${item.from} -> ${item.to}: ${item.message}`);
  }
} catch (error) {
  if (error instanceof ValidationError) {
    for (const issue of error.issues) console.error(`invalid ${issue.path.join('.')}: ${issue.message}`);
  } else if (error instanceof ContiguityError) {
    console.error(`Contiguity error ${error.code} (HTTP ${error.status ?? '-'}): ${error.message}`);
  } else {
    throw error;
  }
  Deno.exit(1);
}
