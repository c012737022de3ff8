// Tasks: every task across devices (GET /api/tasks), filtered by state, type and device,
// newest first, with cancel for pending ones (DELETE /api/tasks/{id}), one or many.

import {h, field, select, replace} from '../dom.js';
import * as api from '../api.js';
import {showError, clearBanner, toast, badge, pager, poll, confirmDialog} from '../ui.js';
import {formatAgo, formatDateTime, jsonText, truncate} from '../format.js';

const LIMIT = 50;
const REFRESH_MS = 5000;

function summary(task) {
  if (task.fault) return `fault ${task.fault.code}: ${task.fault.message}`;
  if (task.reason) return task.reason;
  if (task.result !== null && task.result !== undefined && jsonText(task.result, false) !== '{}') return truncate(jsonText(task.result, false), 120);
  return '';
}

export async function mount(ctx) {
  ctx.setTitle('Tasks');
  const state = {
    status: ctx.query.get('status') ?? '',
    type: ctx.query.get('type') ?? '',
    device_id: ctx.query.get('device_id') ?? '',
    offset: Math.max(0, Number(ctx.query.get('offset')) || 0),
  };
  const selected = new Set();
  let items = [];

  const statusSelect = select([['', 'Any state'], ...api.TASK_STATES.map((s) => [s, s])], state.status, {name: 'status'});
  const typeSelect = select([['', 'Any type'], ...api.TASK_TYPES.map((t) => [t, t])], state.type, {name: 'type'});
  const deviceInput = h('input', {type: 'text', name: 'device_id', value: state.device_id, spellcheck: 'false',
                                  placeholder: 'exact device id'});
  const form = h('form', {class: 'panel filters', role: 'search', 'aria-label': 'Filter tasks'},
    h('div', {class: 'form-grid'}, field('State', statusSelect).wrap, field('Type', typeSelect).wrap,
      h('div', {class: 'span-2'}, field('Device', deviceInput).wrap)),
    h('div', {class: 'form-actions'},
      h('button', {class: 'btn', type: 'button', onclick: () => {
        statusSelect.value = '';
        typeSelect.value = '';
        deviceInput.value = '';
        apply();
      }}, 'Clear filters'),
      h('button', {class: 'btn btn-primary', type: 'submit'}, 'Apply filters')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  statusSelect.addEventListener('change', () => apply());
  typeSelect.addEventListener('change', () => apply());

  const cancelSelected = h('button', {class: 'btn btn-small', type: 'button', disabled: true}, 'Cancel selected');
  const selectionInfo = h('span', {class: 'hint', role: 'status'});
  const tbody = h('tbody');
  const headAll = h('input', {type: 'checkbox', 'aria-label': 'Select all pending tasks on this page'});
  const table = h('table', {id: 'task-table', 'aria-label': 'Tasks'},
    h('thead', {}, h('tr', {},
      h('th', {class: 'check', scope: 'col'}, headAll),
      ...['Id', 'Device', 'Type', 'State', 'Created', 'Updated', 'Attempts', 'Result or fault', ''].map((label, i) =>
        h('th', {scope: 'col', class: [0, 6].includes(i) ? 'num' : [4, 5, 6].includes(i) ? 'hide-sm' : null}, label)))),
    tbody);
  const pagerTop = h('div');
  const updated = h('span', {class: 'meta', role: 'status'});
  ctx.root.append(h('div', {class: 'page-head'}, h('h1', {tabindex: '-1'}, 'Tasks'), updated),
    form, h('div', {class: 'btnrow'}, cancelSelected, selectionInfo), pagerTop, h('div', {class: 'table-wrap'}, table));

  headAll.addEventListener('change', () => {
    for (const task of items) {
      if (task.status !== 'pending') continue;
      if (headAll.checked) selected.add(task.id);
      else selected.delete(task.id);
    }
    render(lastPage);
  });

  function renderSelection() {
    cancelSelected.disabled = selected.size === 0;
    selectionInfo.textContent = selected.size ? `${selected.size} pending task${selected.size === 1 ? '' : 's'} selected` : '';
  }

  async function cancel(ids) {
    const failures = [];
    for (const id of ids) {
      try {
        await api.del(`tasks/${id}`);
        selected.delete(id);
      } catch (err) {
        failures.push(`#${id}: ${err.describe?.() ?? err.message}`);
      }
    }
    if (failures.length) showError(new Error(failures.join('\n')), {title: 'Some tasks could not be cancelled', key: 'cancel'});
    else toast(`Cancelled ${ids.length} task${ids.length === 1 ? '' : 's'}.`);
    load(true);
  }

  cancelSelected.addEventListener('click', async () => {
    const ids = [...selected];
    if (await confirmDialog('Cancel tasks', `Cancel ${ids.length} pending task${ids.length === 1 ? '' : 's'}?`,
                            {confirmLabel: 'Cancel tasks', danger: true})) {
      cancel(ids);
    }
  });

  let lastPage = {items: [], total: 0};
  function render(page) {
    lastPage = page;
    items = page.items ?? [];
    // Forget selections of tasks that are no longer pending.
    for (const task of items) if (task.status !== 'pending') selected.delete(task.id);
    const rows = items.map((task) => {
      const pending = task.status === 'pending';
      const check = h('input', {type: 'checkbox', checked: selected.has(task.id), disabled: !pending,
                                'aria-label': `Select task ${task.id}`});
      check.addEventListener('change', () => {
        if (check.checked) selected.add(task.id);
        else selected.delete(task.id);
        renderSelection();
      });
      return h('tr', {dataset: {taskId: task.id, status: task.status}},
        h('td', {class: 'check'}, check),
        h('td', {class: 'num'}, `#${task.id}`),
        h('td', {class: 'id-cell'}, h('a', {href: `#/devices/${encodeURIComponent(task.device_id)}`}, task.device_id)),
        h('td', {}, task.task_type),
        h('td', {}, badge(task.status)),
        h('td', {class: 'hide-sm', title: formatDateTime(task.created_at)}, formatAgo(task.created_at)),
        h('td', {class: 'hide-sm', title: formatDateTime(task.updated_at)}, formatAgo(task.updated_at)),
        h('td', {class: 'num hide-sm'}, `${task.attempts}/${task.max_attempts}`),
        h('td', {}, summary(task)),
        h('td', {}, pending ? h('button', {class: 'btn btn-small', type: 'button', 'aria-label': `Cancel task ${task.id}`,
                                           onclick: () => cancel([task.id])}, 'Cancel') : null));
    });
    if (!rows.length) rows.push(h('tr', {class: 'empty-row'}, h('td', {colspan: 10}, 'No task matches these filters.')));
    replace(tbody, rows);
    const pendingOnPage = items.filter((t) => t.status === 'pending');
    headAll.checked = pendingOnPage.length > 0 && pendingOnPage.every((t) => selected.has(t.id));
    headAll.disabled = pendingOnPage.length === 0;
    replace(pagerTop, pager({offset: state.offset, limit: LIMIT, total: page.total ?? 0, label: 'tasks',
                             onPage: (offset) => { state.offset = offset; load(); }}));
    renderSelection();
  }

  function apply() {
    state.status = statusSelect.value;
    state.type = typeSelect.value;
    state.device_id = deviceInput.value.trim();
    state.offset = 0;
    selected.clear();
    load();
  }

  async function load(quiet = false) {
    const query = new URLSearchParams();
    for (const key of ['status', 'type', 'device_id']) if (state[key]) query.set(key, state[key]);
    if (state.offset) query.set('offset', String(state.offset));
    if (!quiet) ctx.pushQuery(query);
    try {
      const page = await api.get('tasks', {status: state.status, type: state.type, device_id: state.device_id,
                                           sort: '-created_at', limit: LIMIT, offset: state.offset});
      if (!ctx.isCurrent()) return;
      render(page);
      table.dataset.state = 'loaded';
      updated.textContent = `${page.total ?? items.length} tasks · updated ${new Date().toLocaleTimeString()}`;
      clearBanner('tasks');
    } catch (err) {
      if (!ctx.isCurrent()) return;
      table.dataset.state = 'error';
      if (!quiet || !err.unreachable) showError(err, {title: 'Could not load the tasks', key: 'tasks'});
    }
  }

  await load();
  let first = true;
  const poller = poll(async () => {
    if (first) {
      first = false;
      return;
    }
    await load(true);
  }, REFRESH_MS);
  ctx.onCleanup(() => poller.stop());
}
