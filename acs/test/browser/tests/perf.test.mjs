// With 100,000 devices stored, the device list's first page must render quickly. The figure
// is measured and printed (and written to reports/ui/device-list-perf.json); the assertion
// is a loose 5 s bound so a busy CI machine does not make the test flaky. The target is 1 s.
//
// ACS_WEB_PERF_DEVICES changes the device count (default 100000).

import {describe, test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {startAcs, launchBrowser, apiRequest, reportDir, screenshot} from '../lib/harness.mjs';
import {seedStore} from '../lib/seed.mjs';

const COUNT = Number(process.env.ACS_WEB_PERF_DEVICES || 100000);
const BOUND_MS = 5000;
const TARGET_MS = 1000;

describe(`device list with ${COUNT} devices`, {concurrency: false}, () => {
  let seed;
  let acs;
  let browser;

  before(async () => {
    seed = seedStore(COUNT, {parameters: false});
    console.log(`# seeded ${COUNT} devices in ${seed.ms} ms`);
    acs = await startAcs({dbPath: seed.dbPath});
    browser = await launchBrowser();
    browser.watch(acs.url);
  });

  after(async () => {
    const problems = browser?.problems ?? [];
    await browser?.close();
    await acs?.stop();
    if (seed) fs.rmSync(seed.dir, {recursive: true, force: true});
    assert.deepEqual(problems, []);
  });

  test('renders the first page well within the bound', async () => {
    const stats = await apiRequest(acs, 'GET', 'stats');
    assert.equal(stats.devices_total, COUNT);
    const {page} = browser;
    // Load the app once (assets cached like a returning operator's), then measure a cold
    // navigation to the device list: from the click to the first page of rows on screen.
    await page.goto(`${acs.url}/#/`);
    await page.getByRole('heading', {name: 'Overview'}).waitFor();

    const runs = [];
    for (let i = 0; i < 3; i += 1) {
      await page.goto(`${acs.url}/#/tasks`);
      await page.getByRole('heading', {name: 'Tasks'}).waitFor();
      const started = Date.now();
      await page.getByRole('link', {name: 'Devices'}).click();
      await page.locator('#device-table[data-state="loaded"] tbody tr[data-device-id]').first().waitFor({timeout: 30000});
      const ms = Date.now() - started;
      const apiMs = Number(await page.locator('#device-table').getAttribute('data-load-ms'));
      const rows = await page.locator('#device-table tbody tr[data-device-id]').count();
      runs.push({ms, api_ms: apiMs, rows});
    }
    // A full page load straight onto the device list (the browser revalidates its cached
    // assets with their ETags, as on any reload).
    await page.goto('about:blank');
    const coldStarted = Date.now();
    await page.goto(`${acs.url}/#/devices`, {waitUntil: 'commit'});
    await page.locator('#device-table[data-state="loaded"] tbody tr[data-device-id]').first().waitFor({timeout: 30000});
    const coldMs = Date.now() - coldStarted;
    const total = await page.locator('.pager .range').first().getAttribute('data-total');
    await screenshot(page, 'devices-100k');

    const best = Math.min(...runs.map((r) => r.ms));
    const worst = Math.max(...runs.map((r) => r.ms));
    const result = {devices: COUNT, seed_ms: seed.ms, navigations: runs, full_page_load_ms: coldMs,
                    best_ms: best, worst_ms: worst, target_ms: TARGET_MS, bound_ms: BOUND_MS,
                    measured_at: new Date().toISOString()};
    fs.writeFileSync(path.join(reportDir(), 'device-list-perf.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`# device list, ${COUNT} devices: first page rendered in ${runs.map((r) => r.ms).join(' / ')} ms ` +
                `(GET /api/devices ${runs.map((r) => r.api_ms).join(' / ')} ms), full page load ${coldMs} ms; ` +
                `target ${TARGET_MS} ms: ${worst <= TARGET_MS ? 'met' : 'MISSED'}`);
    // The list counts matches only up to the store's cap (GET /api/devices total_exact); the
    // pager then shows a lower bound with "+". The overview's total is exact.
    const listed = await apiRequest(acs, 'GET', 'devices?limit=1');
    const exact = await page.locator('.pager .range').first().getAttribute('data-total-exact');
    assert.equal(total, String(listed.total));
    assert.equal(exact, String(listed.total_exact !== false));
    if (listed.total_exact === false) {
      assert.ok(listed.total < COUNT && listed.total > 50, `a lower bound: ${listed.total}`);
      assert.match(await page.locator('.pager .range').first().textContent(), /\+ devices/);
    } else {
      assert.equal(total, String(COUNT));
    }
    assert.ok(runs.every((r) => r.rows === 50), `50 rows per page: ${JSON.stringify(runs)}`);
    assert.ok(worst < BOUND_MS, `first page took ${worst} ms (bound ${BOUND_MS} ms)`);
    assert.ok(coldMs < BOUND_MS, `full page load took ${coldMs} ms (bound ${BOUND_MS} ms)`);
  });
});
