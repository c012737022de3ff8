// The parameter tree of one device: lazy (children are fetched or built when an object is
// opened), searchable, values with type, writability and last update; writable values are
// edited in place (the page turns an edit into a SetParameterValues task).
//
// Data: GET /api/devices/{id}/parameter-tree?prefix=P lists the direct children of P (see
// acs/web/API-NEEDS.md). When the ACS does not have that endpoint (404), the tree falls back
// to one GET /api/devices/{id}/parameters (every parameter) and groups names client-side,
// and says so in a note. Search always filters the full list by substring.

import {h, replace, uid} from './dom.js';
import * as api from './api.js';
import {notAvailable} from './ui.js';
import {formatAgo, formatDateTime, formatNumber} from './format.js';

const MAX_SEARCH_RESULTS = 500;
const FLAT_CACHE_MS = 10000;

// Natural order: "Device.IP.Interface.10." after "Device.IP.Interface.9.".
function compareNames(a, b) {
  return a.localeCompare(b, 'en', {numeric: true});
}

function lastSegment(name) {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const dot = trimmed.lastIndexOf('.');
  return (dot >= 0 ? trimmed.slice(dot + 1) : trimmed) + (name.endsWith('.') ? '.' : '');
}

// Groups a flat parameter list into {children(prefix) -> [{name, object, child_count, ...}]}.
function buildIndex(parameters) {
  const objects = new Map();  // object name ("Device.WiFi.") -> {children: Map(name -> node), meta}
  const root = {children: new Map()};
  objects.set('', root);
  const ensureObject = (name) => {
    let node = objects.get(name);
    if (node) return node;
    node = {children: new Map(), meta: null};
    objects.set(name, node);
    const parentName = name.slice(0, name.slice(0, -1).lastIndexOf('.') + 1);
    ensureObject(parentName).children.set(name, {name, object: true});
    return node;
  };
  for (const parameter of parameters) {
    const name = parameter.name;
    if (!name) continue;
    if (name.endsWith('.')) {
      ensureObject(name).meta = parameter;
      continue;
    }
    const parentName = name.slice(0, name.lastIndexOf('.') + 1);
    ensureObject(parentName).children.set(name, {name, object: false, ...parameter});
  }
  return {
    children(prefix) {
      const node = objects.get(prefix);
      if (!node) return [];
      return [...node.children.values()].map((child) => (child.object
        ? {...child, child_count: objects.get(child.name)?.children.size ?? 0,
           writable: objects.get(child.name)?.meta?.writable ?? null}
        : child)).sort((a, b) => compareNames(a.name, b.name));
    },
  };
}

