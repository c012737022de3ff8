// A small in-memory stand-in for the ACS REST API, for working on the dashboard without a
// built `acs` (the browser tests never use it: they run against the real binary). It serves
// acs/web/static at / and /ui/, and /api/* with the response shapes of issue 3 plus the
// endpoints listed in acs/web/API-NEEDS.md.
//
//   node mock/mock_acs.mjs [--port 0] [--devices 200] [--api-key KEY] [--no-extras]
//
// --no-extras answers 404 for the API-NEEDS endpoints, to see how the pages degrade.
// Prints "mock-acs: listening on http://127.0.0.1:PORT".

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const staticDir = path.resolve(here, '../../../web/static');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(opt('--port', '0'));
const deviceCount = Number(opt('--devices', '200'));
const apiKey = opt('--api-key', '');
const extras = !args.includes('--no-extras');

const TYPES = {html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8',
               svg: 'image/svg+xml', json: 'application/json'};
const STATES = ['pending', 'sent', 'completed', 'faulted', 'failed', 'cancelled', 'expired'];
const now = () => new Date().toISOString();

// --- Data -------------------------------------------------------------------------------------
const devices = new Map();
const params = new Map();     // device id -> Map(name -> parameter)
const tasks = [];
const sessions = new Map();   // device id -> [session]
const faults = new Map();
let nextTaskId = 1;
let nextFaultId = 1;

function seed() {
  const classes = ['HomeGateway', 'IGD', 'ONT-200', 'WiFi6-AP'];
  const versions = ['1.0.3', '1.2.0', '2.0.1', '2.1.0-beta'];
  for (let i = 0; i < deviceCount; i += 1) {
    const serial = `SIM${String(i).padStart(6, '0')}`;
    const productClass = classes[i % classes.length];
    const id = `00D09E-${productClass.replace(/-/g, '%2D')}-${serial}`;
    const lastInform = new Date(Date.now() - (i % 7) * 17 * 60000 - i * 1000);
    devices.set(id, {
      id, oui: '00D09E', product_class: productClass, serial_number: serial, manufacturer: 'cwmp-lab',
      hardware_version: 'hw1', software_version: versions[i % versions.length],
      connection_request_url: `http://127.0.0.1:9/cr/${serial}`, parameter_key: '', ip: `127.0.0.${(i % 250) + 1}`,
      online: Date.now() - lastInform.getTime() < 30 * 60000, last_inform: lastInform.toISOString(),
      first_seen: new Date(Date.now() - 86400000).toISOString(), periodic_inform_interval: 600,
      last_events: ['2 PERIODIC'], tags: i % 10 === 0 ? ['lab'] : [], capture_enabled: false,
    });
    const p = new Map();
    const add = (name, value, type = 'xsd:string', writable = false) =>
      p.set(name, {name, value, type, writable, last_updated: lastInform.toISOString()});
    add('Device.DeviceInfo.Manufacturer', 'cwmp-lab');
    add('Device.DeviceInfo.SerialNumber', serial);
    add('Device.DeviceInfo.SoftwareVersion', versions[i % versions.length]);
    add('Device.DeviceInfo.UpTime', String(1000 + i), 'xsd:unsignedInt');
    add('Device.ManagementServer.PeriodicInformInterval', '600', 'xsd:unsignedInt', true);
    add('Device.ManagementServer.PeriodicInformEnable', 'true', 'xsd:boolean', true);
    for (let k = 1; k <= 12; k += 1) {
      add(`Device.WiFi.SSID.${k}.SSID`, `lab-${k}`, 'xsd:string', true);
      add(`Device.WiFi.SSID.${k}.Enable`, k % 2 ? 'true' : 'false', 'xsd:boolean', true);
    }
    params.set(id, p);
    sessions.set(id, [{id: `s${i}`, device_id: id, owner: 'mock', started_at: lastInform.toISOString(),
                       last_activity: lastInform.toISOString(), ended_at: lastInform.toISOString(),
                       events: ['2 PERIODIC'], messages_in: 2, messages_out: 2, outcome: 'ok'}]);
    faults.set(id, []);
  }
}
seed();

// --- Helpers ----------------------------------------------------------------------------------
function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {'Content-Type': 'application/json', ...headers});
  res.end(text);
}
const error = (res, status, code, message) => send(res, status, {error: {code, message}});

function taskView(t) {
  return {...t};
}

