// Opens the worker's status page in headless Chromium, waits until it shows live throughput,
// keeps a screenshot, and prints what the page shows as one JSON line.
//
// usage: node status_page.mjs <page url> <screenshot path> [timeout ms]
import { chromium } from "playwright-core";

const [url, screenshot, timeoutArg] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error("usage: node status_page.mjs <page url> <screenshot path> [timeout ms]");
  process.exit(2);
}
const timeout = Number(timeoutArg) || 30000;
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
let code = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const external = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(new URL(url).origin)) external.push(r.url());
  });
  await page.goto(url + (url.includes("?") ? "&" : "?") + "refresh=500");
  // Live: a throughput above zero, computed by the page from two scrapes.
  await page.waitForFunction(
    () => Number(document.getElementById("throughput").textContent.replace(/,/g, "")) > 0,
    null,
    { timeout },
  );
  const text = (id) => page.locator("#" + id).textContent();
  const shown = {
    state: await text("state"),
    throughput: await text("throughput"),
    handled: await text("handled"),
    dedup_ratio: await text("dedup-ratio"),
    lag_pending: await text("lag-pending"),
    latency_p50: await text("latency-p50"),
    latency_p99: await text("latency-p99"),
    rejects: await text("rejects"),
    outcomes: await text("outcomes"),
    nats_connected: await text("nats-connected"),
    errors,
    external,
  };
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify(shown));
} catch (e) {
  console.error(String(e));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
