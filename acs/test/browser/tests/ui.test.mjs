// The dashboard in a real browser against the real ACS and a simulated device:
// log in, overview numbers = API, filter the device list, open a device, browse and search the
// parameter tree, edit a writable value and watch its SetParameterValues task complete, reboot
// and see the BOOT session, an API error shown, pending tasks cancelled, the ACS going away.
// Screenshots of each page go to reports/ui/.

import {describe, test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {startAcs, startCpeSim, launchBrowser, apiRequest, screenshot, waitFor} from '../lib/harness.mjs';
import {seedStore} from '../lib/seed.mjs';

const API_KEY = 'browser-test-key-7f3a';
const SEEDED = 30;   // synthetic devices besides the simulated one (every third offline)

describe('dashboard against the real ACS', {concurrency: false}, () => {
  let acs;
  let cpe;
  let browser;
  let page;
  let seed;

  before(async () => {
    seed = seedStore(SEEDED);
    acs = await startAcs({apiKey: API_KEY, dbPath: seed.dbPath});
    cpe = await startCpeSim(acs);
    browser = await launchBrowser();
    browser.watch(acs.url);
    page = browser.page;
    page.setDefaultTimeout(20000);
  });

  after(async () => {
    const problems = browser?.problems ?? [];
    await browser?.close();
    await cpe?.stop();
    await acs?.stop();
    if (seed) fs.rmSync(seed.dir, {recursive: true, force: true});
    assert.deepEqual(problems, [], 'no page errors and no request to another origin');
  });

  test('asks for the API key, refuses a wrong one, keeps the right one in sessionStorage only', async () => {
    await page.goto(`${acs.url}/`);
    await page.getByRole('heading', {name: 'Log in to the ACS'}).waitFor();
    await screenshot(page, 'login');
    const keyField = page.getByLabel('API key');
    await keyField.fill('not-the-key');
    await keyField.press('Enter');
    await page.getByText('The ACS refused this API key.').waitFor();
    await keyField.fill(API_KEY);
    await page.getByRole('button', {name: 'Log in'}).click();
    await page.getByRole('heading', {name: 'Overview'}).waitFor();
    const storage = await page.evaluate(() => ({
      session: sessionStorage.getItem('acs.apiKey'),
      local: Object.keys(localStorage).length,
      cookie: document.cookie,
    }));
    assert.equal(storage.session, API_KEY);
    assert.equal(storage.local, 0);
    assert.equal(storage.cookie, '');
    assert.ok(await page.getByRole('button', {name: 'Log out'}).isVisible());
  });

  test('overview numbers match GET /api/stats', async () => {
    const read = (key) => page.locator(`[data-stat="${key}"]`).getAttribute('data-value');
    await waitFor(async () => (await read('devices_total')) !== null && (await read('devices_total')) !== '',
                  'the overview to show numbers');
    // The UI polls; compare with the API until one poll saw the same state (numbers move).
    await waitFor(async () => {
      const stats = await apiRequest(acs, 'GET', 'stats');
      return Number(await read('devices_total')) === stats.devices_total &&
             Number(await read('devices_online')) === stats.devices_online &&
             Number(await read('devices_offline')) === stats.devices_total - stats.devices_online &&
             Number(await read('faults_last_24h')) === stats.faults_last_24h &&
             Number(await read('sessions_last_hour')) === stats.sessions_last_hour &&
             Number(await read('devices_seen_last_hour')) === stats.devices_seen_last_hour;
    }, 'overview cards equal to GET /api/stats', {timeoutMs: 15000, intervalMs: 500});
    const stats = await apiRequest(acs, 'GET', 'stats');
    assert.equal(stats.devices_total, SEEDED + 1);
    assert.ok(stats.devices_seen_last_hour >= 1, 'the simulated device informed just now');
    assert.equal(await page.locator('[data-health]').getAttribute('data-health'), 'ok');

    // The charts: inline SVG drawn from GET /api/stats/timeseries and /api/stats/breakdown.
    const activity = page.locator('svg.chart[role="img"][aria-label^="Informs and sessions per minute"]');
    await activity.waitFor();
    assert.ok(await activity.locator('path').count() >= 2, 'one line per series');
    const classes = page.locator('svg.chart[role="img"][aria-label^="Top product classes"]');
    await classes.waitFor();
    const breakdown = await apiRequest(acs, 'GET', 'stats/breakdown?field=product_class&limit=8');
    const bars = breakdown.items.length + (breakdown.other ? 1 : 0);
    assert.equal(await classes.locator('rect.bar').count(), bars, 'one bar per value (and other)');
    assert.ok(breakdown.items.some((item) => item.value === 'BrowserGW'));
    await page.locator('svg.chart[role="img"][aria-label^="Top software versions"]').waitFor();
    assert.equal(await page.getByText('not available on this ACS').count(), 0, 'every overview endpoint exists');
    await screenshot(page, 'overview');
  });

  test('filters the device list on the server', async () => {
    await page.getByRole('link', {name: 'Devices'}).click();
    const rows = page.locator('#device-table tbody tr[data-device-id]');
    await page.locator('#device-table[data-state="loaded"]').waitFor();
    assert.equal(await rows.count(), SEEDED + 1);
    await screenshot(page, 'devices');

    const productClass = page.getByRole('textbox', {name: 'Product class'});
    await productClass.fill('BrowserGW');
    await productClass.press('Enter');
    await waitFor(async () => (await rows.count()) === 1, 'one BrowserGW device');
    assert.equal(await rows.first().getAttribute('data-device-id'), cpe.deviceId);
    assert.match(page.url(), /product_class=BrowserGW/);

    await page.getByRole('button', {name: 'Clear filters'}).click();
    await page.getByRole('searchbox', {name: 'Search'}).fill('SEED0000004');
    await page.getByRole('button', {name: 'Apply filters'}).click();
    await waitFor(async () => (await rows.count()) === 1, 'the free-text match');
    assert.match(await rows.first().getAttribute('data-device-id'), /SEED0000004$/);

    await page.getByRole('button', {name: 'Clear filters'}).click();
    await page.getByRole('combobox', {name: 'Status'}).selectOption('false');
    const offline = await apiRequest(acs, 'GET', 'devices?online=false&limit=1');
    await waitFor(async () => (await page.locator('.pager .range').first().getAttribute('data-total')) === String(offline.total),
                  `the offline count ${offline.total}`);
    assert.ok(offline.total >= SEEDED / 3);
    await page.getByRole('combobox', {name: 'Status'}).selectOption('');

    // Sorting by serial, descending on the second click: the first row is the largest serial.
    const sortSerial = page.getByRole('button', {name: /^Sort by Serial/});
    await sortSerial.click();
    await sortSerial.click();
    await waitFor(async () => (await page.locator('th[aria-sort="descending"]').count()) === 1, 'descending sort');
    const expected = await apiRequest(acs, 'GET', 'devices?sort=-serial_number&limit=1');
    await waitFor(async () => (await rows.first().getAttribute('data-device-id')) === expected.items[0].id,
                  'the row order of GET /api/devices?sort=-serial_number');
  });

  test('opens the simulated device and browses and searches its parameter tree', async () => {
    await page.goto(`${acs.url}/#/devices`);
    await page.getByRole('link', {name: cpe.deviceId}).click();
    await page.getByRole('heading', {name: cpe.deviceId}).waitFor();
    await page.getByText('BrowserGW', {exact: true}).waitFor();

    // Read the whole tree from the device (GetParameterNames + GetParameterValues).
    await page.getByRole('toolbar').getByRole('button', {name: 'Refresh parameters'}).click();
    const dialog = page.getByRole('dialog', {name: 'Refresh parameters from the device'});
    await dialog.getByLabel('Subtree').fill('Device.');
    await dialog.getByRole('button', {name: 'Refresh'}).click();
    await page.locator('[aria-label="Tasks started from this page"] li', {hasText: 'Refresh Device.'})
      .locator('.badge.completed').waitFor({timeout: 30000});

    const wifi = page.locator('li[data-name="Device.WiFi."] > .node-row .toggle');
    await wifi.waitFor();
    await wifi.click();
    await page.locator('li[data-name="Device.WiFi.SSID."] > .node-row .toggle').click();
    await page.locator('li[data-name="Device.WiFi.SSID.1."] > .node-row .toggle').click();
    const ssid = page.locator('.tree [data-param="Device.WiFi.SSID.1.SSID"]').first();
    await ssid.waitFor();
    assert.equal((await ssid.locator('.leaf-value').textContent()).trim(), 'lab-net');
    assert.match(await ssid.locator('.leaf-meta').textContent(), /xsd:string · writable/);

    const search = page.getByLabel('Search parameters');
    await search.fill('ssid');
    await page.getByRole('list', {name: 'Search results'}).waitFor();
    const found = await page.getByRole('list', {name: 'Search results'}).locator('[data-param]').evaluateAll(
      (rows) => rows.map((row) => row.dataset.param));
    assert.ok(found.includes('Device.WiFi.SSID.1.SSID'), `search results: ${found.join(', ')}`);
    assert.ok(found.every((name) => name.toLowerCase().includes('ssid') || name.startsWith('Device.WiFi.SSID.')));
    await search.press('Escape');
    await ssid.waitFor();
  });

  test('edits a writable value in place and follows the SetParameterValues task to completion', async () => {
    const ssid = page.locator('.tree [data-param="Device.WiFi.SSID.1.SSID"]').first();
    await ssid.getByRole('button', {name: 'Edit Device.WiFi.SSID.1.SSID'}).click();
    const input = ssid.getByLabel('New value of Device.WiFi.SSID.1.SSID');
    // Escape cancels without a task.
    await input.press('Escape');
    assert.equal((await ssid.locator('.leaf-value').textContent()).trim(), 'lab-net');
    await ssid.getByRole('button', {name: 'Edit Device.WiFi.SSID.1.SSID'}).click();
    await input.fill('browser-net');
    await input.press('Enter');
    await waitFor(async () => /task #\d+: sent|task #\d+: pending|task #\d+: completed/.test(await ssid.locator('.progress').textContent()),
                  'the task progress in the row');
    await waitFor(async () => /: completed/.test(await ssid.locator('.progress').textContent()),
                  'the SetParameterValues task to complete', {timeoutMs: 30000});
    await waitFor(async () => (await ssid.locator('.leaf-value').textContent()).trim() === 'browser-net',
                  'the new value in the tree');
    const stored = await apiRequest(acs, 'GET', `devices/${encodeURIComponent(cpe.deviceId)}/parameters?prefix=Device.WiFi.SSID.1.SSID`);
    assert.equal(stored.items.find((p) => p.name === 'Device.WiFi.SSID.1.SSID').value, 'browser-net');
    const tasks = await apiRequest(acs, 'GET', `devices/${encodeURIComponent(cpe.deviceId)}/tasks?status=completed`);
    assert.ok(tasks.items.some((t) => t.task_type === 'SetParameterValues'));
    await screenshot(page, 'device');
  });

  test('reboots the device (Escape cancels the confirmation) and shows the BOOT session', async () => {
    const before = await apiRequest(acs, 'GET', `devices/${encodeURIComponent(cpe.deviceId)}/tasks`);
    const rebootButton = page.getByRole('toolbar').getByRole('button', {name: 'Reboot'});
    await rebootButton.click();
    await page.getByRole('dialog', {name: 'Reboot the device'}).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({state: 'detached'});
    const unchanged = await apiRequest(acs, 'GET', `devices/${encodeURIComponent(cpe.deviceId)}/tasks`);
    assert.equal(unchanged.total, before.total, 'Escape queued no task');

    await rebootButton.click();
    await page.getByRole('dialog', {name: 'Reboot the device'}).getByRole('button', {name: 'Reboot'}).click();
    await page.locator('[aria-label="Tasks started from this page"] li', {hasText: 'Reboot'})
      .locator('.badge.completed').waitFor({timeout: 30000});
    await page.getByRole('tab', {name: 'Sessions'}).click();
    await page.locator('[role="tabpanel"]:not([hidden]) [data-event="1 BOOT"]').first().waitFor({timeout: 30000});
    await screenshot(page, 'device-sessions');
    await page.getByRole('tab', {name: 'Tasks'}).click();
    await page.locator('[role="tabpanel"]:not([hidden]) tr[data-status="completed"]', {hasText: 'Reboot'}).first().waitFor();
  });

  test('offers the files stored on the ACS in the Download dialog', async () => {
    // Upload a file the way acsctl does (raw bytes), then pick it in the dialog.
    const content = new Uint8Array(4096).map((_, i) => (i * 7) & 0xff);
    const put = await fetch(`${acs.url}/api/files/browser-fw-1.0.bin?file_type=${encodeURIComponent('1 Firmware Upgrade Image')}`, {
      method: 'PUT', body: content,
      headers: {Authorization: `Bearer ${acs.apiKey}`, 'Content-Type': 'application/octet-stream'},
    });
    assert.equal(put.status, 201, await put.text());
    const served = await fetch(`${acs.url}/files/browser-fw-1.0.bin`);  // no API key: as a CPE
    assert.equal(served.status, 200);
    assert.deepEqual(new Uint8Array(await served.arrayBuffer()), content);

    await page.getByRole('toolbar').getByRole('button', {name: 'Download firmware'}).click();
    const dialog = page.getByRole('dialog', {name: 'Download firmware'});
    const picker = dialog.getByRole('combobox', {name: 'Firmware file'});
    await picker.waitFor();
    assert.match(await picker.locator('option', {hasText: 'browser-fw-1.0.bin'}).textContent(), /4,?096 bytes/);
    await picker.selectOption('browser-fw-1.0.bin');
    const url = await dialog.getByLabel('URL the device downloads from').inputValue();
    assert.equal(url, `${acs.url}/files/browser-fw-1.0.bin`);
    assert.equal(await dialog.getByLabel('Size (bytes, 0 unknown)').inputValue(), '4096');
    await screenshot(page, 'download-dialog');
    await dialog.getByRole('button', {name: 'Queue download'}).click();
    await page.getByRole('dialog').waitFor({state: 'detached'});
    const tasks = await apiRequest(acs, 'GET', `devices/${encodeURIComponent(cpe.deviceId)}/tasks?type=Download`);
    const download = tasks.items.find((t) => t.parameters?.URL === url);
    assert.ok(download, `a Download task for ${url}: ${JSON.stringify(tasks.items)}`);
    assert.equal(download.parameters.FileSize, 4096);
  });

  test('shows an API error from the ACS to the user', async () => {
    await page.getByRole('toolbar').getByRole('button', {name: 'New task'}).click();
    const dialog = page.getByRole('dialog', {name: 'New task'});
    await dialog.getByLabel('Task type').selectOption('GetParameterValues');
    await dialog.getByLabel('Arguments (JSON)').fill('{"ParameterNames": "Device."}');
    await dialog.getByRole('button', {name: 'Create task'}).click();
    const error = dialog.locator('.error-text');
    await waitFor(async () => /400/.test(await error.textContent()), 'the 400 error in the form');
    assert.match(await error.textContent(), /ParameterNames/);
    await screenshot(page, 'api-error');
    await dialog.getByRole('button', {name: 'Cancel'}).click();
  });

  test('lists tasks across devices, filters by state and cancels a pending one', async () => {
    // A seeded device never informs, so its task stays pending.
    const created = await apiRequest(acs, 'POST', `devices/${encodeURIComponent('00D09E-ONT%2D200-SEED0000001')}/tasks`,
      {task_type: 'GetRPCMethods', parameters: {}});
    await page.goto(`${acs.url}/#/tasks?status=pending`);
    const row = page.locator(`#task-table tr[data-task-id="${created.id}"]`);
    await row.waitFor();
    await screenshot(page, 'tasks');
    await row.getByRole('button', {name: `Cancel task ${created.id}`}).click();
    await waitFor(async () => (await apiRequest(acs, 'GET', `tasks/${created.id}`)).status === 'cancelled',
                  'the task to be cancelled');
    await row.waitFor({state: 'detached'});
    await page.getByRole('combobox', {name: 'State'}).selectOption('completed');
    await page.locator('#task-table tr[data-status="completed"]').first().waitFor();
    assert.equal(await page.locator('#task-table tr[data-status]:not([data-status="completed"])').count(), 0);
  });

  test('moves focus to the page heading and shows where keyboard focus is', async () => {
    await page.goto(`${acs.url}/#/devices`);
    await page.reload();
    await page.locator('#device-table[data-state="loaded"]').waitFor();
    const focused = () => page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return {tag: el.tagName, text: el.textContent.trim(), outline: style.outlineStyle, width: style.outlineWidth};
    });
    assert.deepEqual((await focused()).tag + ':' + (await focused()).text, 'H1:Devices');
    await page.keyboard.press('Tab');
    const next = await focused();
    assert.notEqual(next.tag, 'BODY');
    assert.notEqual(next.outline, 'none', `focused ${next.tag} has no visible outline`);
    assert.notEqual(next.width, '0px');
  });

  test('is usable on a phone-sized screen', async () => {
    await page.setViewportSize({width: 390, height: 844});
    await page.goto(`${acs.url}/#/devices`);
    await page.locator('#device-table[data-state="loaded"]').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
    await screenshot(page, 'devices-phone');
    await page.setViewportSize({width: 1280, height: 900});
  });

  test('tells the user when the ACS is unreachable', async () => {
    await page.goto(`${acs.url}/#/`);
    await page.locator('[data-stat="devices_total"][data-value]').waitFor();
    await cpe.stop();
    await acs.process.kill('SIGTERM');
    await new Promise((resolve) => acs.process.once('exit', resolve));
    const banner = page.getByRole('alert').filter({hasText: 'The ACS is unreachable'});
    await banner.waitFor({timeout: 15000});
    await screenshot(page, 'unreachable');
  });
});
