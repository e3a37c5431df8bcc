// SPDX-License-Identifier: Apache-2.0
// The browser tests' harness, for any test that drives the pages: real
// stores made with the renda CLI (a county office and an enrolled township),
// real `renda serve` processes on loopback, and Debian's Chromium driven by
// playwright-core with a fresh profile, recording every request, console
// error and page error. Used by tests/browser/*.test.mjs through run.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const kChromium = process.env.RENDA_CHROMIUM || '/usr/bin/chromium';
export const kRepo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const kAdmin = { name: 'admin', password: 'browser-test-pass-1' };
export const kChair = { name: '主席', password: 'browser-test-pass-2' };

// Why the browser tests cannot run here, or '' when they can.
export function missingPrerequisite() {
  if (!existsSync(kChromium))
    return `${kChromium} is missing (apt-get install -y chromium fonts-noto-cjk, or RENDA_CHROMIUM=PATH)`;
  try {
    createRequire(join(kRepo, 'package.json')).resolve('playwright-core');
  } catch (e) {
    return `playwright-core is missing from node_modules (run npm ci in ${kRepo})`;
  }
  return '';
}

export function rendaBinary() {
  const bin = process.env.RENDA_BIN || join(kRepo, 'build', 'app', 'renda');
  if (!existsSync(bin)) throw new Error(`renda binary not found at ${bin} (set RENDA_BIN)`);
  return bin;
}

// A folder for one test's stores, removed by cleanup() unless RENDA_KEEP=1.
export function workFolder(tag) {
  const dir = mkdtempSync(join(tmpdir(), `renda-browser-${tag}-`));
  return { dir, cleanup: () => { if (process.env.RENDA_KEEP !== '1') rmSync(dir, { recursive: true, force: true }); } };
}

