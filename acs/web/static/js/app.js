// The dashboard's shell: hash router, navigation state, login gate, connection banner.
//
// Routes (hash-based, so every view has a link and the ACS serves only `/`):
//   #/                 overview
//   #/devices?...      device list (filters, sort and page in the query)
//   #/devices/<id>     one device
//   #/tasks?...        all tasks
//   #/login            API key form (only when the ACS has API auth enabled)

import {h, clear} from './dom.js';
import * as api from './api.js';
import {showError, clearBanner, clearPageBanners} from './ui.js';
import * as overview from './pages/overview.js';
import * as devices from './pages/devices.js';
import * as device from './pages/device.js';
import * as tasks from './pages/tasks.js';
import * as login from './pages/login.js';

const routes = [
  {pattern: /^\/?$/, page: overview, nav: 'overview'},
  {pattern: /^\/devices$/, page: devices, nav: 'devices'},
  {pattern: /^\/devices\/(.+)$/, page: device, nav: 'devices'},
  {pattern: /^\/tasks$/, page: tasks, nav: 'tasks'},
  {pattern: /^\/login$/, page: login, nav: null},
];

const state = {
  cleanups: [],
  authRequired: false,   // learnt from a 401 on a protected endpoint
  generation: 0,         // increments per navigation, so late results of an old page are dropped
};

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const question = raw.indexOf('?');
  const path = question >= 0 ? raw.slice(0, question) : raw;
  const query = new URLSearchParams(question >= 0 ? raw.slice(question + 1) : '');
  return {path, query};
}

export function navigate(path, query) {
  const text = query && [...query].length ? `?${query.toString()}` : '';
  const target = `#${path}${text}`;
  if (location.hash === target) route();
  else location.hash = target;
}

// Records a new query of the current route (filters, sort, page) as a history entry without
// re-mounting the page: the page has already applied it. Back/forward re-mount the page with
// the older query (the browser fires hashchange for those).
export function pushQuery(query) {
  const {path} = parseHash();
  const text = [...query].length ? `?${query.toString()}` : '';
  const target = `#${path}${text}`;
  if (location.hash !== target) history.pushState(null, '', target);
}

function setNav(current) {
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function runCleanups() {
  for (const fn of state.cleanups.splice(0)) {
    try {
      fn();
    } catch (err) {
      console.error('cleanup failed', err);
    }
  }
}

function updateSessionBox() {
  const logout = document.getElementById('logout');
  logout.hidden = !api.apiKey();
}

async function route() {
  runCleanups();
  clearPageBanners();
  state.generation += 1;
  const generation = state.generation;
  const {path, query} = parseHash();
  const match = routes.find((r) => r.pattern.test(path));
  const main = document.getElementById('main');
  clear(main);
  if (!match) {
    setNav(null);
    document.title = 'Not found · ACS';
    main.append(h('h1', {tabindex: '-1'}, 'Page not found'),
                h('p', {}, 'There is no page at ', h('code', {}, `#${path}`), '. ',
                  h('a', {href: '#/'}, 'Go to the overview'), '.'));
    return;
  }
  if (match.page !== login && state.authRequired && !api.apiKey()) {
    navigate('/login', new URLSearchParams({next: location.hash.slice(1) || '/'}));
    return;
  }
  setNav(match.nav);
  const params = (path.match(match.pattern) ?? []).slice(1).map((p) => decodeURIComponent(p));
  const ctx = {
    root: main,
    params,
    query,
    navigate,
    pushQuery,
    onCleanup: (fn) => state.cleanups.push(fn),
    isCurrent: () => generation === state.generation,
    setTitle: (title) => { document.title = `${title} · ACS`; },
    auth: {
      required: () => state.authRequired,
      loggedIn: () => {
        state.authRequired = true;
        updateSessionBox();
      },
    },
  };
  try {
    await match.page.mount(ctx);
  } catch (err) {
    if (generation === state.generation) showError(err, {title: 'The page could not be shown'});
  }
  // Focus the page heading so screen readers announce the new page and Tab starts there.
  if (generation === state.generation && document.activeElement === document.body) {
    main.querySelector('h1')?.focus({preventScroll: true});
  }
}

function onUnauthorized(event) {
  const hadKey = Boolean(api.apiKey());
  state.authRequired = true;
  api.clearApiKey();
  updateSessionBox();
  const {path} = parseHash();
  if (path === '/login') return;
  const params = new URLSearchParams({next: location.hash.slice(1) || '/'});
  if (hadKey) params.set('reason', 'expired');
  else if (event.detail?.message) params.set('reason', 'required');
  navigate('/login', params);
}

function onUnreachable(event) {
  const conn = document.getElementById('conn-state');
  conn.textContent = 'ACS unreachable';
  showError(event.detail, {
    title: 'The ACS is unreachable. Showing the last data received; retrying automatically.',
    key: 'unreachable', sticky: true,
  });
}

function onReachable() {
  document.getElementById('conn-state').textContent = '';
  clearBanner('unreachable');
}

function start() {
  window.addEventListener('hashchange', route);
  window.addEventListener('acs:unauthorized', onUnauthorized);
  window.addEventListener('acs:unreachable', onUnreachable);
  window.addEventListener('acs:reachable', onReachable);
  document.getElementById('logout').addEventListener('click', () => {
    api.clearApiKey();
    updateSessionBox();
    navigate('/login', new URLSearchParams({reason: 'logged-out'}));
  });
  updateSessionBox();
  if (api.apiKey()) state.authRequired = true;
  route();
}

start();
