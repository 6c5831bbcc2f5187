#!/usr/bin/env node
// A plain fetch-based crawler: breadth-first over one site from a start URL, publishing every
// story page (a page with an <article>) to JetStream for article-enricher as {url, html, title}.
//
//   NATS_URL=nats://127.0.0.1:4222 node crawl.mjs https://news.example/ [--max-pages 200] [--concurrency 4]
//
// Settings (environment): NATS_URL (comma-separated servers), NATS_CREDS (a .creds file),
// ENRICHER_SUBJECT (default articles.raw.{site}), ENRICHER_MAX_PENDING (publish acks in flight).
// Prints its figures as key=value lines; exits non-zero if any story was not stored.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { connect, credsAuthenticator } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { isStory, links, messageId, subjectFor, toArticle } from "./article.mjs";
import { Publisher } from "./publisher.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "max-pages": { type: "string", default: "200" },
    concurrency: { type: "string", default: "4" },
  },
});
if (positionals.length !== 1) {
  console.error("usage: crawl.mjs <start-url> [--max-pages N] [--concurrency N]");
  process.exit(2);
}
const start = new URL(positionals[0]).href;
const maxPages = Number(values["max-pages"]);
const concurrency = Number(values.concurrency);
const env = process.env;

const nc = await connect({
  servers: (env.NATS_URL ?? "nats://127.0.0.1:4222").split(",").map((s) => s.trim()),
  name: "enricher-node-crawler",
  authenticator: env.NATS_CREDS ? credsAuthenticator(await readFile(env.NATS_CREDS)) : undefined,
  // Keep trying through a server restart: publishes wait (bounded) instead of failing.
  maxReconnectAttempts: -1,
});
const js = jetstream(nc);
const publisher = new Publisher(js, { maxPending: Number(env.ENRICHER_MAX_PENDING ?? 256) });
const subject = subjectFor(env.ENRICHER_SUBJECT ?? "articles.raw.{site}", start);
const encoder = new TextEncoder();

const seen = new Set([start]);
const queue = [start];
let pages = 0;
let fetchFailed = 0;
let publishFailed = 0;
let published = Promise.resolve();

async function visit(url) {
  let html;
  try {
    const res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(30_000) });
    if (!res.ok || !(res.headers.get("content-type") ?? "").includes("html")) return;
    html = await res.text();
  } catch (err) {
    fetchFailed++;
    console.error(`fetch ${url}: ${err.message}`);
    return;
  }
  pages++;
  for (const link of links(html, url)) {
    if (!seen.has(link) && seen.size < maxPages) {
      seen.add(link);
      queue.push(link);
    }
  }
  if (isStory(html)) {
    const article = toArticle(url, html);
    // Awaited later, so fetching goes on while acks are outstanding (bounded by the publisher).
    const receipt = publisher
      .publish(subject, encoder.encode(JSON.stringify(article)), messageId(article))
      .catch((err) => {
        publishFailed++;
        console.error(`publish ${url}: ${err.message}`);
      });
    published = Promise.all([published, receipt]);
  }
}

let active = 0;
const workers = Array.from({ length: concurrency }, async () => {
  while (queue.length > 0 || active > 0) {
    const url = queue.shift();
    if (url === undefined) {
      await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    active++;
    try {
      await visit(url);
    } finally {
      active--;
    }
  }
});
await Promise.all(workers);
await published;
await nc.drain();

const c = publisher.counts;
console.log(`subject=${subject}`);
console.log(`pages=${pages}`);
console.log(`fetch_failed=${fetchFailed}`);
console.log(`published=${c.published}`);
console.log(`duplicate=${c.duplicate}`);
console.log(`failed=${publishFailed}`);
process.exit(publishFailed > 0 ? 1 : 0);