function advance(task) {
  // pending -> sent after 1 s -> completed after 2 s (as if the device had a session).
  setTimeout(() => {
    if (task.status !== 'pending') return;
    Object.assign(task, {status: 'sent', sent_at: now(), updated_at: now(), attempts: 1});
    setTimeout(() => {
      if (task.status !== 'sent') return;
      const p = params.get(task.device_id);
      if (task.task_type === 'SetParameterValues') {
        for (const item of task.parameters.ParameterList ?? []) {
          const old = p.get(item.Name);
          if (old && old.writable === false) {
            Object.assign(task, {status: 'faulted', fault: {code: 9008, message: `${item.Name} is not writable`}, updated_at: now()});
            faults.get(task.device_id).unshift({id: nextFaultId++, device_id: task.device_id, task_id: task.id, session_id: 'x',
                                               code: 9008, message: `${item.Name} is not writable`, detail: null, at: now()});
            return;
          }
          p.set(item.Name, {...(old ?? {}), name: item.Name, value: item.Value, type: item.Type ?? 'xsd:string',
                            writable: true, last_updated: now()});
        }
        task.result = {Status: 0};
      } else if (task.task_type === 'Reboot') {
        task.result = {};
        const d = devices.get(task.device_id);
        d.last_inform = now();
        d.last_events = ['1 BOOT', 'M Reboot'];
        sessions.get(task.device_id).unshift({id: `b${task.id}`, device_id: task.device_id, owner: 'mock', started_at: now(),
          last_activity: now(), ended_at: now(), events: ['1 BOOT', 'M Reboot'], messages_in: 3, messages_out: 3, outcome: 'ok'});
      } else {
        task.result = {};
      }
      Object.assign(task, {status: 'completed', updated_at: now()});
    }, 1000);
  }, 1000);
}

function createTask(res, id, body) {
  if (!devices.has(id)) return error(res, 404, 'not_found', `unknown device '${id}'`);
  const known = ['GetParameterValues', 'SetParameterValues', 'GetParameterNames', 'GetParameterAttributes',
    'SetParameterAttributes', 'AddObject', 'DeleteObject', 'Reboot', 'FactoryReset', 'Download', 'Upload',
    'ScheduleInform', 'GetRPCMethods', 'GetAllQueuedTransfers', 'CancelTransfer', 'ScheduleDownload',
    'ChangeDUState', 'refresh'];
  if (!known.includes(body.task_type)) return error(res, 400, 'unknown_task_type', `unknown task type '${body.task_type}'`);
  if (body.task_type === 'GetParameterValues' && !Array.isArray(body.parameters?.ParameterNames)) {
    return error(res, 400, 'invalid_parameters', 'ParameterNames: expected an array');
  }
  const task = {id: nextTaskId++, device_id: id, task_type: body.task_type, status: 'pending', parameters: body.parameters ?? {},
    created_at: now(), updated_at: now(), sent_at: null, expires_at: null, attempts: 0, max_attempts: body.max_attempts ?? 3,
    session_id: null, command_key: null, result: null, fault: null, reason: null, connection_request_result: null};
  tasks.push(task);
  advance(task);
  const out = taskView(task);
  if (body.connection_request) out.connection_request = {ok: true, http_status: 200, message: 'mock: ok'};
  return send(res, 201, out, {Location: `/api/tasks/${task.id}`});
}

function listDevices(res, q) {
  let list = [...devices.values()];
  if (q.get('online')) list = list.filter((d) => String(d.online) === q.get('online'));
  for (const key of ['oui', 'product_class', 'software_version']) {
    if (q.get(key)) list = list.filter((d) => d[key] === q.get(key));
  }
  if (q.get('tag')) list = list.filter((d) => d.tags.includes(q.get('tag')));
  if (q.get('q')) list = list.filter((d) => d.id.includes(q.get('q')) || d.serial_number.includes(q.get('q')));
  if (q.get('param')) list = list.filter((d) => params.get(d.id).get(q.get('param'))?.value === q.get('value'));
  const sort = q.get('sort') ?? 'id';
  const field = sort.replace(/^-/, '');
  list.sort((a, b) => String(a[field]).localeCompare(String(b[field])) * (sort.startsWith('-') ? -1 : 1));
  const limit = Number(q.get('limit') ?? 100);
  const offset = Number(q.get('offset') ?? 0);
  send(res, 200, {items: list.slice(offset, offset + limit), total: list.length, limit, offset});
}

function page(res, list, q) {
  const limit = Number(q.get('limit') ?? 100);
  const offset = Number(q.get('offset') ?? 0);
  send(res, 200, {items: list.slice(offset, offset + limit), total: list.length, limit, offset});
}

