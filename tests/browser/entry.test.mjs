// SPDX-License-Identifier: Apache-2.0
// Entering records through the pages, checked through the CLI: a deputy
// registered with the form, and duty records typed with the keyboard only
// (Enter moves on; the form stays for the next with the date kept).
import assert from 'node:assert/strict';
import { bringUp, openPage, signIn, kChair, kAdmin, rendaJson } from './harness.mjs';

function records(list) {
  return Array.isArray(list) ? list : list.records || list.deputies || list.duty || [];
}

export const tests = [
  ['a deputy registered through the form is in renda deputy list', async () => {
    const env = await bringUp('deputy-form');
    try {
      const { page, seen } = await openPage(env.browser);
      await signIn(page, env.township.url, kChair);
      await page.goto(`${env.township.url}#/deputies`);
      await page.click('#add');
      await page.waitForSelector('#f-name');
      // Saving with nothing typed: told in Chinese, nothing written.
      await page.click('.record-form button[type=submit]');
      await page.waitForSelector('.field.bad .problem');
      assert.match(await page.innerText('.field.bad .problem'), /请填写/);
      await page.fill('#f-name', '王小明');
      for (const [id, value] of [['#f-gender', '男'], ['#f-level', '乡镇级']])
        if (await page.$(id)) await page.selectOption(id, value).catch(() => page.fill(id, value));
      await page.click('.record-form button[type=submit]');
      await page.waitForSelector('p.ok', { timeout: 10000 });
      assert.match(await page.innerText('p.ok'), /王小明/);
      const list = JSON.stringify(records(rendaJson(env.pair.township, ['deputy', 'list'])));
      assert.ok(list.includes('王小明'), 'renda deputy list shows the deputy registered on the page');
      assert.deepEqual(seen.consoleErrors, []);
    } finally {
      await env.close();
    }
  }],
  ['the county office registers a deputy for a township, named by typing', async () => {
    const env = await bringUp('county-deputy', { seed: false });
    try {
      const { page, seen } = await openPage(env.browser);
      await signIn(page, env.county.url, kAdmin);
      await page.goto(`${env.county.url}#/deputies`);
      await page.click('#add');
      await page.waitForSelector('#f-township');
      await page.fill('#f-township', '城关镇');
      await page.fill('#f-name', '赵县代');
      await page.selectOption('#f-level', '县级');
      await page.click('.record-form button[type=submit]');
      await page.waitForSelector('p.ok', { timeout: 10000 })
        .catch(async () => assert.fail(`not registered:\n${await page.innerText('main')}`));
      const list = records(rendaJson(env.pair.county, ['deputy', 'list']));
      const made = list.find((d) => JSON.stringify(d).includes('赵县代'));
      assert.ok(made, 'renda deputy list at the county shows the deputy');
      assert.equal(made.township, '城关镇');
      assert.deepEqual(seen.pageErrors, []);
    } finally {
      await env.close();
    }
  }],
  ['duty records entered by keyboard only, one after another', async () => {
    const env = await bringUp('duty-keys');
    try {
      const { page, seen } = await openPage(env.browser);
      await signIn(page, env.township.url, kChair);
      await page.goto(`${env.township.url}#/entry/duty`);
      await page.waitForSelector('#f-deputy');
      const fieldCount = await page.$$eval('.record-form .field', (f) => f.length);
      const before = records(rendaJson(env.pair.township, ['duty', 'list'])).length;
      const titles = ['走访城东村', '视察敬老院', '调研农贸市场'];
      await page.focus('#f-deputy');
      for (const [i, title] of titles.entries()) {
        assert.equal(await page.evaluate(() => document.activeElement.id), 'f-deputy', 'the cursor starts on the first field');
        await page.keyboard.type(i % 2 ? '李秀英' : '张建国');
        await page.keyboard.press('Enter');
        await page.keyboard.type('视察');
        await page.keyboard.press('Enter');
        // The date: today by default; the first record types its own, the next keep it.
        if (i === 0) await page.keyboard.type('2026-11-20');
        await page.keyboard.press('Enter');
        await page.keyboard.type(title);
        for (let f = 4; f <= fieldCount; ++f) await page.keyboard.press('Enter');
        await page.waitForFunction((n) => document.querySelectorAll('main table.grid tbody tr').length === n, i + 1,
          { timeout: 10000 }).catch(async () => assert.fail(`record ${i + 1} not saved:\n${await page.innerText('main')}`));
      }
      const after = records(rendaJson(env.pair.township, ['duty', 'list']));
      assert.equal(after.length, before + titles.length);
      const text = JSON.stringify(after);
      for (const title of titles) assert.ok(text.includes(title), `${title} is in renda duty list`);
      assert.ok(text.includes('2026-11-20'));
      assert.deepEqual(seen.consoleErrors, []);
      assert.deepEqual(seen.pageErrors, []);
    } finally {
      await env.close();
    }
  }],
];
