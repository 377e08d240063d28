// Browser measurement for `scripts/bench` (run by server/examples/bench.rs when Chromium is
// there, never by the tests): Debian's Chromium, headless, on an emulated slow link (1.6 Mbps
// down, 750 kbps up, 150 ms latency) with the CPU slowed 4x, opens a page (a section page, or
// the login page as a newcomer, with EMAIL `-`: not signed in) with an
// empty cache and again with the cache warm, and prints, as one JSON line per visit, the
// bytes transferred and the time until the page was hydrated (the app sets `data-hydrated`
// on <html> once the page is hydrated; see frontend/src/lib.rs).
//
//   node end2end/bench/browser.mjs BASE_URL PATH EMAIL PASSWORD LABEL
//
// With UPSTREAM_BENCH_WATERFALL=1 it also prints each request of a visit (when it started and
// ended, in ms since the navigation began, its bytes and whether the cache answered), to see
// which file arrives last and what waits for what.
import { chromium } from '@playwright/test';

const [base, path, email, password, label] = process.argv.slice(2);
if (!label) {
  console.error('usage: browser.mjs BASE_URL PATH EMAIL PASSWORD LABEL');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.UPSTREAM_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext();
  if (email !== '-') {
    // Logged in without loading a page, so the cache is still empty for the first visit.
    const login = await context.request.post(`${base}/api/login`, {
      form: { email, password },
      maxRedirects: 0,
    });
    if (login.status() >= 400) throw new Error(`login answered ${login.status()}`);
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6e6 / 8),
    uploadThroughput: (750e3 / 8),
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  let requests = 0;
  const waterfall = process.env.UPSTREAM_BENCH_WATERFALL === '1';
  const seen = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    seen.set(e.requestId, { url: e.request.url, start: e.timestamp });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.cached = e.response.fromDiskCache || e.response.fromMemoryCache || false;
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.cached = true;
  });
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    requests += 1;
    const r = seen.get(e.requestId);
    if (r) { r.end = e.timestamp; r.bytes = e.encodedDataLength; }
  });

  for (const cache of ['cold', 'warm']) {
    bytes = 0;
    requests = 0;
    seen.clear();
    await page.goto(`${base}${path}`, { waitUntil: 'commit', timeout: 120_000 });
    // The attribute holds the milliseconds since this navigation started.
    const handle = await page.waitForFunction(
      () => document.documentElement.getAttribute('data-hydrated'),
      null,
      { timeout: 120_000, polling: 100 },
    );
    const hydratedMs = Number(await handle.jsonValue());
    await page.waitForLoadState('load');
    const html = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return nav ? nav.encodedBodySize : 0;
    });
    console.log(JSON.stringify({ label, cache, hydrated_ms: hydratedMs, bytes, requests, html_bytes: html }));
    if (waterfall) {
      const all = [...seen.values()];
      const t0 = Math.min(...all.map((r) => r.start));
      for (const r of all.sort((a, b) => a.start - b.start)) {
        const ms = (t) => (t === undefined ? '-' : Math.round((t - t0) * 1000));
        const name = r.url.replace(base, '');
        console.log(`  ${String(ms(r.start)).padStart(6)} ${String(ms(r.end)).padStart(6)} ms ${String(r.bytes ?? '-').padStart(8)} B ${r.cached ? 'cache' : '     '} ${name}`);
      }
    }
    // The next visit starts from a page with no mark.
    await page.goto('about:blank');
  }
  await context.close();
} finally {
  await browser.close();
}
