// Runs acs_web_seed (ACS_WEB_SEED_BIN) to fill a fresh SQLite store with synthetic devices
// before the ACS starts on it.

import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {requireEnv, tempDir} from './harness.mjs';

// Returns {dbPath, dir, ms}: `count` devices "00D09E-<class>-SEED<i:07>", every third offline,
// each with three parameters unless `parameters` is false.
export function seedStore(count, {parameters = true} = {}) {
  const bin = requireEnv('ACS_WEB_SEED_BIN', 'the acs_web_seed helper');
  const dir = tempDir('acs-web-seed-');
  const dbPath = path.join(dir, 'acs.db');
  const started = Date.now();
  const args = ['--database-url', `sqlite://${dbPath}`, '--count', String(count)];
  if (!parameters) args.push('--no-parameters');
  const result = spawnSync(bin, args,
                           {encoding: 'utf8', timeout: 600000});
  if (result.status !== 0) {
    throw new Error(`acs_web_seed failed (${result.status ?? result.signal}): ${result.stderr}${result.stdout}`);
  }
  return {dbPath, dir, ms: Date.now() - started, output: result.stdout.trim()};
}