function treeChildren(id, prefix) {
  const children = new Map();
  for (const p of params.get(id).values()) {
    if (!p.name.startsWith(prefix)) continue;
    const rest = p.name.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot >= 0) {
      const name = prefix + rest.slice(0, dot + 1);
      const entry = children.get(name) ?? {name, object: true, child_count: 0, writable: null, _kids: new Set()};
      entry._kids.add(rest.slice(0, rest.indexOf('.', dot + 1) + 1 || undefined));
      children.set(name, entry);
    } else {
      children.set(p.name, {...p, object: false});
    }
  }
  return [...children.values()].map((c) => {
    if (c._kids) {
      c.child_count = c._kids.size;
      delete c._kids;
    }
    return c;
  }).sort((a, b) => a.name.localeCompare(b.name, 'en', {numeric: true}));
}

// --- Routing ----------------------------------------------------------------------------------
function api(req, res, url, body) {
  const q = url.searchParams;
  const parts = url.pathname.split('/').slice(2).map(decodeURIComponent);  // after /api/
  const m = req.method;
  if (!(parts[0] === 'health')) {
    const auth = req.headers.authorization ?? '';
    if (apiKey && auth !== `Bearer ${apiKey}` && req.headers['x-api-key'] !== apiKey) {
      return error(res, apiKey && auth ? 401 : 401, 'unauthorized', auth ? 'invalid API key' : 'missing API key');
    }
  }
  const extra = () => {
    if (!extras) {
      error(res, 404, 'not_found', `no such API path: ${url.pathname}`);
      return false;
    }
    return true;
  };
  if (m === 'GET' && parts[0] === 'health') return send(res, 200, {status: 'ok', store: 'mock'});
  if (m === 'GET' && parts[0] === 'stats' && parts.length === 1) {
    const all = [...devices.values()];
    const byState = Object.fromEntries(STATES.map((s) => [s, tasks.filter((t) => t.status === s).length]));
    const out = {devices_total: all.length, devices_online: all.filter((d) => d.online).length, tasks_by_state: byState,
      sessions_last_hour: 42, faults_last_24h: [...faults.values()].flat().length, active_sessions: 1, store_backend: 'mock'};
    if (extras) out.devices_seen_last_hour = all.filter((d) => Date.now() - Date.parse(d.last_inform) < 3600000).length;
    return send(res, 200, out);
  }
  if (m === 'GET' && parts[0] === 'stats' && parts[1] === 'timeseries') {
    if (!extra()) return undefined;
    const minutes = Number(q.get('minutes') ?? 180);
    const end = Math.floor(Date.now() / 60000) * 60000;
    const points = Array.from({length: minutes}, (_, i) => {
      const t = end - (minutes - 1 - i) * 60000;
      const informs = Math.round(20 + 10 * Math.sin(i / 15) + (i % 7));
      return {t: new Date(t).toISOString(), informs, sessions: Math.max(0, informs - (i % 3))};
    });
    return send(res, 200, {step_seconds: 60, start: points[0].t, end: new Date(end + 60000).toISOString(), points});
  }
  if (m === 'GET' && parts[0] === 'stats' && parts[1] === 'breakdown') {
    if (!extra()) return undefined;
    const field = q.get('field');
    const counts = new Map();
    for (const d of devices.values()) counts.set(d[field], (counts.get(d[field]) ?? 0) + 1);
    const items = [...counts].map(([value, count]) => ({value, count})).sort((a, b) => b.count - a.count);
    const limit = Number(q.get('limit') ?? 10);
    return send(res, 200, {field, total: devices.size, items: items.slice(0, limit),
                           other: items.slice(limit).reduce((n, i) => n + i.count, 0)});
  }
  if (m === 'GET' && parts[0] === 'files') {
    if (!extra()) return undefined;
    return send(res, 200, {items: [{name: 'fw-2.1.0.bin', size: 1048576, url: 'http://127.0.0.1:7547/files/fw-2.1.0.bin',
                                    file_type: '1 Firmware Upgrade Image', uploaded_at: now()}]});
  }
  if (parts[0] === 'devices' && parts.length === 1 && m === 'GET') return listDevices(res, q);
  if (parts[0] === 'devices' && parts.length >= 2) {
    const id = parts[1];
    const d = devices.get(id);
    if (!d) return error(res, 404, 'not_found', `unknown device '${id}'`);
    const sub = parts[2];
    if (!sub && m === 'GET') return send(res, 200, d);
    if (sub === 'parameters' && m === 'GET') {
      const prefix = q.get('prefix') ?? '';
      const items = [...params.get(id).values()].filter((p) => p.name.startsWith(prefix))
        .sort((a, b) => a.name.localeCompare(b.name));
      return send(res, 200, {device_id: id, prefix, items, total: items.length});
    }
    if (sub === 'parameter-tree' && m === 'GET') {
      if (!extra()) return undefined;
      const prefix = q.get('prefix') ?? '';
      return send(res, 200, {device_id: id, prefix, items: treeChildren(id, prefix)});
    }
    if (sub === 'tasks' && m === 'POST') return createTask(res, id, body ?? {});
    if (sub === 'tasks' && m === 'GET') {
      return page(res, tasks.filter((t) => t.device_id === id).slice().reverse(), q);
    }
    if (sub === 'reboot' && m === 'POST') return createTask(res, id, {...body, task_type: 'Reboot'});
    if (sub === 'factory-reset' && m === 'POST') return createTask(res, id, {...body, task_type: 'FactoryReset'});
    if (sub === 'connection-request' && m === 'POST') {
      return send(res, 200, {device_id: id, connection_request: {ok: true, http_status: 200, message: 'mock: ok'}});
    }
    if (sub === 'sessions' && m === 'GET') return page(res, sessions.get(id), q);
    if (sub === 'faults' && m === 'GET') return page(res, faults.get(id), q);
    if (sub === 'tags' && m === 'PUT') {
      if (!d.tags.includes(parts[3])) d.tags.push(parts[3]);
      d.tags.sort();
      return send(res, 204);
    }
    if (sub === 'tags' && m === 'DELETE') {
      if (!d.tags.includes(parts[3])) return error(res, 404, 'not_found', `device has no tag '${parts[3]}'`);
      d.tags = d.tags.filter((t) => t !== parts[3]);
      return send(res, 204);
    }
    if (sub === 'capture' && m === 'PUT') {
      d.capture_enabled = Boolean(body?.enabled);
      return send(res, 200, {device_id: id, capture_enabled: d.capture_enabled});
    }
  }
  if (parts[0] === 'tasks' && parts.length === 1 && m === 'GET') {
    let list = tasks.slice().reverse();
    if (q.get('status')) list = list.filter((t) => t.status === q.get('status'));
    if (q.get('type')) list = list.filter((t) => t.task_type === q.get('type'));
    if (q.get('device_id')) list = list.filter((t) => t.device_id === q.get('device_id'));
    return page(res, list, q);
  }
  if (parts[0] === 'tasks' && parts.length === 2) {
    const task = tasks.find((t) => String(t.id) === parts[1]);
    if (!task) return error(res, 404, 'not_found', `unknown task ${parts[1]}`);
    if (m === 'GET') return send(res, 200, task);
    if (m === 'DELETE') {
      if (task.status !== 'pending' && task.status !== 'cancelled') {
        return error(res, 409, 'task_not_cancellable', `task ${task.id} is ${task.status}; only pending tasks can be cancelled`);
      }
      Object.assign(task, {status: 'cancelled', updated_at: now()});
      return send(res, 200, task);
    }
  }
  return error(res, 404, 'not_found', `no such API path: ${url.pathname}`);
}

