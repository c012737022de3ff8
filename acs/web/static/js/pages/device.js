// One device: identity and status, tags, actions (reboot, factory reset, refresh,
// connection request, firmware download, any task), the parameter tree with in-place edits,
// and the device's tasks, sessions and faults. Every action is a REST call; tasks created
// here are followed until they finish.

import {h, field, select, replace, uid} from '../dom.js';
import * as api from '../api.js';
import {showError, clearBanner, toast, badge, statusBadge, confirmDialog, formDialog, poll, pager,
        notAvailable} from '../ui.js';
import {formatAgo, formatDateTime, formatDuration, formatNumber, jsonText, parseTime, truncate} from '../format.js';
import {parameterTree} from '../tree.js';
import {taskFormFields} from '../taskform.js';

const REFRESH_MS = 5000;
const TASK_POLL_MS = 1000;
const LIST_LIMIT = 25;
const TAG_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;
const FILE_TYPES = ['1 Firmware Upgrade Image', '2 Web Content', '3 Vendor Configuration File',
                    '4 Tone File', '5 Ringer File'];

function taskSummary(task) {
  if (task.fault) return `fault ${task.fault.code}: ${task.fault.message}`;
  if (task.reason) return task.reason;
  if (task.result !== null && task.result !== undefined && jsonText(task.result, false) !== '{}') return truncate(jsonText(task.result, false), 140);
  if (task.connection_request_result) return `connection request: ${task.connection_request_result}`;
  return '';
}

