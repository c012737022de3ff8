// Devices: the fleet as a table with server-side paging, sorting and filters (GET
// /api/devices), last inform and status columns, and bulk actions on selected devices
// (reboot, refresh, add tag, any task), each a call of the same REST API per device.

import {h, field, select, replace} from '../dom.js';
import * as api from '../api.js';
import {showError, clearBanner, toast, statusBadge, pager, confirmDialog, formDialog, poll} from '../ui.js';
import {formatAgo, formatDateTime, formatNumber} from '../format.js';
import {taskFormFields} from '../taskform.js';

const FILTERS = ['q', 'online', 'oui', 'product_class', 'software_version', 'tag', 'param', 'value'];
const PAGE_SIZES = [25, 50, 100, 250];
const DEFAULT_LIMIT = 50;
const REFRESH_MS = 15000;
const BULK_CONCURRENCY = 4;
const TAG_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;

const COLUMNS = [
  {key: 'id', label: 'Device', sort: 'id'},
  {key: 'serial_number', label: 'Serial', sort: 'serial_number', cls: 'hide-sm'},
  {key: 'product_class', label: 'Product class', sort: 'product_class', cls: 'hide-sm'},
  {key: 'software_version', label: 'Software', sort: 'software_version', cls: 'hide-sm'},
  {key: 'ip', label: 'IP', cls: 'hide-sm'},
  {key: 'last_inform', label: 'Last inform', sort: 'last_inform'},
  {key: 'online', label: 'Status'},
  {key: 'tags', label: 'Tags', cls: 'hide-sm'},
];

function readState(query) {
  const state = {limit: DEFAULT_LIMIT, offset: 0, sort: '-last_inform'};
  for (const key of FILTERS) state[key] = query.get(key) ?? '';
  if (query.get('sort')) state.sort = query.get('sort');
  const limit = Number(query.get('limit'));
  if (PAGE_SIZES.includes(limit)) state.limit = limit;
  const offset = Number(query.get('offset'));
  if (Number.isInteger(offset) && offset > 0) state.offset = offset;
  return state;
}

function stateToQuery(state) {
  const query = new URLSearchParams();
  for (const key of FILTERS) if (state[key]) query.set(key, state[key]);
  if (state.sort !== '-last_inform') query.set('sort', state.sort);
  if (state.limit !== DEFAULT_LIMIT) query.set('limit', String(state.limit));
  if (state.offset) query.set('offset', String(state.offset));
  return query;
}

// Runs `fn(id)` for every id, a few at a time; reports progress; resolves {ok, failed:[{id, error}]}.
async function runBulk(ids, fn, onProgress) {
  const queue = [...ids];
  let done = 0;
  const failed = [];
  const worker = async () => {
    while (queue.length) {
      const id = queue.shift();
      try {
        await fn(id);
      } catch (error) {
        failed.push({id, error});
      }
      done += 1;
      onProgress(done, ids.length);
    }
  };
  await Promise.all(Array.from({length: Math.min(BULK_CONCURRENCY, ids.length)}, worker));
  return {ok: ids.length - failed.length, failed};
}

