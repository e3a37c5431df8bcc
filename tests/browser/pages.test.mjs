// SPDX-License-Identifier: Apache-2.0
// Every page, signed in on a township and on the county office: it renders
// with no console or page errors and shows its data; no request leaves
// 127.0.0.1; the English switch holds across a reload and gives the forms
// English field labels and the API's errors in English.
import assert from 'node:assert/strict';
import { bringUp, openPage, signIn, offMachine, kChair, kAdmin } from './harness.mjs';

// [route, a text the page must show once loaded]
const kTownshipPages = [
  ['home', '首页'],
  ['deputies', '张建国'],
  ['deputies/张建国?year=2026', '视察城东村道'],  // its duty records, filtered by the server
  ['stations', '城关镇代表之家'],
  ['stations/城关镇代表之家', '每月15日'],
  ['suggestions', '关于修缮城东村道的建议'],
  ['entry/duty', '履职类型'],
  ['entry/reception', '家站'],
  ['entry/issue', '反映内容'],
  ['issues', '社情民意'],
  ['conflicts', '没有冲突'],
  ['sync', '导入同步包'],
  ['dashboard', '办复率'],
  ['reports/summary', '下载 XLSX'],
];

async function visitAll(env, url, account, routes) {
  const { page, seen } = await openPage(env.browser);
  await signIn(page, url, account);
  assert.deepEqual(seen.consoleErrors, [], 'the sign-in page');
  for (const [route, text] of routes) {
    await page.goto(`${url}#/${route}`);
    await page.waitForSelector('section.page', { timeout: 10000 });
    await page.waitForFunction(() => !document.querySelector('.loading'), null, { timeout: 10000 });
    await page.waitForFunction((t) => document.querySelector('main').innerText.includes(t), text, { timeout: 10000 })
      .catch(async () => assert.fail(`#/${route} does not show "${text}":\n${await page.innerText('main')}`));
    const errors = await page.$$eval('.error', (els) => els.map((e) => e.innerText));
    assert.deepEqual(errors, [], `#/${route} shows an error`);
  }
  // The suggestion's own page, reached from the list.
  await page.goto(`${url}#/suggestions`);
  await page.click('table.grid tbody a');
  await page.waitForFunction(() => document.querySelector('main').innerText.includes('办理经过'));
  assert.deepEqual(seen.pageErrors, [], 'page errors');
  assert.deepEqual(seen.consoleErrors, [], 'console errors');
  assert.deepEqual(seen.failed, [], 'failed requests');
  assert.deepEqual(offMachine(seen.requests), [], 'requests that left 127.0.0.1');
  assert.ok(seen.requests.some((u) => u.endsWith('/assets/app.js')));
  await page.close();
}

export const tests = [
  ['every page renders with data, without errors, and nothing leaves the machine', async () => {
    const env = await bringUp('pages');
    try {
      await visitAll(env, env.township.url, kChair, kTownshipPages);
    } finally {
      await env.close();
    }
  }],
  ['the English switch changes the pages and holds across a reload', async () => {
    const env = await bringUp('english', { seed: false });
    try {
      const { page } = await openPage(env.browser);
      await signIn(page, env.county.url, kAdmin);
      assert.equal(await page.innerText('header.top nav a:first-child'), '首页');
      await page.click('#lang');
      await page.waitForFunction(() => document.querySelector('header.top nav a').innerText === 'Home');
      await page.reload();
      await page.waitForSelector('header.top nav');
      assert.equal(await page.innerText('header.top nav a:first-child'), 'Home');
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      // The forms' field labels come from GET /api/meta in the page's language.
      await page.goto(`${env.county.url}#/entry/duty`);
      await page.waitForSelector('label[for="f-type"]');
      assert.match(await page.innerText('label[for="f-type"]'), /^Duty type/);
      assert.match(await page.innerText('label[for="f-date"]'), /^Date/);
      // The API's errors too: the pages send X-Renda-Lang: en.
      await page.goto(`${env.county.url}#/deputies/${encodeURIComponent('无此代表')}`);
      await page.waitForFunction(() => [...document.querySelectorAll('.error')]
        .some((e) => e.innerText.includes("no Deputy '无此代表' on this node")), null, { timeout: 10000 })
        .catch(async () => assert.fail(`no English error:\n${await page.innerText('main')}`));
      await page.goto(`${env.county.url}#/entry/duty`);
      await page.waitForSelector('label[for="f-type"]');
      await page.click('#lang');
      await page.waitForFunction(() => document.querySelector('header.top nav a').innerText === '首页');
      await page.waitForFunction(() => /^履职类型/.test(document.querySelector('label[for="f-type"]').innerText));
    } finally {
      await env.close();
    }
  }],
];