export async function mount(ctx) {
  const deviceId = ctx.params[0];
  ctx.setTitle(deviceId);
  let device = null;
  let root = 'Device.';  // the data model root, learnt from the tree (or InternetGatewayDevice.)
  const trackers = new Set();

  // --- Head ------------------------------------------------------------------------------------
  const statusSlot = h('span');
  const lastInform = h('span', {class: 'meta'});
  ctx.root.append(h('p', {}, h('a', {href: '#/devices'}, '‹ All devices')),
    h('div', {class: 'page-head'}, h('h1', {tabindex: '-1', class: 'mono'}, deviceId), statusSlot, lastInform));

  const actions = h('div', {class: 'btnrow', role: 'toolbar', 'aria-label': 'Device actions'});
  const activity = h('ul', {class: 'chips', 'aria-label': 'Tasks started from this page', 'aria-live': 'polite'});
  ctx.root.append(actions, h('div', {class: 'panel', hidden: true, id: 'activity-panel'},
    h('h2', {}, 'Activity'), activity));
  const activityPanel = ctx.root.querySelector('#activity-panel');

  const identity = h('dl', {class: 'props'});
  const tagsBox = h('div');
  ctx.root.append(h('div', {class: 'grid panels'},
    h('section', {class: 'panel', 'aria-labelledby': 'identity-h'}, h('h2', {id: 'identity-h'}, 'Identity and status'), identity),
    h('section', {class: 'panel', 'aria-labelledby': 'tags-h'}, h('h2', {id: 'tags-h'}, 'Tags'), tagsBox)));

  // --- Tabs ------------------------------------------------------------------------------------
  const tabNames = [['parameters', 'Parameters'], ['tasks', 'Tasks'], ['sessions', 'Sessions'], ['faults', 'Faults']];
  const tabList = h('div', {class: 'tabs', role: 'tablist', 'aria-label': 'Device details'});
  const panels = {};
  const tabs = {};
  for (const [key, label] of tabNames) {
    const tabId = uid('tab');
    const panelId = uid('tabpanel');
    tabs[key] = h('button', {role: 'tab', id: tabId, type: 'button', 'aria-controls': panelId,
                             'aria-selected': 'false', tabindex: '-1', dataset: {tab: key}}, label);
    panels[key] = h('section', {role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, hidden: true, tabindex: '0'});
    tabList.append(tabs[key]);
  }
  ctx.root.append(tabList, ...Object.values(panels));
  let activeTab = null;
  function selectTab(key, focus = false) {
    activeTab = key;
    for (const [name] of tabNames) {
      const on = name === key;
      tabs[name].setAttribute('aria-selected', String(on));
      tabs[name].tabIndex = on ? 0 : -1;
      panels[name].hidden = !on;
    }
    if (focus) tabs[key].focus();
    refreshLists();
  }
  tabList.addEventListener('click', (event) => {
    const key = event.target.closest('[role="tab"]')?.dataset.tab;
    if (key) selectTab(key);
  });
  tabList.addEventListener('keydown', (event) => {
    const keys = tabNames.map(([k]) => k);
    const i = keys.indexOf(activeTab);
    let next = null;
    if (event.key === 'ArrowRight') next = keys[(i + 1) % keys.length];
    else if (event.key === 'ArrowLeft') next = keys[(i - 1 + keys.length) % keys.length];
    else if (event.key === 'Home') next = keys[0];
    else if (event.key === 'End') next = keys[keys.length - 1];
    if (next) {
      event.preventDefault();
      selectTab(next, true);
    }
  });

  // --- Task creation and tracking ---------------------------------------------------------------
  // Creates a task and follows it; `onDone(task)` runs when it finishes; `progress` (an
  // element) shows its state too.
  async function createTask(body, label, {onDone, progress} = {}) {
    const task = await api.post(api.devicePath(deviceId, 'tasks'), body);
    track(task, label, {onDone, progress});
    return task;
  }

  function describeState(task) {
    const summary = taskSummary(task);
    return `${task.status}${summary ? ` — ${summary}` : ''}`;
  }

  function track(task, label, {onDone, progress} = {}) {
    activityPanel.hidden = false;
    const state = h('span', {}, badge(task.status));
    const detail = h('span', {class: 'hint'});
    const cr = task.connection_request;
    if (cr && !cr.ok) detail.textContent = ` connection request failed: ${cr.message} (the device runs the task at its next Inform)`;
    const item = h('li', {class: 'chip', dataset: {taskId: task.id}},
      `#${task.id} ${label}: `, state, detail);
    activity.prepend(item);
    if (progress) progress.textContent = `task #${task.id}: ${task.status}`;
    const tracker = {stopped: false};
    trackers.add(tracker);
    const step = async () => {
      if (tracker.stopped) return;
      let current;
      try {
        current = await api.get(`tasks/${task.id}`);
      } catch (err) {
        detail.textContent = ` ${err.describe?.() ?? err.message}`;
        setTimeout(step, TASK_POLL_MS * 3);
        return;
      }
      replace(state, badge(current.status));
      if (progress) progress.textContent = `task #${current.id}: ${describeState(current)}`;
      if (api.isFinished(current.status)) {
        trackers.delete(tracker);
        const summary = taskSummary(current);
        detail.textContent = summary ? ` ${summary}` : '';
        if (current.status === 'completed') toast(`${label}: completed.`);
        else toast(`${label}: ${current.status}${summary ? ` (${summary})` : ''}`, 'bad', 8000);
        refreshLists();
        onDone?.(current);
        return;
      }
      setTimeout(step, TASK_POLL_MS);
    };
    setTimeout(step, TASK_POLL_MS);
  }
  ctx.onCleanup(() => { for (const t of trackers) t.stopped = true; });

  // --- Actions ---------------------------------------------------------------------------------
  const actionButton = (label, fn, cls = '') => {
    const button = h('button', {class: `btn ${cls}`, type: 'button'}, label);
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await fn();
      } catch (err) {
        showError(err, {title: `${label} failed`});
      } finally {
        button.disabled = false;
      }
    });
    return button;
  };

  async function reboot() {
    if (!await confirmDialog('Reboot the device', `Queue a Reboot for ${deviceId} and ask it to connect now?`,
                             {confirmLabel: 'Reboot', danger: true})) return;
    const task = await api.post(api.devicePath(deviceId, 'reboot'), {connection_request: true});
    track(task, 'Reboot');
  }

  async function factoryReset() {
    const typed = h('input', {type: 'text', autocomplete: 'off', spellcheck: 'false'});
    const ok = await formDialog('Factory reset', {
      fields: () => [
        h('p', {}, 'A factory reset erases the device\'s configuration. It cannot be undone.'),
        field(`Type the serial number (${device?.serial_number || deviceId}) to confirm`, typed).wrap],
      submit: () => {
        const expected = device?.serial_number || deviceId;
        if (typed.value.trim() !== expected) {
          typed.setAttribute('aria-invalid', 'true');
          throw new Error('The serial number does not match.');
        }
        return true;
      },
      submitLabel: 'Factory reset',
      danger: true,
    });
    if (!ok) return;
    const task = await api.post(api.devicePath(deviceId, 'factory-reset'), {connection_request: true});
    track(task, 'Factory reset');
  }

  async function refreshSubtree(path = root) {
    const input = h('input', {type: 'text', value: path, spellcheck: 'false'});
    const result = await formDialog('Refresh parameters from the device', {
      fields: () => [field('Subtree', input, {hint: 'Names and values under this path are read again (GetParameterNames + GetParameterValues). Empty: the whole data model.'}).wrap],
      submit: () => createTask({task_type: 'refresh', parameters: {ParameterPath: input.value.trim()}, connection_request: true},
                               `Refresh ${input.value.trim() || '(all)'}`, {onDone: () => tree.reload()}),
      submitLabel: 'Refresh',
    });
    return result;
  }

  async function connectionRequest() {
    try {
      const result = await api.post(api.devicePath(deviceId, 'connection-request'));
      const outcome = result.connection_request ?? {};
      toast(`Connection request: ${outcome.message || 'ok'}${outcome.http_status ? ` (HTTP ${outcome.http_status})` : ''}`);
    } catch (err) {
      showError(err, {title: 'Connection request failed', key: 'cr'});
    }
  }

  async function downloadFirmware() {
    let files = null;
    let filesError = null;
    try {
      files = (await api.get('files')).items ?? [];
    } catch (err) {
      filesError = err;
    }
    const url = h('input', {type: 'url', required: true, spellcheck: 'false', placeholder: 'http://files.example/firmware.bin'});
    const fileType = select(FILE_TYPES, FILE_TYPES[0]);
    const size = h('input', {type: 'number', min: 0, step: 1, value: '0', inputmode: 'numeric'});
    const target = h('input', {type: 'text', spellcheck: 'false'});
    const delay = h('input', {type: 'number', min: 0, step: 1, value: '0', inputmode: 'numeric'});
    const username = h('input', {type: 'text', autocomplete: 'off'});
    const password = h('input', {type: 'password', autocomplete: 'new-password'});
    let chooser;
    if (files) {
      const picker = select([['', files.length ? 'Choose a file stored on the ACS…' : 'No files stored on the ACS'],
                             ...files.map((f) => [f.name, `${f.name} (${formatNumber(f.size)} bytes)`])], '');
      picker.addEventListener('change', () => {
        const file = files.find((f) => f.name === picker.value);
        if (!file) return;
        url.value = file.url;
        size.value = String(file.size ?? 0);
        target.value = file.name;
        if (file.file_type) {
          // A vendor-specific type stored with the file is offered too, not silently dropped.
          if (![...fileType.options].some((o) => o.value === file.file_type)) {
            fileType.append(h('option', {value: file.file_type}, file.file_type));
          }
          fileType.value = file.file_type;
        }
      });
      chooser = field('Firmware file', picker).wrap;
    } else {
      chooser = notAvailable('Choosing a file stored on the ACS', filesError);
    }
    return formDialog('Download firmware', {
      fields: () => [chooser, h('div', {class: 'form-grid'},
        h('div', {class: 'span-2'}, field('URL the device downloads from', url).wrap),
        field('File type', fileType).wrap, field('Size (bytes, 0 unknown)', size).wrap,
        field('Target file name', target).wrap, field('Delay (s)', delay).wrap,
        field('Username', username).wrap, field('Password', password).wrap)],
      submit: () => {
        if (!/^(https?|ftp):\/\/./.test(url.value.trim())) {
          url.setAttribute('aria-invalid', 'true');
          throw new Error('Enter the http(s) or ftp URL the device will download the file from.');
        }
        return createTask({task_type: 'Download', connection_request: true, parameters: {
          FileType: fileType.value, URL: url.value.trim(), Username: username.value, Password: password.value,
          FileSize: Number(size.value || 0), TargetFileName: target.value.trim(), DelaySeconds: Number(delay.value || 0),
        }}, 'Download');
      },
      submitLabel: 'Queue download',
    });
  }

  async function rawTask() {
    const form = taskFormFields({type: 'GetParameterValues', root});
    return formDialog('New task', {
      fields: () => form.nodes,
      submit: () => {
        const body = form.read();
        return createTask(body, body.task_type, {onDone: (task) => {
          if (['refresh', 'GetParameterValues', 'SetParameterValues', 'AddObject', 'DeleteObject'].includes(task.task_type)) tree.reload();
        }});
      },
      submitLabel: 'Create task',
    });
  }

  const capture = h('input', {type: 'checkbox', id: uid('capture')});
  capture.addEventListener('change', async () => {
    try {
      await api.put(api.devicePath(deviceId, 'capture'), {enabled: capture.checked});
      toast(capture.checked ? 'Protocol capture on.' : 'Protocol capture off.');
    } catch (err) {
      capture.checked = !capture.checked;
      showError(err, {title: 'Could not change protocol capture'});
    }
  });

  actions.append(
    actionButton('Reboot', reboot),
    actionButton('Factory reset', factoryReset, 'btn-danger'),
    actionButton('Refresh parameters', () => refreshSubtree(root)),
    actionButton('Connection request', connectionRequest),
    actionButton('Download firmware', downloadFirmware),
    actionButton('New task', rawTask),
    h('span', {class: 'field inline'}, capture, h('label', {for: capture.id}, 'Protocol capture')));

  // --- Parameters --------------------------------------------------------------------------------
  const tree = parameterTree({
    deviceId,
    onEdit: async (param, value, progress) => {
      await createTask({
        task_type: 'SetParameterValues', connection_request: true,
        parameters: {ParameterList: [{Name: param.name, Value: value, Type: param.type || 'xsd:string'}], ParameterKey: ''},
      }, `Set ${param.name}`, {
        progress,
        onDone: async (task) => {
          if (task.status === 'completed') {
            try {
              await tree.refreshLeaf(param.name);
            } catch (err) {
              showError(err, {title: `Could not re-read ${param.name}`});
            }
          }
        },
      });
    },
    onRefresh: (path) => refreshSubtree(path),
  });
  const searchInput = h('input', {type: 'search', placeholder: 'name or value contains…', spellcheck: 'false'});
  let searchTimer = null;
  searchInput.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => tree.search(searchInput.value), 300);
  });
  searchInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      clearTimeout(searchTimer);
      tree.search(searchInput.value);
    } else if (event.key === 'Escape' && searchInput.value) {
      event.preventDefault();
      searchInput.value = '';
      tree.search('');
    }
  });
  panels.parameters.append(
    h('div', {class: 'tree-tools'},
      field('Search parameters', searchInput).wrap,
      h('button', {class: 'btn', type: 'button', onclick: () => tree.reload()}, 'Reload from the ACS')),
    tree.el);

  // --- Lists (tasks, sessions, faults) -------------------------------------------------------------
  const listState = {tasks: 0, sessions: 0, faults: 0};
  const listBodies = {
    tasks: h('div'),
    sessions: h('div'),
    faults: h('div'),
  };
  panels.tasks.append(listBodies.tasks);
  panels.sessions.append(listBodies.sessions);
  panels.faults.append(listBodies.faults);

  function table(label, head, rows, emptyText) {
    return h('div', {class: 'table-wrap'}, h('table', {'aria-label': label},
      h('thead', {}, h('tr', {}, head.map((c) => h('th', {scope: 'col', class: c.cls ?? null}, c.label)))),
      h('tbody', {}, rows.length ? rows : h('tr', {class: 'empty-row'}, h('td', {colspan: head.length}, emptyText)))));
  }

  function renderTasks(page) {
    const rows = (page.items ?? []).map((task) => {
      const details = h('details', {}, h('summary', {}, truncate(taskSummary(task) || 'details', 80)),
        h('pre', {class: 'mono'}, jsonText({parameters: task.parameters, result: task.result, fault: task.fault,
                                            reason: task.reason, attempts: task.attempts, command_key: task.command_key,
                                            connection_request_result: task.connection_request_result})));
      const cancel = task.status === 'pending'
        ? h('button', {class: 'btn btn-small', type: 'button', 'aria-label': `Cancel task ${task.id}`,
                       onclick: async () => {
                         try {
                           await api.del(`tasks/${task.id}`);
                           toast(`Task #${task.id} cancelled.`);
                           refreshLists();
                         } catch (err) {
                           showError(err, {title: `Could not cancel task #${task.id}`});
                         }
                       }}, 'Cancel')
        : null;
      return h('tr', {dataset: {taskId: task.id, status: task.status}},
        h('td', {class: 'num'}, `#${task.id}`), h('td', {}, task.task_type), h('td', {}, badge(task.status)),
        h('td', {class: 'hide-sm', title: formatDateTime(task.created_at)}, formatAgo(task.created_at)),
        h('td', {class: 'num hide-sm'}, `${task.attempts}/${task.max_attempts}`), h('td', {}, details), h('td', {}, cancel));
    });
    replace(listBodies.tasks,
      table('Tasks of this device', [{label: 'Id', cls: 'num'}, {label: 'Type'}, {label: 'State'},
        {label: 'Created', cls: 'hide-sm'}, {label: 'Attempts', cls: 'num hide-sm'}, {label: 'Result or fault'}, {label: ''}],
      rows, 'No tasks for this device.'),
      pager({offset: listState.tasks, limit: LIST_LIMIT, total: page.total ?? 0, label: 'tasks',
             onPage: (offset) => { listState.tasks = offset; refreshLists(); }}));
  }

  function renderSessions(page) {
    const rows = (page.items ?? []).map((session) => {
      const started = parseTime(session.started_at);
      const ended = parseTime(session.ended_at);
      return h('tr', {dataset: {sessionId: session.id}},
        h('td', {title: formatDateTime(session.started_at)}, formatAgo(session.started_at)),
        h('td', {}, h('span', {class: 'chips'}, (session.events ?? []).map((e) => h('span', {class: 'chip', dataset: {event: e}}, e)))),
        h('td', {class: 'num hide-sm'}, `${session.messages_in} / ${session.messages_out}`),
        h('td', {class: 'hide-sm'}, ended && started ? formatDuration(ended - started) : 'open'),
        h('td', {}, session.outcome ? badge(session.outcome, session.outcome === 'ok' ? 'ok' : 'bad') : badge('open', 'sent')));
    });
    replace(listBodies.sessions,
      table('Recent sessions', [{label: 'Started'}, {label: 'Events'}, {label: 'Messages in / out', cls: 'num hide-sm'},
        {label: 'Duration', cls: 'hide-sm'}, {label: 'Outcome'}], rows, 'No sessions recorded.'),
      pager({offset: listState.sessions, limit: LIST_LIMIT, total: page.total ?? 0, label: 'sessions',
             onPage: (offset) => { listState.sessions = offset; refreshLists(); }}));
  }

  function renderFaults(page) {
    const rows = (page.items ?? []).map((fault) => h('tr', {},
      h('td', {title: formatDateTime(fault.at)}, formatAgo(fault.at)),
      h('td', {class: 'num'}, String(fault.code)), h('td', {}, fault.message),
      h('td', {class: 'hide-sm'}, fault.task_id ? `#${fault.task_id}` : '–')));
    replace(listBodies.faults,
      table('Faults', [{label: 'When'}, {label: 'Code', cls: 'num'}, {label: 'Message'}, {label: 'Task', cls: 'hide-sm'}],
        rows, 'No faults recorded.'),
      pager({offset: listState.faults, limit: LIST_LIMIT, total: page.total ?? 0, label: 'faults',
             onPage: (offset) => { listState.faults = offset; refreshLists(); }}));
  }

  async function refreshLists() {
    const key = activeTab;
    if (!key || key === 'parameters') return;
    const query = {limit: LIST_LIMIT, offset: listState[key]};
    if (key === 'tasks') query.sort = '-created_at';
    try {
      const page = await api.get(api.devicePath(deviceId, key), query);
      if (!ctx.isCurrent() || activeTab !== key) return;
      if (key === 'tasks') renderTasks(page);
      else if (key === 'sessions') renderSessions(page);
      else renderFaults(page);
      clearBanner(`device-${key}`);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      if (!err.unreachable) showError(err, {title: `Could not load the ${key}`, key: `device-${key}`});
    }
  }

  // --- Device (identity, status, tags) ----------------------------------------------------------------
  function renderTags() {
    const input = h('input', {type: 'text', 'aria-label': 'New tag', placeholder: 'new tag', size: 14});
    const add = h('form', {class: 'btnrow'}, input, h('button', {class: 'btn btn-small', type: 'submit'}, 'Add tag'));
    add.addEventListener('submit', async (event) => {
      event.preventDefault();
      const tag = input.value.trim();
      if (!TAG_PATTERN.test(tag)) {
        showError(new Error('A tag is 1 to 128 letters, digits or - _ . : @'), {title: 'Invalid tag', key: 'tag'});
        input.focus();
        return;
      }
      try {
        await api.put(api.devicePath(deviceId, 'tags', encodeURIComponent(tag)));
        clearBanner('tag');
        await loadDevice();
        tagsBox.querySelector('input')?.focus();
      } catch (err) {
        showError(err, {title: 'Could not add the tag', key: 'tag'});
      }
    });
    const chips = (device.tags ?? []).map((tag) => h('span', {class: 'chip', dataset: {tag}}, tag,
      h('button', {type: 'button', 'aria-label': `Remove tag ${tag}`, onclick: async () => {
        try {
          await api.del(api.devicePath(deviceId, 'tags', encodeURIComponent(tag)));
          await loadDevice();
        } catch (err) {
          showError(err, {title: 'Could not remove the tag', key: 'tag'});
        }
      }}, '×')));
    replace(tagsBox, h('div', {class: 'chips', 'aria-label': 'Tags'}, chips.length ? chips : h('span', {class: 'hint'}, 'No tags.')),
      h('div', {class: 'btnrow'}, add));
  }

  function renderDevice() {
    replace(statusSlot, statusBadge(device.online));
    statusSlot.dataset.online = String(device.online);
    lastInform.textContent = `last inform ${formatAgo(device.last_inform)}`;
    lastInform.title = formatDateTime(device.last_inform);
    const rows = [
      ['OUI', device.oui], ['Product class', device.product_class], ['Serial number', device.serial_number],
      ['Manufacturer', device.manufacturer], ['Hardware version', device.hardware_version],
      ['Software version', device.software_version], ['IP address', device.ip],
      ['Connection request URL', device.connection_request_url || '–'],
      ['Periodic inform interval', device.periodic_inform_interval ? `${device.periodic_inform_interval} s` : 'unknown'],
      ['Last events', (device.last_events ?? []).join(', ') || '–'],
      ['First seen', formatDateTime(device.first_seen)], ['Last inform', formatDateTime(device.last_inform)],
    ];
    replace(identity, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '–')]));
    capture.checked = Boolean(device.capture_enabled);
    // Keep the tag input's text while polling; re-render only when the tags changed.
    const tagsKey = JSON.stringify(device.tags ?? []);
    if (tagsBox.dataset.tags !== tagsKey) {
      tagsBox.dataset.tags = tagsKey;
      renderTags();
    }
  }

  async function loadDevice() {
    try {
      device = await api.get(api.devicePath(deviceId));
    } catch (err) {
      if (!ctx.isCurrent()) return false;
      if (err.status === 404) {
        replace(ctx.root, h('h1', {tabindex: '-1'}, 'Device not found'),
          h('p', {}, 'The ACS has no device ', h('code', {}, deviceId), ' (', err.message, '). ',
            h('a', {href: '#/devices'}, 'Back to the device list'), '.'));
        throw Object.assign(new Error('device not found'), {handled: true});
      }
      if (!err.unreachable || !device) showError(err, {title: 'Could not load the device', key: 'device'});
      return false;
    }
    if (!ctx.isCurrent()) return false;
    clearBanner('device');
    renderDevice();
    return true;
  }

  try {
    await loadDevice();
  } catch (err) {
    if (err.handled) return;
    throw err;
  }
  selectTab('parameters');
  tree.reload().then(() => {
    // The data model root is whichever object the tree shows at the top.
    const top = tree.el.querySelector('.tree > li[data-name]')?.dataset.name;
    if (top) root = top;
  });

  let first = true;
  const poller = poll(async () => {
    if (first) {
      first = false;
      return;
    }
    await loadDevice();
    await refreshLists();
  }, REFRESH_MS);
  ctx.onCleanup(() => poller.stop());
}
