// Unit tests of the page -> article mapping (no broker needed): npm test
import assert from "node:assert/strict";
import { test } from "node:test";
import { isStory, links, messageId, subjectFor, toArticle } from "../article.mjs";

test("a page becomes {url, html, title} with its <title> cleaned of whitespace and entities", () => {
  const html = "<html><head><title>\n  Bridge &amp; ferry   news </title></head><body><article>x</article></body></html>";
  const a = toArticle("https://news.example/a", html, { section: "world" });
  assert.deepEqual(a, { url: "https://news.example/a", html, title: "Bridge & ferry news", section: "world" });
  assert.equal(toArticle("https://news.example/b", "<p>no title</p>").title, undefined);
});

test("message ids: the article's own id, else stable per URL and content", () => {
  assert.equal(messageId({ id: 42, url: "u" }), "42");
  const a = messageId({ url: "https://n.example/a", html: "<p>one</p>" });
  assert.equal(a, messageId({ url: "https://n.example/a", html: "<p>one</p>" }));
  assert.notEqual(a, messageId({ url: "https://n.example/a", html: "<p>two</p>" }));
  assert.notEqual(a, messageId({ url: "https://n.example/b", html: "<p>one</p>" }));
  assert.match(a, /^crawl-[0-9a-f]{32}$/);
});

test("the site becomes one subject token", () => {
  assert.equal(subjectFor("articles.raw.{site}", "https://www.news.example/x"), "articles.raw.news_example");
  assert.equal(subjectFor("articles.raw.{site}", "http://127.0.0.1:8080/"), "articles.raw.127_0_0_1");
});

test("links: same origin only, absolute, without fragments, each once", () => {
  const html = `<a href="/a.html#top">A</a> <a class=x href='b.html'>B</a> <a href=/a.html>again</a>
    <a href="https://other.example/c">C</a> <a href="mailto:x@y">m</a> <a href="/q?x=1&amp;y=2">Q</a>`;
  assert.deepEqual(links(html, "https://news.example/world/"), [
    "https://news.example/a.html",
    "https://news.example/world/b.html",
    "https://news.example/q?x=1&y=2",
  ]);
});

test("story pages are the ones with an <article>", () => {
  assert.ok(isStory("<body><ARTICLE class='s'>text</ARTICLE></body>"));
  assert.ok(!isStory("<body><ul><li><a href='/a'>A</a></li></ul></body>"));
});
