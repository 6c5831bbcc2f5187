// A fetched page as article-enricher's input message (the SPEC input object). Pure: no I/O.
import { createHash } from "node:crypto";

const TITLE = /<title[^>]*>([\s\S]*?)<\/title>/i;
const HREF = /<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;
const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'" };

function decodeEntities(s) {
  return s.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, e) => ENTITIES[e]);
}

/** The SPEC input for a page: its URL and raw HTML (the worker extracts text, title, authors
 * and date from it); the `<title>` goes along as the scraped headline. */
export function toArticle(url, html, extra = {}) {
  const m = TITLE.exec(html);
  const title = m ? decodeEntities(m[1]).replace(/\s+/g, " ").trim() : "";
  const article = { url, html, ...extra };
  if (title) article.title = title;
  return article;
}

/** The `Nats-Msg-Id` of an article: its own id, else a digest of URL and content. A retried
 * publish, or a re-crawl of an unchanged page, falls in the input stream's duplicate window
 * and is stored once; a page whose content changed goes through. */
export function messageId(article) {
  if (article.id) return String(article.id);
  const h = createHash("sha256");
  for (const part of [article.url, article.text, article.html]) {
    h.update(part ?? "");
    h.update("\0");
  }
  return "crawl-" + h.digest("hex").slice(0, 32);
}

/** `template` with `{site}` as one NATS subject token (the host, dots and all replaced). */
export function subjectFor(template, url) {
  const host = new URL(url).hostname.replace(/^www\./, "");
  const token = host.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "") || "site";
  return template.replaceAll("{site}", token);
}

/** Same-origin links of a page, absolute, without fragments. */
export function links(html, base) {
  const origin = new URL(base).origin;
  const out = new Set();
  for (const m of html.matchAll(HREF)) {
    const raw = decodeEntities(m[1] ?? m[2] ?? m[3] ?? "");
    let u;
    try {
      u = new URL(raw, base);
    } catch {
      continue;
    }
    u.hash = "";
    if (u.origin === origin && (u.protocol === "http:" || u.protocol === "https:")) out.add(u.href);
  }
  return [...out];
}

/** Whether a page holds a story rather than a front page or a section index. */
export function isStory(html) {
  return /<article\b/i.test(html);
}
