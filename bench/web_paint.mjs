// SPDX-License-Identifier: Apache-2.0
// The county dashboard's first paint in headless Chromium, and the script
// weight it loads: `node bench/web_paint.mjs NODE_DIR [RUNS]` (RENDA_BIN the
// binary; RENDA_NOW_MS the clock, the demo's by default). Serves NODE_DIR
// (e.g. a demo county's county/) with a throwaway admin account, signs in
// once, then opens #/dashboard RUNS times in a new tab (cached assets are
// revalidated by ETag, as a browser does on a return visit; the first load
// is a cold one) and prints, from the Performance API: first paint, first
// contentful paint, the time until the first chart is drawn, and the bytes
// of JavaScript the page loaded (decoded) and how many files.
import { startServe, launchBrowser, openPage, signIn, renda } from '../tests/browser/harness.mjs';

const [dir, runsArg] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/web_paint.mjs NODE_DIR [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg) || 10;
process.env.RENDA_NOW_MS ||= '1795140000000';
const account = { name: 'web-paint', password: `web-paint-${process.pid}-${Date.now()}` };
renda(dir, ['account', 'add', '--name', account.name, '--role', 'admin'], { password: account.password });
let serve = null;
let browser = null;
try {
  serve = await startServe(dir, [], { listen: 'off' });
  browser = await launchBrowser();
  const first = await openPage(browser);
  await first.page.setViewportSize({ width: 1366, height: 768 });
  await signIn(first.page, serve.url, account);
  const samples = [];
  for (let i = 0; i <= runs; ++i) {
    const { page } = await openPage(browser);
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${serve.url}#/dashboard`);
    await page.waitForSelector('.chart canvas', { timeout: 30000 });
    const m = await page.evaluate(() => {
      const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
      const scripts = performance.getEntriesByType('resource').filter((e) => /\.m?js(\?|$)/.test(e.name));
      return {
        fp: paint['first-paint'], fcp: paint['first-contentful-paint'], chart: performance.now(),
        jsBytes: scripts.reduce((n, e) => n + e.decodedBodySize, 0), jsFiles: scripts.length,
      };
    });
    // The chart's time is when this tab saw it: an upper bound.
    samples.push(m);
    await page.close();
  }
  const median = (key) => {
    const v = samples.slice(1).map((s) => s[key]).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const c = samples[0];
  console.log(`dashboard, cold: first paint ${c.fp.toFixed(0)} ms, first contentful paint ${c.fcp.toFixed(0)} ms, first chart ${c.chart.toFixed(0)} ms`);
  console.log(`dashboard, ${runs} warm loads: median first paint ${median('fp').toFixed(0)} ms, ` +
    `first contentful paint ${median('fcp').toFixed(0)} ms, first chart ${median('chart').toFixed(0)} ms`);
  console.log(`scripts: ${c.jsFiles} files, ${c.jsBytes} bytes (${(c.jsBytes / 1024).toFixed(0)} KiB) decoded`);
} finally {
  if (browser) await browser.close();
  if (serve) await serve.stop();
  renda(dir, ['account', 'remove', '--name', account.name], { allowFail: true });
}