export async function mount(ctx) {
  ctx.setTitle('Devices');
  const state = readState(ctx.query);
  const selected = new Set();
  let items = [];
  let total = 0;
  let totalExact = true;  // false: `total` is a lower bound (GET /api/devices total_exact)
  let loadSeq = 0;

  // --- Filters -----------------------------------------------------------------------------
  const inputs = {
    q: h('input', {type: 'search', name: 'q', value: state.q, placeholder: 'id or serial contains…'}),
    online: select([['', 'Any'], ['true', 'Online'], ['false', 'Offline']], state.online, {name: 'online'}),
    oui: h('input', {type: 'text', name: 'oui', value: state.oui, placeholder: 'e.g. 00D09E'}),
    product_class: h('input', {type: 'text', name: 'product_class', value: state.product_class}),
    software_version: h('input', {type: 'text', name: 'software_version', value: state.software_version}),
    tag: h('input', {type: 'text', name: 'tag', value: state.tag}),
    param: h('input', {type: 'text', name: 'param', value: state.param, placeholder: 'Device.DeviceInfo.HardwareVersion'}),
    value: h('input', {type: 'text', name: 'value', value: state.value, placeholder: 'exact value'}),
  };
  const filterError = h('p', {class: 'error-text', role: 'alert'});
  const advancedKeys = ['oui', 'product_class', 'software_version', 'tag', 'param', 'value'];
  // The less used filters fold away on small screens unless one of them is in use.
  const advanced = h('details', {class: 'more-filters',
                                 open: advancedKeys.some((key) => state[key]) || !matchMedia('(max-width: 760px)').matches},
    h('summary', {}, 'More filters'),
    h('div', {class: 'form-grid'},
      field('OUI', inputs.oui).wrap,
      field('Product class', inputs.product_class).wrap,
      field('Software version', inputs.software_version).wrap,
      field('Tag', inputs.tag).wrap,
      h('div', {class: 'span-2'}, field('Parameter', inputs.param).wrap),
      field('has value', inputs.value).wrap));
  const filterForm = h('form', {class: 'panel filters', role: 'search', 'aria-label': 'Filter devices'},
    h('div', {class: 'form-grid'},
      h('div', {class: 'span-2'}, field('Search', inputs.q, {hint: 'Substring of the device id or serial number'}).wrap),
      field('Status', inputs.online).wrap),
    advanced,
    filterError,
    h('div', {class: 'form-actions'},
      h('button', {class: 'btn', type: 'button', onclick: () => {
        for (const key of FILTERS) inputs[key].value = '';
        applyFilters();
      }}, 'Clear filters'),
      h('button', {class: 'btn btn-primary', type: 'submit'}, 'Apply filters')));
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    applyFilters();
  });
  inputs.online.addEventListener('change', () => applyFilters());

  function applyFilters() {
    filterError.textContent = '';
    const next = {};
    for (const key of FILTERS) next[key] = inputs[key].value.trim();
    if (Boolean(next.param) !== Boolean(next.value)) {
      filterError.textContent = 'To filter by a parameter value, give both the parameter name and the value.';
      advanced.open = true;
      (next.param ? inputs.value : inputs.param).focus();
      return;
    }
    Object.assign(state, next, {offset: 0});
    load();
  }

  // --- Selection bar -------------------------------------------------------------------------
  const selCount = h('span', {class: 'count', role: 'status'});
  const selProgress = h('span', {class: 'hint', role: 'status'});
  const actionButtons = [
    h('button', {class: 'btn btn-small', type: 'button', onclick: () => bulkReboot()}, 'Reboot'),
    h('button', {class: 'btn btn-small', type: 'button', onclick: () => bulkRefresh()}, 'Refresh parameters'),
    h('button', {class: 'btn btn-small', type: 'button', onclick: () => bulkTag()}, 'Add tag'),
    h('button', {class: 'btn btn-small', type: 'button', onclick: () => bulkTask()}, 'Create task'),
    h('button', {class: 'btn btn-small', type: 'button', onclick: () => { selected.clear(); renderRows(); }},
      'Clear selection'),
  ];
  const selectionBar = h('div', {class: 'selection-bar', role: 'region', 'aria-label': 'Actions on selected devices', hidden: true},
    selCount, ...actionButtons, selProgress);

  // --- Table ---------------------------------------------------------------------------------
  const headAll = h('input', {type: 'checkbox', 'aria-label': 'Select all devices on this page'});
  headAll.addEventListener('change', () => {
    for (const device of items) {
      if (headAll.checked) selected.add(device.id);
      else selected.delete(device.id);
    }
    renderRows();
  });
  const headRow = h('tr', {}, h('th', {class: 'check', scope: 'col'}, headAll));
  const sortButtons = [];
  for (const column of COLUMNS) {
    const th = h('th', {scope: 'col', class: column.cls ?? null});
    if (column.sort) {
      const arrow = h('span', {class: 'arrow', 'aria-hidden': 'true'});
      const button = h('button', {class: 'sort-btn', type: 'button', dataset: {sort: column.sort}},
        column.label, arrow);
      button.addEventListener('click', () => {
        const current = state.sort.replace(/^-/, '');
        const descending = state.sort.startsWith('-');
        // First click on a new column: ascending, except time columns (newest first).
        state.sort = current === column.sort ? (descending ? column.sort : `-${column.sort}`)
                                             : (column.sort === 'last_inform' ? '-last_inform' : column.sort);
        state.offset = 0;
        load();
      });
      sortButtons.push({button, arrow, th, column});
      th.append(button);
    } else {
      th.append(column.label);
    }
    headRow.append(th);
  }
  const tbody = h('tbody');
  const table = h('table', {id: 'device-table', 'aria-label': 'Devices', 'aria-busy': 'true'},
    h('thead', {}, headRow), tbody);
  const pagerTop = h('div');
  const pagerBottom = h('div');
  const pageSize = select(PAGE_SIZES.map((n) => [String(n), `${n} per page`]), String(state.limit),
                          {'aria-label': 'Devices per page'});
  pageSize.addEventListener('change', () => {
    state.limit = Number(pageSize.value);
    state.offset = 0;
    load();
  });
  const timing = h('span', {class: 'meta', id: 'device-list-timing'});

  ctx.root.append(
    h('div', {class: 'page-head'}, h('h1', {tabindex: '-1'}, 'Devices'), timing, h('span', {class: 'spacer'}), pageSize),
    filterForm, selectionBar, pagerTop, h('div', {class: 'table-wrap'}, table), pagerBottom);

  function updateSortHeaders() {
    const current = state.sort.replace(/^-/, '');
    const descending = state.sort.startsWith('-');
    for (const {button, arrow, th, column} of sortButtons) {
      const active = column.sort === current;
      th.setAttribute('aria-sort', active ? (descending ? 'descending' : 'ascending') : 'none');
      arrow.textContent = active ? (descending ? '▼' : '▲') : '↕';
      button.setAttribute('aria-label', `Sort by ${column.label}${active ? (descending ? ', sorted descending' : ', sorted ascending') : ''}`);
    }
  }

  function renderSelection() {
    selectionBar.hidden = selected.size === 0;
    selCount.textContent = `${formatNumber(selected.size)} selected`;
    const onPage = items.filter((device) => selected.has(device.id)).length;
    headAll.checked = items.length > 0 && onPage === items.length;
    headAll.indeterminate = onPage > 0 && onPage < items.length;
  }

  function renderRows() {
    const now = Date.now();
    const rows = items.map((device) => {
      const checkbox = h('input', {type: 'checkbox', checked: selected.has(device.id),
                                   'aria-label': `Select ${device.id}`});
      checkbox.addEventListener('change', () => {
        if (checkbox.checked) selected.add(device.id);
        else selected.delete(device.id);
        row.classList.toggle('selected', checkbox.checked);
        renderSelection();
      });
      const row = h('tr', {class: selected.has(device.id) ? 'selected' : null, dataset: {deviceId: device.id}},
        h('td', {class: 'check'}, checkbox),
        h('td', {class: 'id-cell'}, h('a', {href: `#/devices/${encodeURIComponent(device.id)}`}, device.id)),
        h('td', {class: 'hide-sm'}, device.serial_number),
        h('td', {class: 'hide-sm'}, device.product_class),
        h('td', {class: 'hide-sm'}, device.software_version),
        h('td', {class: 'hide-sm mono'}, device.ip),
        h('td', {title: formatDateTime(device.last_inform)}, formatAgo(device.last_inform, now)),
        h('td', {}, statusBadge(device.online)),
        h('td', {class: 'hide-sm'}, h('span', {class: 'chips'}, (device.tags ?? []).map((tag) => h('span', {class: 'chip'}, tag)))));
      return row;
    });
    if (!rows.length) {
      rows.push(h('tr', {class: 'empty-row'}, h('td', {colspan: COLUMNS.length + 1},
        FILTERS.some((key) => state[key]) ? 'No device matches these filters.' : 'No devices yet: they appear after their first Inform.')));
    }
    replace(tbody, rows);
    renderSelection();
  }

  function renderPagers() {
    const make = () => pager({offset: state.offset, limit: state.limit, total, exact: totalExact, label: 'devices',
                              onPage: (offset) => { state.offset = offset; load(); }});
    replace(pagerTop, make());
    replace(pagerBottom, make());
  }

  async function load({quiet = false} = {}) {
    const seq = ++loadSeq;
    if (!quiet) {
      ctx.pushQuery(stateToQuery(state));
      table.setAttribute('aria-busy', 'true');
    }
    updateSortHeaders();
    const query = {limit: state.limit, offset: state.offset, sort: state.sort};
    for (const key of FILTERS) if (state[key]) query[key] = state[key];
    const started = performance.now();
    try {
      const page = await api.get('devices', query);
      if (seq !== loadSeq || !ctx.isCurrent()) return;
      items = page.items ?? [];
      total = page.total ?? items.length;
      totalExact = page.total_exact !== false;
      renderRows();
      renderPagers();
      const ms = Math.round(performance.now() - started);
      timing.textContent = `${formatNumber(total)}${totalExact ? '' : '+'} devices · loaded in ${ms} ms`;
      table.dataset.loadMs = String(ms);
      table.dataset.state = 'loaded';
      clearBanner('devices');
    } catch (err) {
      if (seq !== loadSeq || !ctx.isCurrent()) return;
      table.dataset.state = 'error';
      if (!quiet || !err.unreachable) showError(err, {title: 'Could not load the device list', key: 'devices'});
      if (!items.length) {
        replace(tbody, h('tr', {class: 'empty-row'}, h('td', {colspan: COLUMNS.length + 1}, 'The device list could not be loaded.')));
      }
    } finally {
      if (seq === loadSeq) table.setAttribute('aria-busy', 'false');
    }
  }

  // --- Bulk actions --------------------------------------------------------------------------
  async function bulk(label, fn) {
    const ids = [...selected];
    for (const button of actionButtons) button.disabled = true;
    selProgress.textContent = `${label}: 0 / ${ids.length}…`;
    const result = await runBulk(ids, fn, (done, all) => { selProgress.textContent = `${label}: ${done} / ${all}…`; });
    for (const button of actionButtons) button.disabled = false;
    selProgress.textContent = `${label}: ${result.ok} of ${ids.length} done${result.failed.length ? `, ${result.failed.length} failed` : ''}.`;
    if (result.failed.length) {
      const first = result.failed.slice(0, 5).map(({id, error}) => `${id}: ${error.describe?.() ?? error.message}`).join('\n');
      showError(new Error(`${first}${result.failed.length > 5 ? `\n… and ${result.failed.length - 5} more` : ''}`),
                {title: `${label} failed for ${result.failed.length} of ${ids.length} devices`, key: 'bulk'});
    } else {
      toast(`${label}: done for ${ids.length} device${ids.length === 1 ? '' : 's'}.`);
    }
    load({quiet: true});
  }

  async function bulkReboot() {
    const n = selected.size;
    const ok = await confirmDialog('Reboot devices',
      `Queue a Reboot for ${n} device${n === 1 ? '' : 's'} and send each a connection request?`,
      {confirmLabel: `Reboot ${n}`, danger: true});
    if (ok) bulk('Reboot', (id) => api.post(api.devicePath(id, 'reboot'), {connection_request: true}));
  }

  async function bulkRefresh() {
    const path = h('input', {type: 'text', name: 'path', value: '', placeholder: 'empty: the whole data model'});
    const result = await formDialog('Refresh parameters', {
      fields: () => [field('Subtree', path, {hint: 'e.g. Device.DeviceInfo. — the ACS reads names and values of this subtree from each device.'}).wrap],
      submit: () => ({path: path.value.trim()}),
      submitLabel: `Refresh ${selected.size}`,
    });
    if (result) {
      bulk('Refresh', (id) => api.post(api.devicePath(id, 'tasks'),
        {task_type: 'refresh', parameters: {ParameterPath: result.path}, connection_request: true}));
    }
  }

  async function bulkTag() {
    const tag = h('input', {type: 'text', name: 'tag', required: true, pattern: TAG_PATTERN.source});
    const result = await formDialog('Add a tag', {
      fields: () => [field('Tag', tag, {hint: 'Letters, digits and - _ . : @ (up to 128).'}).wrap],
      submit: () => {
        const value = tag.value.trim();
        if (!TAG_PATTERN.test(value)) {
          tag.setAttribute('aria-invalid', 'true');
          throw new Error('A tag is 1 to 128 letters, digits or - _ . : @');
        }
        return {tag: value};
      },
      submitLabel: `Tag ${selected.size}`,
    });
    if (result) bulk(`Tag "${result.tag}"`, (id) => api.put(api.devicePath(id, 'tags', encodeURIComponent(result.tag))));
  }

  async function bulkTask() {
    const form = taskFormFields();
    const result = await formDialog(`Create a task on ${selected.size} devices`, {
      fields: () => form.nodes,
      submit: () => form.read(),
      submitLabel: 'Create tasks',
    });
    if (result) bulk(`Task ${result.task_type}`, (id) => api.post(api.devicePath(id, 'tasks'), result));
  }

  updateSortHeaders();
  await load();
  // Keep status and last-inform columns fresh; the first run happened above.
  let first = true;
  const poller = poll(async () => {
    if (first) {
      first = false;
      return;
    }
    await load({quiet: true});
  }, REFRESH_MS);
  ctx.onCleanup(() => poller.stop());
}