export function parameterTree({deviceId, onEdit, onRefresh}) {
  const note = h('div');
  const treeRoot = h('ul', {class: 'tree', role: 'list', 'aria-label': 'Parameters'});
  const results = h('div', {hidden: true});
  const status = h('p', {class: 'hint', role: 'status'});
  const el = h('div', {}, note, status, treeRoot, results);
  let mode = 'unknown';            // 'server' | 'flat'
  let flat = null;                 // {at, parameters, index}
  const leafViews = new Map();     // parameter name -> Set of {update(param)} (tree and search rows)

  async function loadFlat(force = false) {
    if (!force && flat && Date.now() - flat.at < FLAT_CACHE_MS) return flat;
    const data = await api.get(api.devicePath(deviceId, 'parameters'));
    const parameters = data.items ?? [];
    flat = {at: Date.now(), parameters, index: buildIndex(parameters)};
    return flat;
  }

  async function children(prefix) {
    if (mode !== 'flat') {
      try {
        const data = await api.get(api.devicePath(deviceId, 'parameter-tree'), {prefix});
        mode = 'server';
        return data.items ?? [];
      } catch (err) {
        if (!err.missingEndpoint || mode === 'server') throw err;
        mode = 'flat';
        replace(note, notAvailable('Server-side tree listing', err),
                h('p', {class: 'hint'}, 'Loading all parameters at once and grouping them here instead.'));
      }
    }
    const {index} = await loadFlat(prefix === '');
    return index.children(prefix);
  }

  function leafRow(param) {
    const value = h('span', {class: 'leaf-value'});
    const meta = h('span', {class: 'leaf-meta'});
    const progress = h('span', {class: 'progress', role: 'status'});
    const editButton = h('button', {class: 'btn btn-small', type: 'button'}, 'Edit');
    const row = h('div', {class: 'node-row', dataset: {param: param.name}},
      h('span', {class: 'leaf-name', title: param.name}, lastSegment(param.name)), value, meta, editButton, progress);
    let current = param;

    function render() {
      replace(value, current.value === '' ? h('em', {class: 'leaf-meta'}, '(empty)') : current.value);
      const writable = current.writable === true ? 'writable' : current.writable === false ? 'read-only' : 'writability unknown';
      meta.textContent = `${current.type || 'no type'} · ${writable} · updated ${formatAgo(current.last_updated)}`;
      meta.title = `Last updated ${formatDateTime(current.last_updated)}`;
      editButton.hidden = current.writable !== true;
      editButton.setAttribute('aria-label', `Edit ${current.name}`);
    }

    function startEdit() {
      const type = current.type || 'xsd:string';
      let input;
      if (type === 'xsd:boolean') {
        input = h('select', {'aria-label': `New value of ${current.name}`},
          ['true', 'false'].map((v) => h('option', {value: v}, v)));
        input.value = ['1', 'true'].includes(current.value) ? 'true' : 'false';
      } else {
        const numeric = /int|unsignedInt|long|unsignedLong/.test(type);
        input = h('input', {type: 'text', value: current.value, inputmode: numeric ? 'numeric' : null,
                            'aria-label': `New value of ${current.name}`, spellcheck: 'false'});
      }
      const error = h('span', {class: 'error-text', role: 'alert'});
      const form = h('form', {class: 'edit-form'}, input,
        h('button', {class: 'btn btn-small btn-primary', type: 'submit'}, 'Save'),
        h('button', {class: 'btn btn-small', type: 'button', onclick: () => stopEdit()}, 'Cancel'), error);
      const stopEdit = () => {
        form.replaceWith(value);
        editButton.hidden = current.writable !== true;
        editButton.focus();
      };
      form.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          stopEdit();
        }
      });
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const newValue = input.value;
        if (/^xsd:(unsignedInt|unsignedLong)$/.test(type) && !/^\d+$/.test(newValue)) {
          error.textContent = `${type} takes a whole number ≥ 0`;
          return;
        }
        if (/^xsd:(int|long)$/.test(type) && !/^-?\d+$/.test(newValue)) {
          error.textContent = `${type} takes a whole number`;
          return;
        }
        for (const control of form.elements) control.disabled = true;
        try {
          await onEdit(current, newValue, progress);
          stopEdit();
        } catch (err) {
          for (const control of form.elements) control.disabled = false;
          error.textContent = err.describe?.() ?? err.message;
        }
      });
      value.replaceWith(form);
      editButton.hidden = true;
      input.focus();
      input.select?.();
    }

    editButton.addEventListener('click', startEdit);
    render();
    if (!leafViews.has(param.name)) leafViews.set(param.name, new Set());
    leafViews.get(param.name).add({update(next) { current = {...current, ...next}; render(); }});
    return row;
  }

  function objectItem(node) {
    const list = h('ul', {role: 'list', hidden: true});
    const count = h('span', {class: 'count'}, node.child_count !== undefined ? `(${formatNumber(node.child_count)})` : '');
    const toggle = h('button', {class: 'toggle', type: 'button', 'aria-expanded': 'false',
                                'aria-controls': (list.id = uid('sub'))},
      h('span', {class: 'caret', 'aria-hidden': 'true'}, '▸'),
      h('span', {class: 'obj-name', title: node.name}, lastSegment(node.name)), count);
    const refresh = h('button', {class: 'btn btn-small', type: 'button', 'aria-label': `Refresh ${node.name} from the device`},
      'Refresh');
    refresh.addEventListener('click', () => onRefresh(node.name));
    const item = h('li', {dataset: {name: node.name}},
      h('div', {class: 'node-row'}, toggle, refresh), list);
    let loaded = false;

    async function expand() {
      toggle.setAttribute('aria-expanded', 'true');
      list.hidden = false;
      if (loaded) return;
      loaded = true;
      replace(list, h('li', {class: 'hint'}, 'Loading…'));
      try {
        const items = await children(node.name);
        replace(list, items.length ? items.map(renderNode) : h('li', {class: 'hint'}, 'No parameters stored under this object yet.'));
      } catch (err) {
        loaded = false;
        replace(list, h('li', {class: 'error-text', role: 'alert'}, err.describe?.() ?? err.message));
      }
    }
    function collapse() {
      toggle.setAttribute('aria-expanded', 'false');
      list.hidden = true;
    }
    toggle.addEventListener('click', () => (toggle.getAttribute('aria-expanded') === 'true' ? collapse() : expand()));
    toggle.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowRight') {
        event.preventDefault();
        if (toggle.getAttribute('aria-expanded') === 'true') list.querySelector('button')?.focus();
        else expand();
      } else if (event.key === 'ArrowLeft') {
        event.preventDefault();
        if (toggle.getAttribute('aria-expanded') === 'true') collapse();
        else item.parentElement?.closest('li')?.querySelector('.toggle')?.focus();
      }
    });
    item.expand = expand;
    return item;
  }

  function renderNode(node) {
    if (node.object) return objectItem(node);
    return h('li', {}, leafRow(node));
  }

  async function reload() {
    leafViews.clear();
    flat = null;
    replace(treeRoot, h('li', {class: 'hint'}, 'Loading…'));
    try {
      const items = await children('');
      if (!items.length) {
        replace(treeRoot, h('li', {class: 'note neutral'},
          'No parameters stored for this device yet. Use “Refresh parameters” to read them from the device.'));
        return;
      }
      replace(treeRoot, items.map(renderNode));
      // A single root object (Device. or InternetGatewayDevice.) is opened right away.
      if (items.length === 1 && items[0].object) await treeRoot.firstElementChild.expand();
    } catch (err) {
      replace(treeRoot, h('li', {class: 'error-text', role: 'alert'}, err.describe?.() ?? err.message));
    }
  }

  // Substring search over names and values (case-insensitive); '' shows the tree again.
  async function search(text) {
    const needle = text.trim().toLowerCase();
    if (!needle) {
      results.hidden = true;
      treeRoot.hidden = false;
      status.textContent = '';
      return;
    }
    status.textContent = 'Searching…';
    let data;
    try {
      data = await loadFlat();
    } catch (err) {
      status.textContent = '';
      replace(results, h('p', {class: 'error-text', role: 'alert'}, err.describe?.() ?? err.message));
      results.hidden = false;
      return;
    }
    const matches = data.parameters.filter((p) => !p.name.endsWith('.') &&
      (p.name.toLowerCase().includes(needle) || String(p.value).toLowerCase().includes(needle)))
      .sort((a, b) => compareNames(a.name, b.name));
    treeRoot.hidden = true;
    results.hidden = false;
    status.textContent = `${formatNumber(matches.length)} parameter${matches.length === 1 ? '' : 's'} match “${text.trim()}”` +
      (matches.length > MAX_SEARCH_RESULTS ? `; showing the first ${MAX_SEARCH_RESULTS}` : '');
    replace(results, h('ul', {class: 'tree', role: 'list', 'aria-label': 'Search results'},
      matches.slice(0, MAX_SEARCH_RESULTS).map((p) => {
        const row = leafRow(p);
        const name = row.querySelector('.leaf-name');
        const at = p.name.toLowerCase().indexOf(needle);
        if (at >= 0) {
          replace(name, p.name.slice(0, at), h('mark', {}, p.name.slice(at, at + needle.length)),
                  p.name.slice(at + needle.length));
        } else {
          name.textContent = p.name;
        }
        return h('li', {}, row);
      })));
  }

  // Re-reads one parameter after a change (exact name match from a prefix listing).
  async function refreshLeaf(name) {
    const data = await api.get(api.devicePath(deviceId, 'parameters'), {prefix: name});
    const param = (data.items ?? []).find((p) => p.name === name);
    if (param) {
      for (const view of leafViews.get(name) ?? []) view.update(param);
      if (flat) {
        const i = flat.parameters.findIndex((p) => p.name === name);
        if (i >= 0) flat.parameters[i] = param;
      }
    }
    return param;
  }

  return {el, reload, search, refreshLeaf, clearCache: () => { flat = null; }};
}

