// The REST API client: the same endpoints acsctl uses (GET /api/devices, POST
// /api/devices/{id}/tasks, ...). URLs are relative to the page, so the dashboard also works
// behind a reverse proxy that mounts the ACS under a sub-path.
//
// The API key (when the ACS has API auth enabled) lives in sessionStorage only: it is gone
// when the browser tab is closed, and it is never written to a cookie or to localStorage.
//
// Every failure becomes an ApiError with a message meant for a person:
//   status 0    the ACS could not be reached (network error or timeout)
//   status 4xx/5xx  the ACS's {"error": {"code", "message"}} when it sent one
// and window events tell the shell about the connection:
//   acs:unreachable (detail: ApiError), acs:reachable, acs:unauthorized (detail: ApiError).

const KEY_STORAGE = 'acs.apiKey';
const DEFAULT_TIMEOUT_MS = 20000;

export class ApiError extends Error {
  constructor({status, code, message, method, path}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.method = method;
    this.path = path;
  }

  // An endpoint this ACS does not have (an older or smaller server): the UI degrades.
  get missingEndpoint() {
    return this.status === 404 || this.status === 405 || this.status === 501;
  }

  get unreachable() {
    return this.status === 0;
  }

  // "GET /api/devices failed: 400 invalid_parameter: query parameter 'sort': ..."
  describe() {
    const what = `${this.method} /api/${this.path}`;
    if (this.status === 0) return `${what} failed: ${this.message}`;
    return `${what} failed: ${this.status}${this.code ? ` ${this.code}` : ''}: ${this.message}`;
  }
}

function readKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE) || '';
  } catch {
    return '';
  }
}

export function apiKey() {
  return readKey();
}

export function setApiKey(key) {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export function clearApiKey() {
  try {
    sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage disabled: nothing was stored either.
  }
}

function buildUrl(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.append(key, String(value));
  }
  const text = params.toString();
  return `api/${path}${text ? `?${text}` : ''}`;
}

// False after a request failed to reach the ACS, until one gets through again.
let reachable = true;

function emit(name, detail) {
  window.dispatchEvent(new CustomEvent(name, {detail}));
}

// request('GET', 'devices', {query: {limit: 50}}) -> parsed JSON (null for 204).
// `key` overrides the stored key (the login form checks a key before storing it).
export async function request(method, path, {query, body, key, timeoutMs = DEFAULT_TIMEOUT_MS,
                                             signal} = {}) {
  const headers = {Accept: 'application/json'};
  const useKey = key ?? readKey();
  if (useKey) headers.Authorization = `Bearer ${useKey}`;
  const init = {method, headers, cache: 'no-store', credentials: 'same-origin'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('timeout', 'TimeoutError')),
                           timeoutMs);
  if (signal) signal.addEventListener('abort', () => controller.abort(signal.reason), {once: true});
  init.signal = controller.signal;

  let response;
  try {
    response = await fetch(buildUrl(path, query), init);
  } catch (err) {
    clearTimeout(timer);
    if (signal?.aborted) throw err;  // the caller cancelled: not a connection problem
    const timedOut = err?.name === 'TimeoutError' || controller.signal.reason?.name === 'TimeoutError';
    const error = new ApiError({
      status: 0,
      code: timedOut ? 'timeout' : 'unreachable',
      message: timedOut ? `the ACS did not answer within ${Math.round(timeoutMs / 1000)} s`
                        : 'the ACS is unreachable (network error)',
      method, path,
    });
    reachable = false;
    emit('acs:unreachable', error);
    throw error;
  }
  clearTimeout(timer);
  if (!reachable) {
    reachable = true;
    emit('acs:reachable');
  }

  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const apiErr = data && typeof data === 'object' && data.error ? data.error : null;
    const error = new ApiError({
      status: response.status,
      code: apiErr?.code ?? '',
      message: apiErr?.message ??
               (text && !data ? text.trim().slice(0, 300) : response.statusText || 'request failed'),
      method, path,
    });
    // A key given explicitly is being tried (login form): its refusal is the caller's business.
    if (response.status === 401 && key === undefined) emit('acs:unauthorized', error);
    throw error;
  }
  if (text && data === null) {
    throw new ApiError({status: response.status, code: 'bad_response',
                        message: 'the ACS sent a reply that is not JSON', method, path});
  }
  return data;
}

export const get = (path, query, options) => request('GET', path, {...options, query});
export const post = (path, body, options) => request('POST', path, {...options, body});
export const put = (path, body, options) => request('PUT', path, {...options, body});
export const del = (path, options) => request('DELETE', path, options);

// Path segment for a device id (ids contain '%' from percent-encoding of their parts).
export function devicePath(id, ...rest) {
  return ['devices', encodeURIComponent(id), ...rest].join('/');
}

export function isFinished(status) {
  return ['completed', 'faulted', 'failed', 'cancelled', 'expired'].includes(status);
}

// The task states and types the ACS knows (issue 3's list); used by filters and forms.
export const TASK_STATES = ['pending', 'sent', 'completed', 'faulted', 'failed', 'cancelled',
                            'expired'];
export const TASK_TYPES = [
  'GetParameterValues', 'SetParameterValues', 'GetParameterNames', 'GetParameterAttributes',
  'SetParameterAttributes', 'AddObject', 'DeleteObject', 'Reboot', 'FactoryReset', 'Download',
  'Upload', 'ScheduleInform', 'GetRPCMethods', 'GetAllQueuedTransfers', 'CancelTransfer',
  'ScheduleDownload', 'ChangeDUState', 'refresh',
];
