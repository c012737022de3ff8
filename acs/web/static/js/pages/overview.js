// Overview: fleet totals, informs and sessions per minute, tasks by state, faults, top
// product classes and software versions, ACS health. Refreshes by polling.
//
// Endpoints: GET /api/stats and GET /api/health (issue 3), plus GET /api/stats/timeseries and
// GET /api/stats/breakdown (acs/web/API-NEEDS.md); when those answer 404 the panel says so.

import {h} from '../dom.js';
import * as api from '../api.js';
import {showError, clearBanner, notAvailable, panel, poll, badge} from '../ui.js';
import {lineChart, barChart} from '../charts.js';
import {formatNumber, formatClock, parseTime} from '../format.js';

const FAST_MS = 5000;
const SLOW_MS = 30000;
const CHART_MINUTES = 180;

function card(label, key, {sub, kind = ''} = {}) {
  const value = h('output', {class: 'value', dataset: {stat: key}, 'aria-live': 'off'}, '…');
  const subEl = h('span', {class: 'sub'}, sub ?? '');
  const el = h('div', {class: `card ${kind}`}, h('span', {class: 'label', id: `card-${key}`}, label), value, subEl);
  value.setAttribute('aria-labelledby', `card-${key}`);
  return {el, set(v, subText) {
    value.textContent = v === null || v === undefined ? 'n/a' : formatNumber(v);
    value.dataset.value = v === null || v === undefined ? '' : String(v);
    if (subText !== undefined) subEl.textContent = subText;
  }};
}

// Draw charts at the width they are shown, so their text keeps the page's font size.
function chartWidth(container, fallback) {
  const width = Math.round(container.clientWidth);
  return width >= 240 ? width : fallback;
}

function linkList(items, hrefFor) {
  return h('ul', {class: 'chips', 'aria-label': 'Open as a filtered list'},
    items.map((item) => h('li', {}, h('a', {class: 'chip', href: hrefFor(item)},
      `${item.label}: ${formatNumber(item.value)}`))));
}