// Runs `renda --data DIR ARGS...`; throws with its output unless it exits 0.
export function renda(dataDir, args, { password, allowFail } = {}) {
  const env = { ...process.env, LANG: 'C.UTF-8' };
  if (password) env.RENDA_PASSWORD = password;
  const r = spawnSync(rendaBinary(), ['--data', dataDir, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0 && !allowFail)
    throw new Error(`renda ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

export function rendaJson(dataDir, args) {
  return JSON.parse(renda(dataDir, [...args, '--json']).stdout);
}

// A county office (示范县, web account admin) and one enrolled township
// (城关镇, web account 主席), each an initialised store in `root`.
export function makeCountyPair(root, township = '城关镇') {
  const county = join(root, 'county');
  const town = join(root, 'township');
  renda(county, ['county', 'init', '--name', '示范县', '--admin', kAdmin.name], { password: kAdmin.password });
  const init = renda(town, ['init', '--admin', kChair.name], { password: kChair.password }).stdout;
  const key = /Node key: ([0-9a-f]{64})/.exec(init);
  if (!key) throw new Error(`renda init printed no node key:\n${init}`);
  const enroll = join(root, 'enroll.bundle');
  renda(county, ['enroll', '--node', key[1], '--township', township, '-o', enroll]);
  renda(town, ['join', enroll]);
  return { county, township: town, townshipName: township };
}

// A few records on a township store so that the pages have something to show.
export function seedTownship(dir) {
  renda(dir, ['deputy', 'add', '--name', '张建国', '--gender', '男', '--level', '乡镇级']);
  renda(dir, ['deputy', 'add', '--name', '李秀英', '--gender', '女', '--level', '乡镇级']);
  renda(dir, ['station', 'add', '--name', '城关镇代表之家', '--receptionSchedule', '每月15日']);
  const deputies = rendaJson(dir, ['deputy', 'list']);
  const list = Array.isArray(deputies) ? deputies : deputies.records || deputies.deputies || [];
  const zhang = list.find((d) => JSON.stringify(d).includes('张建国'));
  const id = zhang && (zhang.id || zhang.record?.id);
  renda(dir, ['duty', 'add', '--deputy', id, '--type', '视察', '--date', '2026-11-18', '--title', '视察城东村道']);
  renda(dir, ['suggestion', 'add', '--title', '关于修缮城东村道的建议', '--lead', id, '--body', '城东村道年久失修，雨天积水。']);
  return { deputyId: id };
}

// `renda serve` on loopback with the web interface on a port of the
// system's choosing; resolves when its first log line gives the address.
// listen: where it takes sync sessions (off: nowhere, syncAddress null).
export function startServe(dataDir, extra = [], { listen = '127.0.0.1:0' } = {}) {
  const args = ['--data', dataDir, 'serve', '--listen', listen, '--web', '127.0.0.1:0',
    '--discovery', 'off', ...extra];
  const child = spawn(rendaBinary(), args, { env: { ...process.env, LANG: 'C.UTF-8' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`renda serve gave no address in 15 s:\n${log}`)), 15000);
    const onData = (chunk) => {
      log += chunk;
      const m = /(?:listening on (127\.0\.0\.1:\d+)|not listening), web at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[2], syncAddress: m[1] || null, log: () => log,
          stop: () => new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`renda serve exited ${code}:\n${log}`)); });
  });
}

// Chromium with a fresh profile. Returns {context, profile, close()}.
export async function launchBrowser() {
  const require = createRequire(join(kRepo, 'package.json'));
  const { chromium } = require('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'renda-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: kChromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    locale: 'zh-CN',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  return {
    context,
    close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

const seenOf = new WeakMap();

// A new tab that records every request URL, console error, page error and
// failed response.
export async function openPage(browser) {
  const page = await browser.context.newPage();
  const seen = { requests: [], consoleErrors: [], pageErrors: [], failed: [] };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('response', (r) => { if (r.status() >= 400) seen.failed.push(`${r.status()} ${r.request().method()} ${r.url()}`); });
  page.on('console', (m) => {
    if (m.type() === 'error') seen.consoleErrors.push(`${m.text()} (${m.location().url || ''}) @ ${page.url()}`);
  });
  page.on('pageerror', (e) => seen.pageErrors.push(`${e.message} @ ${page.url()}`));
  seenOf.set(page, seen);
  return { page, seen };
}

// Signs in on the sign-in page and waits for the navigation bar. Before
// that, the page asks GET /api/session, which answers 401 by design; that
// one failure is taken off the page's record (Chromium logs it as an error).
export async function signIn(page, url, account = kAdmin) {
  await page.goto(url);
  await page.fill('#name', account.name);
  await page.fill('#password', account.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('header.top nav', { timeout: 10000 });
  const seen = seenOf.get(page);
  if (seen) {
    const expected = (e) => /401 .*\/api\/session\b/.test(e);
    seen.consoleErrors.splice(0, seen.consoleErrors.length, ...seen.consoleErrors.filter((e) => !expected(e)));
    seen.failed.splice(0, seen.failed.length, ...seen.failed.filter((e) => !/^401 GET .*\/api\/session$/.test(e)));
  }
}

// The requests that went anywhere but this computer's loopback.
export function offMachine(urls) {
  return urls.filter((u) => !/^(https?:\/\/127\.0\.0\.1[:/]|data:|blob:|about:)/.test(u));
}


// The whole setting most tests want: a county and a township store (the
// township seeded), both served, the township syncing with the county, and
// Chromium. Returns {pair, county, township, browser, seed, work, close()};
// county and township are startServe()'s handles. peer: false leaves the
// township without the county as its neighbour (changes move by bundle only).
export async function bringUp(tag, { seed = true, peer = true } = {}) {
  const work = workFolder(tag);
  const pair = makeCountyPair(work.dir);
  const seeded = seed ? seedTownship(pair.township) : null;
  const county = await startServe(pair.county);
  const township = await startServe(pair.township, peer ? ['--peer', county.syncAddress] : []);
  const browser = await launchBrowser();
  return {
    pair, county, township, browser, seed: seeded, work: work.dir,
    close: async () => {
      await browser.close();
      await township.stop();
      await county.stop();
      work.cleanup();
    },
  };
}
