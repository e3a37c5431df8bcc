// SPDX-License-Identifier: Apache-2.0
// What the browser sees of the server's guards: a write from a signed-in page
// without the CSRF token is refused (403 csrf) and changes nothing, a call
// without the session is 401, and the pages come with a policy that lets
// scripts come from this server only.
import assert from 'node:assert/strict';
import { bringUp, openPage, signIn, kChair, rendaJson } from './harness.mjs';

export const tests = [
  ['a write without the CSRF token is refused; the pages allow scripts from this server only', async () => {
    const env = await bringUp('security', { seed: false });
    try {
      const { page } = await openPage(env.browser);
      const first = await page.goto(env.township.url);
      const policy = first.headers()['content-security-policy'];
      assert.match(policy, /script-src 'self'(;|$)/);
      assert.match(policy, /connect-src 'self'/);
      assert.doesNotMatch(policy, /script-src[^;]*unsafe/);
      assert.ok(first.headers().etag, 'the page has an ETag');
      const unsigned = await page.evaluate(async () => (await fetch('/api/status')).status);
      assert.equal(unsigned, 401);
      await signIn(page, env.township.url, kChair);
      const refused = await page.evaluate(async () => {
        const r = await fetch('/api/deputies', { method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: '无令牌' }) });
        return { status: r.status, body: await r.json() };
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, 'csrf');
      const list = JSON.stringify(rendaJson(env.pair.township, ['deputy', 'list']));
      assert.ok(!list.includes('无令牌'), 'the refused write changed nothing');
      const asset = await page.evaluate(async () => {
        const r = await fetch('/assets/app.js');
        const again = await fetch('/assets/app.js', { headers: { 'If-None-Match': r.headers.get('ETag') } });
        return { type: r.headers.get('Content-Type'), again: again.status };
      });
      assert.match(asset.type, /^text\/javascript/);
      assert.ok(asset.again === 304 || asset.again === 200);
    } finally {
      await env.close();
    }
  }],
];
