// The Durable Object behind durableObjectStore (stores.js): one object per
// event id (the store names it with idFromName), holding that event's one
// record. A Worker exports the class from its main module and binds it in
// wrangler.toml (docs/webhooks.md, "Durable Object store").
//
// Why it is exact: Cloudflare runs each object in one place at a time, and
// each operation runs under blockConcurrencyWhile, which delivers no other
// request to the object until it is done, so a claim's read and write cannot
// interleave with another claim's. An alarm deletes the record when it
// expires, so an object left with no storage costs nothing.
//
// A plain class with `fetch` and `alarm`, not one extending `DurableObject`
// from 'cloudflare:workers': that import exists only in workerd, and this
// file is part of every entry of the package.
const RECORD = 'record';

export class ContiguityDedupe {
  #state;
  #storage;

  constructor(state) {
    this.#state = state;
    this.#storage = state.storage;
  }

  // The operation is the path; its number of seconds is in the query, so
  // nothing is awaited before the operation starts.
  fetch(request) {
    const url = new URL(request.url);
    const seconds = Number(url.searchParams.get('seconds'));
    return this.#state.blockConcurrencyWhile(() =>
      this.#run(url.pathname, Number.isFinite(seconds) && seconds > 0 ? seconds : undefined),
    );
  }

  async #run(operation, seconds) {
    const now = Date.now();
    switch (operation) {
      case '/claim': {
        const record = await this.#storage.get(RECORD);
        if (record !== undefined && record.expiresAt > now) return Response.json({ state: record.state });
        if (seconds === undefined) return badRequest();
        await this.#keep({ state: 'pending', expiresAt: now + seconds * 1000 });
        return Response.json({ state: 'claimed' });
      }
      case '/complete':
        if (seconds === undefined) return badRequest();
        await this.#keep({ state: 'done', expiresAt: now + seconds * 1000 });
        return Response.json({ state: 'done' });
      case '/release':
        await this.#storage.deleteAlarm();
        await this.#storage.deleteAll();
        return Response.json({ state: 'released' });
      default:
        return new Response('not found', { status: 404 });
    }
  }

  async alarm() {
    const record = await this.#storage.get(RECORD);
    if (record !== undefined && record.expiresAt > Date.now()) {
      await this.#storage.setAlarm(record.expiresAt); // completed after this alarm was set
    } else {
      await this.#storage.deleteAll();
    }
  }

  async #keep(record) {
    await this.#storage.put(RECORD, record);
    await this.#storage.setAlarm(record.expiresAt);
  }
}

const badRequest = () => new Response('expected ?seconds=<a positive number>', { status: 400 });
