// SPDX-License-Identifier: Apache-2.0
// The sync page's bundles: a township's bundle downloaded from its page and
// uploaded on the county office's page, with the progress bar and then the
// result in words; the county then has the township's records (renda CLI).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { bringUp, openPage, signIn, kChair, kAdmin, rendaJson } from './harness.mjs';

export const tests = [
  ['a bundle exported on one node\'s page and imported on another\'s, with progress and a result', async () => {
    const env = await bringUp('bundle', { peer: false });
    try {
      const town = await openPage(env.browser);
      await signIn(town.page, env.township.url, kChair);
      await town.page.goto(`${env.township.url}#/sync`);
      await town.page.waitForSelector('#export');
      const [download] = await Promise.all([town.page.waitForEvent('download'), town.page.click('#export')]);
      const bundle = join(env.work, 'from-township.bundle');
      await download.saveAs(bundle);
      assert.ok(statSync(bundle).size > 100, 'the bundle has the township\'s changes');

      const before = JSON.stringify(rendaJson(env.pair.county, ['deputy', 'list']));
      assert.ok(!before.includes('张建国'));
      const county = await openPage(env.browser);
      await signIn(county.page, env.county.url, kAdmin);
      await county.page.goto(`${env.county.url}#/sync`);
      await county.page.waitForSelector('#bundle-file');
      await county.page.setInputFiles('#bundle-file', bundle);
      await county.page.waitForSelector('#job-result', { timeout: 30000 })
        .catch(async () => assert.fail(`no result shown:\n${await county.page.innerText('main')}`));
      assert.equal(await county.page.getAttribute('.progress', 'aria-valuenow'), '100');
      const result = await county.page.innerText('#job-result');
      assert.match(result, /生效的变更：[1-9]/, result);
      const after = JSON.stringify(rendaJson(env.pair.county, ['deputy', 'list']));
      assert.ok(after.includes('张建国'), 'the county has the township\'s deputy');
      for (const seen of [town.seen, county.seen]) {
        assert.deepEqual(seen.pageErrors, []);
        assert.deepEqual(seen.consoleErrors, []);
      }
    } finally {
      await env.close();
    }
  }],
];