export async function mount(ctx) {
  ctx.setTitle('Overview');
  const updated = h('span', {class: 'meta', role: 'status'}, '');
  const live = h('input', {type: 'checkbox', id: 'live-toggle', checked: true});
  const refreshButton = h('button', {class: 'btn btn-small', type: 'button'}, 'Refresh now');
  ctx.root.append(h('div', {class: 'page-head'},
    h('h1', {tabindex: '-1'}, 'Overview'), updated, h('span', {class: 'spacer'}),
    h('span', {class: 'field inline'}, live, h('label', {for: 'live-toggle'}, 'Live refresh')),
    refreshButton));

  const cards = {
    total: card('Devices', 'devices_total'),
    online: card('Online', 'devices_online', {kind: 'ok'}),
    offline: card('Offline', 'devices_offline'),
    seen: card('Seen in the last hour', 'devices_seen_last_hour'),
    sessions: card('Sessions, last hour', 'sessions_last_hour'),
    active: card('Active sessions', 'active_sessions'),
    faults: card('Faults, last 24 h', 'faults_last_24h'),
  };
  ctx.root.append(h('section', {'aria-label': 'Fleet totals', class: 'grid cards'},
    Object.values(cards).map((c) => c.el)));

  const chartPanel = panel(`Informs and sessions per minute (last ${CHART_MINUTES / 60} h)`, {wide: true});
  const tasksPanel = panel('Tasks by state');
  const healthPanel = panel('ACS health');
  const productPanel = panel('Top product classes');
  const versionPanel = panel('Top software versions');
  ctx.root.append(h('div', {class: 'grid panels'}, chartPanel.el, tasksPanel.el, healthPanel.el,
                    productPanel.el, versionPanel.el));

  const missing = {};       // optional endpoints that answered 404, with the error

  async function refreshFast() {
    const started = performance.now();
    let stats;
    try {
      stats = await api.get('stats');
      clearBanner('overview-stats');
    } catch (err) {
      if (!ctx.isCurrent()) return;
      // An unreachable ACS already has its own banner (app.js); do not say it twice.
      if (!err.unreachable) showError(err, {title: 'Could not load the statistics', key: 'overview-stats'});
      healthPanel.set(h('p', {}, badge('unknown', 'warn'), ' ', err.describe?.() ?? String(err)));
      return;
    }
    const roundTrip = performance.now() - started;
    if (!ctx.isCurrent()) return;
    cards.total.set(stats.devices_total);
    cards.online.set(stats.devices_online);
    cards.offline.set(stats.devices_total - stats.devices_online);
    if (typeof stats.devices_seen_last_hour === 'number') {
      cards.seen.set(stats.devices_seen_last_hour);
    } else {
      cards.seen.set(null, 'not available on this ACS');
      cards.seen.el.title = 'GET /api/stats has no devices_seen_last_hour field (see acs/web/API-NEEDS.md)';
    }
    cards.sessions.set(stats.sessions_last_hour);
    cards.active.set(stats.active_sessions ?? null,
                     stats.active_sessions === undefined ? 'not reported by this ACS' : '');
    cards.faults.set(stats.faults_last_24h);
    cards.faults.el.classList.toggle('bad', stats.faults_last_24h > 0);

    const states = api.TASK_STATES.map((state) => ({label: state, value: stats.tasks_by_state?.[state] ?? 0}));
    tasksPanel.set(
      barChart(states, {title: 'Tasks by state', width: chartWidth(tasksPanel.body, 420)}),
      linkList(states, (item) => `#/tasks?status=${encodeURIComponent(item.label)}`));

    let health;
    try {
      health = await api.get('health');
    } catch (err) {
      health = {status: err.status === 503 ? 'unavailable' : 'error', error: {message: err.message}};
    }
    if (!ctx.isCurrent()) return;
    const ok = health.status === 'ok';
    healthPanel.set(h('dl', {class: 'props'},
      h('dt', {}, 'Status'), h('dd', {dataset: {health: health.status}}, badge(ok ? 'healthy' : health.status, ok ? 'ok' : 'bad'),
                                health.error?.message ? ` ${health.error.message}` : ''),
      h('dt', {}, 'Store'), h('dd', {}, health.store ?? stats.store_backend ?? '–'),
      h('dt', {}, 'Active CWMP sessions'), h('dd', {}, formatNumber(stats.active_sessions)),
      h('dt', {}, 'API round trip'), h('dd', {}, `${Math.round(roundTrip)} ms`),
      h('dt', {}, 'Pending tasks'), h('dd', {}, formatNumber(stats.tasks_by_state?.pending ?? 0))));
    updated.textContent = `Updated ${formatClock(new Date())}`;
  }

  async function refreshChart() {
    if (missing.timeseries) return;
    try {
      const data = await api.get('stats/timeseries', {minutes: CHART_MINUTES, step: 60});
      if (!ctx.isCurrent()) return;
      const points = data.points ?? [];
      const series = [
        {name: 'Informs / min', points: points.map((p) => ({t: parseTime(p.t), v: p.informs ?? 0}))},
        {name: 'Sessions / min', points: points.map((p) => ({t: parseTime(p.t), v: p.sessions ?? 0}))},
      ];
      chartPanel.set(points.length
        ? lineChart(series, {title: 'Informs and sessions per minute', width: chartWidth(chartPanel.body, 900)})
        : h('p', {class: 'note neutral'}, 'No informs in this period.'));
    } catch (err) {
      if (!ctx.isCurrent()) return;
      if (err.missingEndpoint) {
        missing.timeseries = err;
        chartPanel.set(notAvailable('Per-minute history', err));
      } else {
        chartPanel.set(h('p', {class: 'error-text'}, err.describe?.() ?? String(err)));
      }
    }
  }

  async function refreshBreakdown(field, target, title) {
    if (missing[field]) return;
    try {
      const data = await api.get('stats/breakdown', {field, limit: 8});
      if (!ctx.isCurrent()) return;
      const items = (data.items ?? []).map((item) => ({label: item.value || '(empty)', value: item.count, raw: item.value}));
      if (data.other) items.push({label: 'other', value: data.other, raw: null});
      target.set(items.length
        ? [barChart(items, {title, width: chartWidth(target.body, 420)}),
           linkList(items.filter((item) => item.raw !== null),
                    (item) => `#/devices?${new URLSearchParams({[field]: item.raw})}`)]
        : h('p', {class: 'note neutral'}, 'No devices yet.'));
    } catch (err) {
      if (!ctx.isCurrent()) return;
      if (err.missingEndpoint) {
        missing[field] = err;
        target.set(notAvailable(title, err));
      } else {
        target.set(h('p', {class: 'error-text'}, err.describe?.() ?? String(err)));
      }
    }
  }

  async function refreshSlow() {
    await Promise.all([
      refreshChart(),
      refreshBreakdown('product_class', productPanel, 'Top product classes'),
      refreshBreakdown('software_version', versionPanel, 'Top software versions'),
    ]);
  }

  let fast = null;
  let slow = null;
  const startPolling = () => {
    fast = poll(refreshFast, FAST_MS);
    slow = poll(refreshSlow, SLOW_MS);
  };
  const stopPolling = () => {
    fast?.stop();
    slow?.stop();
    fast = null;
    slow = null;
  };
  startPolling();
  ctx.onCleanup(stopPolling);
  live.addEventListener('change', () => {
    if (live.checked) startPolling();
    else stopPolling();
  });
  refreshButton.addEventListener('click', () => {
    refreshFast();
    refreshSlow();
  });
}
