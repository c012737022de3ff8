// Test harness: starts the real `acs` (ACS_BIN) on 127.0.0.1 with port 0 and a temporary
// SQLite database, a `cpe-sim` device (CPESIM_BIN), and Debian's chromium through
// playwright-core (never a downloaded browser). Everything listens on loopback only and is
// stopped by the returned handles.

import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const fixturesDir = path.resolve(here, '../fixtures');
export const repoRoot = path.resolve(here, '../../../..');

export function requireEnv(name, what) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: it must name ${what} (ctest sets it; see acs/test/browser/README.md)`);
  if (!fs.existsSync(value)) throw new Error(`${name}=${value} does not exist (build it first)`);
  return value;
}

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `fn` until it returns a truthy value; throws with `what` after `timeoutMs`.
export async function waitFor(fn, what, {timeoutMs = 20000, intervalMs = 200} = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

// Waits for a line matching `pattern` on the child's stdout/stderr; rejects if it exits.
function waitForLine(child, pattern, what, timeoutMs, log) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      reject(new Error(`timed out waiting for ${what}; output so far:\n${log.join('')}`));
    }, timeoutMs);
    const onData = (chunk) => {
      buffer += chunk.toString();
      const match = buffer.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what}: process exited (${code ?? signal}) before it was ready; output:\n${log.join('')}`));
    });
  });
}

function spawnLogged(bin, args, env, name) {
  const child = spawn(bin, args, {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
  const log = [];
  const keep = (chunk) => {
    log.push(chunk.toString());
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.log = log;
  child.name = name;
  return child;
}

async function stopChild(child, timeoutMs = 10000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

// Starts the ACS. Options: apiKey (enables API auth), dbPath (an existing SQLite file to use),
// env (extra variables). Returns {url, apiKey, dbPath, process, stop(), log()}.
export async function startAcs({apiKey = '', dbPath, env = {}} = {}) {
  const bin = requireEnv('ACS_BIN', 'the acs binary');
  const dir = tempDir('acs-web-acs-');
  const db = dbPath ?? path.join(dir, 'acs.db');
  const child = spawnLogged(bin, [], {
    ACS_HOST: '127.0.0.1',
    ACS_PORT: '0',
    ACS_DATA_DIR: dir,
    DATABASE_URL: `sqlite://${db}`,
    ENABLE_AUTH: apiKey ? '1' : '0',
    ...(apiKey ? {API_KEY: apiKey} : {}),
    LOG_LEVEL: 'warning',
    ...env,
  }, 'acs');
  const match = await waitForLine(child, /acs: listening on (http:\/\/127\.0\.0\.1:\d+)/, 'the ACS to listen', 30000, child.log);
  const url = match[1];
  return {
    url,
    apiKey,
    dbPath: db,
    process: child,
    log: () => child.log.join(''),
    async stop() {
      await stopChild(child);
      fs.rmSync(dir, {recursive: true, force: true});
    },
  };
}

// JSON request to the ACS's REST API with its key (what the test compares the UI with).
export async function apiRequest(acs, method, apiPath, body) {
  const headers = {Accept: 'application/json'};
  if (acs.apiKey) headers.Authorization = `Bearer ${acs.apiKey}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${acs.url}/api/${apiPath}`, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(`${method} /api/${apiPath}: ${response.status} ${text}`);
  return data;
}

// One simulated device from fixtures/gateway.csv, informing every few seconds.
// Returns {deviceId, process, stop(), log()}.
export async function startCpeSim(acs, {serialPattern = 'BT{index:04}', profile = path.join(fixturesDir, 'gateway.csv')} = {}) {
  const bin = requireEnv('CPESIM_BIN', 'the cpe-sim binary');
  const child = spawnLogged(bin, [
    '--acs-url', `${acs.url}/cwmp`,
    '--profile', profile,
    '--count', '1',
    '--serial-pattern', serialPattern,
    '--cr-bind', '127.0.0.1',
    '--cr-port', '0',
    '--summary-interval', '0',
  ], {}, 'cpe-sim');
  const deviceId = `00D09E-BrowserGW-${serialPattern.replace('{index:04}', '0000')}`;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  await Promise.race([
    waitFor(() => apiRequest(acs, 'GET', `devices/${encodeURIComponent(deviceId)}`).then(() => true),
            `device ${deviceId} to inform the ACS`, {timeoutMs: 30000, intervalMs: 300}),
    exited.then((code) => { throw new Error(`cpe-sim exited (${code}) before its device informed; output:\n${child.log.join('')}`); }),
  ]);
  return {
    deviceId,
    process: child,
    log: () => child.log.join(''),
    stop: () => stopChild(child),
  };
}

// Debian's chromium driven by playwright-core, headless, with a fresh profile directory and
// the background networking of the browser switched off (this machine has no internet).
export async function launchBrowser({viewport = {width: 1280, height: 900}} = {}) {
  const executablePath = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
  const userDataDir = tempDir('acs-web-chromium-');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context,
    page,
    problems,
    // Records page errors and requests to any other origin: both fail the test.
    watch(origin) {
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      context.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith(origin) && !/^(data|blob|about):/.test(url)) {
          problems.push(`request to another origin: ${url}`);
        }
      });
    },
    async close() {
      await context.close();
      fs.rmSync(userDataDir, {recursive: true, force: true});
    },
  };
}

export function reportDir() {
  const dir = process.env.ACS_UI_REPORT_DIR || path.join(repoRoot, 'reports', 'ui');
  fs.mkdirSync(dir, {recursive: true});
  return dir;
}

export async function screenshot(page, name) {
  const file = path.join(reportDir(), `${name}.png`);
  // From the top, so the sticky header is drawn where it belongs in a full-page image.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({path: file, fullPage: true});
  return file;
}
