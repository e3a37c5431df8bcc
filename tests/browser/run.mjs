// SPDX-License-Identifier: Apache-2.0
// A tiny runner for the browser tests: `node run.mjs FILE.test.mjs`. A test
// file exports `tests`, a list of [name, async fn]. Exits 0 when every test
// passed, 1 when one failed, 77 (CTest's SKIP_RETURN_CODE) when Chromium or
// playwright-core is missing here, saying which.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { missingPrerequisite } from './harness.mjs';

const file = process.argv[2];
const only = process.argv[3] || '';
const missing = missingPrerequisite();
if (missing) {
  console.log(`SKIPPED: the browser tests need Chromium and playwright-core: ${missing}`);
  process.exit(77);
}
const { tests } = await import(pathToFileURL(resolve(file)).href);
let failed = 0;
for (const [name, fn] of tests) {
  if (only && !name.includes(only)) continue;
  const started = Date.now();
  try {
    await fn();
    console.log(`ok     ${name}  (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAILED ${name}  (${Date.now() - started} ms)\n${e && e.stack ? e.stack : e}`);
  }
}
process.exit(failed ? 1 : 0);
