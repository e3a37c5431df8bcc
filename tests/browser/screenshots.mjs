// SPDX-License-Identifier: Apache-2.0
// Screenshots of the main pages with the demo county's data, in Chinese, at
// a laptop's size (1366×768), as PNG files: `node screenshots.mjs DEMO_DIR
// OUT_DIR` (scripts/screenshots.sh runs it; not a test). Serves the county
// office and the first township of a demo county (`renda demo --county`) on
// the demo's clock, with a throwaway admin account on each, removed after.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServe, launchBrowser, openPage, signIn, renda } from './harness.mjs';

const [demo, out] = process.argv.slice(2);
if (!demo || !out) {
  console.error('usage: node screenshots.mjs DEMO_DIR OUT_DIR');
  process.exit(2);
}
process.env.RENDA_NOW_MS ||= '1795140000000';  // the demo's clock: 2026-11-20 10:00 China time
const account = { name: '截图', password: `screenshots-${process.pid}-${Date.now()}` };
const countyDir = join(demo, 'county');
const townDir = join(demo, readdirSync(demo).filter((n) => n.startsWith('township-')).sort()[0]);
mkdirSync(out, { recursive: true });

const nodes = [countyDir, townDir];
for (const dir of nodes) renda(dir, ['account', 'add', '--name', account.name, '--role', 'admin'], { password: account.password });
const serves = [];
const browsers = [];
try {
  // The township syncs with the county office, so that its sync page has a neighbour.
  const county = await startServe(countyDir);
  serves.push(county);
  const town = await startServe(townDir, ['--peer', county.syncAddress], { listen: 'off' });
  serves.push(town);
  // One browser a node: the session cookie is per host, not per port.
  const signedIn = async (node) => {
    const b = await launchBrowser();
    browsers.push(b);
    const { page } = await openPage(b);
    await page.setViewportSize({ width: 1366, height: 768 });
    await signIn(page, node.url, account);
    return { page, url: node.url };
  };
  const t = await signedIn(town);
  const c = await signedIn(county);
  const shoot = async ({ page, url }, route, file, ready = 'main') => {
    await page.goto(`${url}#/${route}`);
    await page.waitForSelector('section.page');
    await page.waitForFunction(() => !document.querySelector('.loading'), null, { timeout: 20000 });
    await page.waitForSelector(ready, { timeout: 20000 });
    await page.waitForTimeout(500);  // charts draw after their data
    await page.screenshot({ path: join(out, file) });
    console.log(`${file}  #/${route}`);
  };
  const api = (path) => t.page.evaluate((p) => fetch(p).then((r) => r.json()), path);
  const closed = await api('/api/suggestions?state=closed&cohort=all&pageSize=1');
  const one = closed.suggestions[0];
  const deputies = await api('/api/records/deputy?pageSize=1');

  await shoot(t, 'home', 'home.png');
  await shoot(t, 'suggestions', 'suggestions.png', 'table.grid');
  await shoot(t, `suggestions/${encodeURIComponent(one.number || one.id)}`, 'suggestion.png', 'table.grid');
  await shoot(t, `deputies/${encodeURIComponent(deputies.records[0].id)}`, 'deputy.png', 'dl.fields');
  await shoot(t, 'entry/duty', 'entry.png', '#f-deputy');
  await shoot(t, 'conflicts', 'conflicts.png');
  await shoot(t, 'sync', 'sync.png', 'table.grid');
  await shoot(c, 'dashboard', 'dashboard.png', '.chart canvas, .chart-empty');
  await shoot(c, 'reports/summary', 'report.png', 'table.grid');
} finally {
  for (const b of browsers) await b.close();
  for (const s of serves) await s.stop();
  for (const dir of nodes) renda(dir, ['account', 'remove', '--name', account.name], { allowFail: true });
}
