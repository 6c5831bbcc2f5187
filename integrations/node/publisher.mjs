// Publishes articles to JetStream and awaits each publish ack, with a bounded number in flight.
import { errors } from "@nats-io/transport-node";

/** Failures a later attempt may get over: a server restarting, a leader election. */
function transient(err) {
  return (
    err instanceof errors.TimeoutError ||
    err instanceof errors.NoRespondersError ||
    err instanceof errors.RequestError ||
    err?.status === 503
  );
}

export class Publisher {
  constructor(js, { maxPending = 256, timeoutMs = 10_000, retries = 5 } = {}) {
    this.js = js;
    this.maxPending = maxPending;
    this.timeoutMs = timeoutMs;
    this.retries = retries;
    this.inFlight = 0;
    this.waiting = [];
    this.counts = { published: 0, duplicate: 0, failed: 0 };
  }

  /** Resolves with the publish ack once the server stored the message: the producer's receipt. */
  async publish(subject, payload, msgID) {
    await this.#slot();
    try {
      return await this.#publishWithRetries(subject, payload, msgID);
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  async #slot() {
    while (this.inFlight >= this.maxPending) {
      await new Promise((resolve) => this.waiting.push(resolve));
    }
    this.inFlight++;
  }

  async #publishWithRetries(subject, payload, msgID) {
    let delay = 200;
    for (let attempt = 0; ; attempt++) {
      try {
        const ack = await this.js.publish(subject, payload, { msgID, timeout: this.timeoutMs });
        this.counts[ack.duplicate ? "duplicate" : "published"]++;
        return ack;
      } catch (err) {
        if (!transient(err) || attempt >= this.retries) {
          this.counts.failed++;
          throw new Error(`${msgID}: not stored after ${attempt + 1} attempts: ${err.message}`, { cause: err });
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }
}
