// SPDX-License-Identifier: Apache-2.0
// A suggestion's walk across two real nodes in the browser: a township and
// the county office, each a `renda serve` on its own store, the township
// syncing with the county every second through a link this test can cut.
// On the township's pages a deputy is registered and a suggestion entered
// and submitted; on the county's it is registered, assigned, accepted and
// answered; the township records the deputy's rating; the county closes it.
// After each step both nodes' pages show the state, the timeline names the
// node that did it, and only the actions that node may take are offered.
// Then a conflict made while the link is cut is resolved on the 冲突 page
// (both nodes' digests agree after), an XLSX report is downloaded and read
// back, and the English switch changes a page's words.
import assert from 'node:assert/strict';
import net from 'node:net';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import {
  workFolder, makeCountyPair, startServe, launchBrowser, openPage, signIn, renda, rendaJson,
  offMachine, kAdmin, kChair,
} from './harness.mjs';

// A TCP relay from a loopback port to `target` ("127.0.0.1:PORT"); cut()
// drops its connections and refuses new ones until mend().
async function cuttableLink(target) {
  const [host, port] = target.split(':');
  const open = new Set();
  let up = true;
  const server = net.createServer((inbound) => {
    if (!up) { inbound.destroy(); return; }
    const outbound = net.connect(Number(port), host);
    for (const [a, b] of [[inbound, outbound], [outbound, inbound]]) {
      open.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => { open.delete(a); b.destroy(); });
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    address: `127.0.0.1:${server.address().port}`,
    cut: () => { up = false; for (const s of open) s.destroy(); },
    mend: () => { up = true; },
    close: () => new Promise((done) => { for (const s of open) s.destroy(); server.close(done); }),
  };
}

// The cells of an XLSX file's first sheet: {A1: {type, value}}, read with
// zlib alone (an XLSX is a zip of XML parts).
function readXlsx(file) {
  const zip = readFileSync(file);
  const parts = {};
  let at = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(at >= 0, 'the XLSX is a zip');
  const entries = zip.readUInt16LE(at + 10);
  let p = zip.readUInt32LE(at + 16);
  for (let i = 0; i < entries; ++i) {
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataAt, dataAt + size);
    parts[name] = (method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
  }
  const shared = [...(parts['xl/sharedStrings.xml'] || '').matchAll(/<si>([\s\S]*?)<\/si>/g)]
    .map((m) => [...m[1].matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((t) => t[1]).join(''));
  const sheetName = Object.keys(parts).find((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
  assert.ok(sheetName, `a worksheet among ${Object.keys(parts).join(', ')}`);
  const cells = {};
  for (const m of parts[sheetName].matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const type = (/t="(\w+)"/.exec(m[2]) || [])[1] || 'n';
    const v = (/<v>([^<]*)<\/v>/.exec(m[3] || '') || [])[1];
    const inline = (/<t[^>]*>([^<]*)<\/t>/.exec(m[3] || '') || [])[1];
    if (type === 's') cells[m[1]] = { type: 'string', value: shared[Number(v)] };
    else if (type === 'inlineStr' || type === 'str') cells[m[1]] = { type: 'string', value: inline ?? v };
    else if (v !== undefined) cells[m[1]] = { type: 'number', value: Number(v), style: (/s="(\d+)"/.exec(m[2]) || [])[1] };
  }
  return cells;
}

// How the timeline names each node.
const kTown = '城关镇人大';
const kCounty = '县人大常委会办公室';

const text = (page, selector) => page.innerText(selector);

// Waits until the suggestion's page on `node` shows state `label`, reloading
// it (the other node's change arrives by sync); returns its timeline rows.
async function seeState(side, ref, label, timeout = 15000) {
  const { page, url } = side;
  const until = Date.now() + timeout;
  for (;;) {
    await page.goto(`${url}#/suggestions/${encodeURIComponent(ref)}`);
    await page.reload();
    await page.waitForSelector('section.page h1', { timeout: 10000 });
    await page.waitForFunction(() => !document.querySelector('.loading'), null, { timeout: 10000 });
    const tag = await page.$eval('.page-actions .tag', (e) => e.innerText).catch(() => '');
    if (tag === label) break;
    if (Date.now() > until)
      assert.fail(`${side.name} still shows "${tag}", not "${label}":\n${await text(page, 'main')}`);
    await page.waitForTimeout(300);
  }
  return page.$$eval('main table.grid tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.innerText.trim())));
}

// Polls `check` (sync or async) until it holds, for up to 15 s.
async function waitFor(check, what, timeout = 15000) {
  const until = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`timed out: ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

async function actionButtons(page) {
  return (await page.$$eval('.actions button[id^=action-]', (b) => b.map((x) => x.id.slice('action-'.length)))).sort();
}

// Takes `action` on the suggestion's page: its button, its form, confirm.
async function act(page, action, values) {
  await page.click(`#action-${action}`);
  await page.waitForSelector('.actions .panel .record-form');
  for (const [name, value] of Object.entries(values)) {
    const el = await page.$(`.actions .panel #f-${name}`);
    assert.ok(el, `the ${action} form has the field ${name}`);
    if (await el.evaluate((e) => e.tagName === 'SELECT')) await el.selectOption(value);
    else await el.fill(value);
  }
  await page.click('.actions .panel button[type=submit]');
  await page.waitForFunction(() => !document.querySelector('.actions .panel'), null, { timeout: 10000 })
    .catch(async () => assert.fail(`${action} did not go through:\n${await page.innerText('main')}`));
}

export const tests = [
  ['a suggestion walks from a township through the county office and back, in two browsers, while the nodes sync', async () => {
    const work = workFolder('walk');
    const stop = [];
    try {
      const pair = makeCountyPair(work.dir);
      renda(pair.county, ['unit', 'add', '--name', '县交通运输局']);
      const county = await startServe(pair.county, ['--routine', '1']);
      stop.push(() => county.stop());
      const link = await cuttableLink(county.syncAddress);
      stop.push(() => link.close());
      // The township dials the county (its neighbour) and takes no sessions
      // itself, so cutting the link parts them.
      renda(pair.township, ['neighbour', 'add', link.address]);
      const township = await startServe(pair.township, ['--routine', '1', '--max-backoff', '1'], { listen: 'off' });
      stop.push(() => township.stop());
      // Two people on two computers: each browser its own profile (the
      // session cookie is per host, not per port).
      const townBrowser = await launchBrowser();
      stop.push(() => townBrowser.close());
      const countyBrowser = await launchBrowser();
      stop.push(() => countyBrowser.close());
      const town = { ...(await openPage(townBrowser)), url: township.url, name: 'the township' };
      const office = { ...(await openPage(countyBrowser)), url: county.url, name: 'the county office' };
      await signIn(town.page, town.url, kChair);
      await signIn(office.page, office.url, kAdmin);
      const step = (name) => console.log(`  · ${name}`);

      step('the township registers a deputy through the form');
      await town.page.goto(`${town.url}#/deputies`);
      await town.page.click('#add');
      await town.page.fill('#f-name', '王立新');
      await town.page.selectOption('#f-gender', '男');
      await town.page.selectOption('#f-level', '县级');
      await town.page.click('.record-form button[type=submit]');
      await town.page.waitForSelector('p.ok');
      assert.match(await text(town.page, 'p.ok'), /王立新/);

      step('the township types the deputy\'s duty records with the keyboard only');
      await town.page.goto(`${town.url}#/entry/duty`);
      await town.page.waitForSelector('#f-deputy');
      const fieldCount = await town.page.$$eval('.record-form .field', (f) => f.length);
      const duties = ['视察城东公路', '走访城东村'];
      await town.page.focus('#f-deputy');
      for (const [i, title] of duties.entries()) {
        // No wait: the next record is typed as soon as the last one shows as saved.
        for (const value of ['王立新', '视察', i === 0 ? '2026-11-20' : null, title]) {
          if (value !== null) await town.page.keyboard.type(value);
          await town.page.keyboard.press('Enter');
        }
        for (let f = 5; f <= fieldCount; ++f) await town.page.keyboard.press('Enter');
        await town.page.waitForFunction((n) => document.querySelectorAll('main table.grid tbody tr').length === n, i + 1,
          { timeout: 10000 }).catch(async () => assert.fail(`duty record ${i + 1} not saved:\n${await text(town.page, 'main')}`));
      }

      step('the township enters a suggestion with that lead deputy and submits it');
      await town.page.goto(`${town.url}#/suggestions`);
      await town.page.click('#add');
      await town.page.fill('#f-title', '关于拓宽城东公路的建议');
      await town.page.fill('#f-body', '城东公路路面狭窄，早晚拥堵。');
      await town.page.fill('#f-lead', '王立新');
      await town.page.selectOption('#f-level', '县级');
      await town.page.selectOption('#f-category', '城建环资');
      await town.page.click('.record-form button[type=submit]');
      await town.page.waitForFunction(() => /^#\/suggestions\/[0-9a-f]{16,}/.test(location.hash), null, { timeout: 10000 })
        .catch(async () => assert.fail(`the suggestion was not entered:\n${await text(town.page, 'main')}`));
      const id = decodeURIComponent(town.page.url().split('#/suggestions/')[1]);
      await seeState(town, id, '草稿');
      assert.match(await text(town.page, 'dl.fields'), /王立新/, 'the lead deputy by name');
      assert.deepEqual(await actionButtons(town.page), ['cosign', 'submit', 'withdraw'], 'a draft on its township');
      await act(town.page, 'submit', {});

      const expectations = async (label, by, townActions, countyActions) => {
        for (const side of [town, office]) {
          const rows = await seeState(side, id, label);
          const last = rows[rows.length - 1];
          assert.equal(last && last[2], by, `${side.name}: the timeline's last row is by ${by}: ${JSON.stringify(rows)}`);
          assert.ok(rows.every((r) => r[4] === '签名有效' && r[5] === '已生效'), `${side.name}: every change signed and applied: ${JSON.stringify(rows)}`);
          assert.deepEqual(await actionButtons(side.page), side === town ? townActions : countyActions,
            `${side.name}: the actions offered in ${label}`);
          if (!(side === town ? townActions : countyActions).length)
            assert.match(await text(side.page, '.actions, p.empty'), /没有可做的操作/);
        }
      };
      await expectations('已提交', kTown, ['cosign', 'withdraw'], ['cosign', 'register', 'reject', 'withdraw']);

      step('the county office registers it, assigns it to a unit, the unit accepts and replies');
      await act(office.page, 'register', { number: '闭-2026-001' });
      await expectations('已登记', kCounty, [], ['assign', 'markKey', 'renumber', 'supervise']);
      await act(office.page, 'assign', { unit: '县交通运输局', deadline: '2027-02-20' });
      await expectations('已交办', kCounty, ['urge'],
        ['accept', 'assign', 'extend', 'markKey', 'meet', 'progress', 'renumber', 'return', 'supervise', 'urge']);
      await act(office.page, 'accept', { unit: '县交通运输局' });
      await expectations('办理中', kCounty, ['urge'], ['extend', 'markKey', 'meet', 'progress', 'renumber', 'reply', 'supervise', 'urge']);
      await act(office.page, 'reply', { unit: '县交通运输局', outcome: 'A', text: '已列入明年道路改造计划。' });
      await expectations('已答复', kCounty, ['evaluate'], ['carryOver', 'close', 'evaluate', 'markKey', 'renumber', 'supervise']);

      step('the township records the deputy\'s rating');
      await act(town.page, 'evaluate', { result: '满意', rater: '王立新' });
      await expectations('已测评', kTown, [], ['carryOver', 'close', 'markKey', 'renumber', 'supervise']);

      step('the county office closes it');
      await act(office.page, 'close', {});
      await expectations('办结', kCounty, [], ['carryOver', 'markKey', 'renumber', 'supervise']);

      step('the duty records on the deputy\'s page at the county office');
      await office.page.goto(`${office.url}#/deputies/${encodeURIComponent('王立新')}?year=2026`);
      await office.page.waitForFunction((ts) => ts.every((x) => document.querySelector('main').innerText.includes(x)),
        duties, { timeout: 10000 }).catch(async () => assert.fail(`the county's archive lacks the duty records:\n${await text(office.page, 'main')}`));

      step('a conflict made while the link is cut, resolved on the county\'s 冲突 page');
      link.cut();
      const deputy = rendaJson(pair.township, ['deputy', 'list']).find((d) => JSON.stringify(d).includes('王立新'));
      assert.ok(deputy && deputy.id, 'the township lists the deputy');
      const digest = (dir) => renda(dir, ['digest']).stdout.trim();
      await waitFor(() => digest(pair.county) === digest(pair.township), 'the nodes agree before the cut');
      renda(pair.township, ['deputy', 'edit', deputy.id, '--post', '城东村党支部书记']);
      renda(pair.county, ['deputy', 'edit', deputy.id, '--post', '城关镇城东村村委会主任']);
      await office.page.waitForTimeout(1500);
      assert.notEqual(digest(pair.county), digest(pair.township), 'the cut link kept the edits apart');
      link.mend();
      await office.page.goto(`${office.url}#/conflicts`);
      await waitFor(async () => {
        await office.page.reload();
        await office.page.waitForSelector('section.page h2');
        return (await office.page.$$('article.conflict')).length === 1;
      }, 'the conflict reaches the county office\'s 冲突 page');
      const sides = await office.page.$$eval('article.conflict .side', (els) => els.map((e) => e.innerText));
      assert.equal(sides.length, 2, 'two values side by side');
      assert.ok(sides.some((x) => x.includes('城东村党支部书记') && x.includes(kTown)), `the township's value by its node: ${sides}`);
      assert.ok(sides.some((x) => x.includes('城关镇城东村村委会主任') && x.includes(kCounty)), `the county's value by its node: ${sides}`);
      assert.match(await text(office.page, 'article.conflict h3'), /王立新/);
      const pick = await office.page.$$('article.conflict .side');
      const townSide = (await Promise.all(pick.map((e) => e.innerText()))).findIndex((x) => x.includes(kTown));
      await (await pick[townSide].$('button')).click();
      await office.page.waitForFunction(() => document.querySelectorAll('article.conflict').length === 0, null, { timeout: 10000 });
      await waitFor(() => digest(pair.county) === digest(pair.township), 'both nodes hold the same records after the resolution');
      for (const dir of [pair.county, pair.township]) {
        const shown = JSON.stringify(rendaJson(dir, ['deputy', 'show', deputy.id]));
        assert.ok(shown.includes('城东村党支部书记') && !shown.includes('村委会主任'), `the picked value on ${dir}: ${shown}`);
      }
      await town.page.goto(`${town.url}#/conflicts`);
      await town.page.waitForSelector('section.page h2');
      await town.page.waitForFunction(() => !document.querySelector('.loading'));
      assert.equal((await town.page.$$('article.conflict')).length, 0, 'no conflict left on the township');

      step('an XLSX report downloaded from the county\'s report page and read back');
      await office.page.goto(`${office.url}#/reports/summary`);
      await office.page.waitForSelector('#download-xlsx');
      const [download] = await Promise.all([office.page.waitForEvent('download'), office.page.click('#download-xlsx')]);
      const xlsx = join(work.dir, 'summary.xlsx');
      await download.saveAs(xlsx);
      const cells = readXlsx(xlsx);
      const numbers = Object.entries(cells).filter(([, c]) => c.type === 'number');
      assert.ok(numbers.length >= 3, `counts and rates are numbers: ${JSON.stringify(cells)}`);
      const strings = Object.values(cells).filter((c) => c.type === 'string').map((c) => c.value).join(' ');
      assert.match(strings, /率/, 'the rates are named');
      assert.ok(numbers.some(([, c]) => c.value === 1), 'the one suggestion is counted');

      step('English on the township\'s suggestion page');
      await town.page.goto(`${town.url}#/suggestions/${encodeURIComponent('闭-2026-001')}`);
      await town.page.waitForSelector('main h2');
      const zh = await town.page.$$eval('main h2', (h) => h.map((x) => x.innerText));
      assert.deepEqual(zh, ['建议内容', '办理经过']);
      await town.page.click('#lang');
      await town.page.waitForFunction(() => document.querySelector('main h2') && document.querySelector('main h2').innerText !== '建议内容');
      const en = await town.page.$$eval('main h2', (h) => h.map((x) => x.innerText));
      assert.deepEqual(en, ['The suggestion', 'Timeline']);
      assert.match(await text(town.page, 'main'), /Nothing this node may do/);

      for (const side of [town, office]) {
        assert.deepEqual(side.seen.pageErrors, [], `${side.name}: page errors`);
        // GET /api/strings is in docs/api.md's contract, not yet built: the
        // pages then read the table's copy in /assets/strings.tsv.
        const unbuilt = (e) => /\/api\/strings\?lang=/.test(e);
        assert.deepEqual(side.seen.consoleErrors.filter((e) => !unbuilt(e)), [], `${side.name}: console errors`);
        assert.deepEqual(side.seen.failed.filter((e) => !unbuilt(e)), [], `${side.name}: failed requests`);
        assert.deepEqual(offMachine(side.seen.requests), [], `${side.name}: requests that left 127.0.0.1`);
      }
    } finally {
      for (const s of stop.reverse()) await s().catch(() => {});
      work.cleanup();
    }
  }],
];