function serveStatic(req, res, url) {
  let rel = url.pathname === '/' ? 'index.html' : url.pathname.startsWith('/ui/') ? url.pathname.slice(4) : null;
  if (rel !== null) rel = decodeURIComponent(rel);
  if (rel === null || rel.split('/').some((s) => s === '..' || s === '')) {
    res.writeHead(404, {'Content-Type': 'text/plain'});
    return res.end('404 not found');
  }
  const file = path.join(staticDir, rel);
  fs.readFile(file, (err, data) => {
    if (err) {
      res.writeHead(404, {'Content-Type': 'text/plain'});
      return res.end('404 not found');
    }
    res.writeHead(200, {'Content-Type': TYPES[path.extname(file).slice(1)] ?? 'application/octet-stream',
                        'Cache-Control': 'no-cache'});
    return res.end(data);
  });
  return undefined;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (!url.pathname.startsWith('/api/')) return serveStatic(req, res, url);
    let body;
    const text = Buffer.concat(chunks).toString();
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        return error(res, 400, 'invalid_json', 'the body is not valid JSON');
      }
    }
    return api(req, res, url, body);
  });
});
server.listen(port, '127.0.0.1', () => {
  console.log(`mock-acs: listening on http://127.0.0.1:${server.address().port}`);
});
