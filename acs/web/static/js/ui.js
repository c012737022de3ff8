// Shared UI pieces: error banners, "not available" notes, toasts, dialogs, badges, the pager
// and a polling loop that pauses while the tab is hidden.

import {h, append, clear, uid} from './dom.js';
import {ApiError} from './api.js';
import {formatNumber} from './format.js';

const bannerRoot = () => document.getElementById('banners');

// A dismissible error banner (role=alert). `key` replaces an earlier banner with the same key
// instead of stacking a copy. Returns the element; `sticky` banners survive navigation.
export function showError(error, {title = 'Request failed', key, sticky = false} = {}) {
  const message = error instanceof ApiError ? error.describe()
                                            : (error?.message ?? String(error));
  const root = bannerRoot();
  if (key) root.querySelector(`[data-key="${CSS.escape(key)}"]`)?.remove();
  const banner = h('div', {class: 'banner', role: 'alert', dataset: {key, sticky: sticky ? '1' : null}},
    h('div', {class: 'banner-text'},
      h('div', {class: 'banner-title'}, title),
      h('div', {class: 'banner-message'}, message)),
    h('button', {class: 'btn btn-small', type: 'button', 'aria-label': `Dismiss: ${title}`,
                 onclick: () => banner.remove()}, 'Dismiss'));
  root.append(banner);
  return banner;
}

export function clearBanner(key) {
  bannerRoot().querySelector(`[data-key="${CSS.escape(key)}"]`)?.remove();
}

// Removes the page's banners when another page is opened (sticky ones stay).
export function clearPageBanners() {
  for (const banner of [...bannerRoot().children]) {
    if (banner.dataset.sticky !== '1') banner.remove();
  }
}

// The visible note shown where a feature needs an endpoint this ACS does not have.
export function notAvailable(what, error) {
  const detail = error instanceof ApiError
    ? `${error.method} /api/${error.path.split('?')[0]} answered ${error.status}${error.message ? `: ${error.message}` : ''}`
    : String(error ?? '');
  return h('p', {class: 'note', dataset: {notAvailable: what}},
    h('strong', {}, `${what}: not available on this ACS. `), detail);
}

export function toast(message, kind = 'ok', ms = 4000) {
  const el = h('div', {class: `toast ${kind}`}, message);
  document.getElementById('toasts').append(el);
  setTimeout(() => el.remove(), ms);
  return el;
}

export function badge(text, kind = text) {
  return h('span', {class: `badge ${kind}`}, text);
}

export function statusBadge(online) {
  return online ? badge('online', 'online') : badge('offline', 'offline');
}

// A modal dialog built from `content` (nodes); resolves with the value passed to close(),
// or null when dismissed (Escape, Cancel). Focus moves into the dialog and returns to the
// element that had it.
export function openDialog(title, build) {
  return new Promise((resolve) => {
    const previous = document.activeElement;
    const titleId = uid('dlg');
    const dialog = h('dialog', {'aria-labelledby': titleId});
    let result = null;
    const close = (value = null) => {
      result = value;
      dialog.close();
    };
    const body = h('div', {class: 'dialog-body'}, h('h2', {id: titleId}, title));
    append(body, build({close, dialog}));
    dialog.append(body);
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (previous && typeof previous.focus === 'function' && previous.isConnected) previous.focus();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    const first = dialog.querySelector('[autofocus], input, select, textarea, button.btn-primary, button');
    first?.focus();
  });
}

// Asks for confirmation; resolves true/false. `danger` styles the confirm button red.
export function confirmDialog(title, message, {confirmLabel = 'Confirm', danger = false} = {}) {
  return openDialog(title, ({close}) => {
    const confirm = h('button', {class: `btn ${danger ? 'btn-danger solid' : 'btn-primary'}`,
                                 type: 'button', onclick: () => close(true)}, confirmLabel);
    const cancel = h('button', {class: 'btn', type: 'button', autofocus: true,
                                onclick: () => close(false)}, 'Cancel');
    return [h('p', {}, message), h('div', {class: 'form-actions'}, cancel, confirm)];
  }).then((value) => value === true);
}

// A dialog holding a form. `fields` builds the form's content; `submit(form)` runs on submit
// and may throw (the error is shown inside the dialog and the dialog stays open); its return
// value closes the dialog and resolves the promise. Escape or Cancel resolve null.
export function formDialog(title, {fields, submit, submitLabel = 'Submit', danger = false}) {
  return openDialog(title, ({close}) => {
    const error = h('p', {class: 'error-text', role: 'alert'});
    const submitButton = h('button', {class: `btn ${danger ? 'btn-danger solid' : 'btn-primary'}`,
                                      type: 'submit'}, submitLabel);
    const form = h('form', {novalidate: true});
    append(form, fields(form), error,
      h('div', {class: 'form-actions'},
        h('button', {class: 'btn', type: 'button', onclick: () => close(null)}, 'Cancel'),
        submitButton));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      submitButton.disabled = true;
      try {
        const value = await submit(form);
        close(value ?? true);
      } catch (err) {
        error.textContent = err instanceof ApiError ? err.describe() : (err?.message ?? String(err));
      } finally {
        submitButton.disabled = false;
      }
    });
    return [form];
  });
}

// Pager for offset/limit lists: "1–50 of 1,234" with Previous/Next buttons.
// `exact` false: `total` is a lower bound (the ACS stopped counting), shown as "10,000+".
export function pager({offset, limit, total, onPage, label = 'items', exact = true}) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  const prev = h('button', {class: 'btn btn-small', type: 'button', disabled: offset <= 0,
                            onclick: () => onPage(Math.max(0, offset - limit))}, '‹ Previous');
  const next = h('button', {class: 'btn btn-small', type: 'button', disabled: last >= total,
                            onclick: () => onPage(offset + limit)}, 'Next ›');
  return h('nav', {class: 'pager', 'aria-label': `${label} pages`},
    h('span', {class: 'range', dataset: {total, totalExact: String(exact)}},
      `${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(total)}${exact ? '' : '+'} ${label}`),
    h('span', {class: 'btnrow'}, prev, next));
}

// Runs `fn` now and then every `intervalMs` after each run finished; skips runs while the
// tab is hidden and runs at once when it becomes visible again. stop() ends it.
export function poll(fn, intervalMs) {
  let timer = null;
  let stopped = false;
  let running = false;
  const run = async () => {
    if (stopped || running) return;
    clearTimeout(timer);
    if (document.hidden) {
      timer = setTimeout(run, intervalMs);
      return;
    }
    running = true;
    try {
      await fn();
    } finally {
      running = false;
      if (!stopped) timer = setTimeout(run, intervalMs);
    }
  };
  const onVisible = () => {
    if (!document.hidden) run();
  };
  document.addEventListener('visibilitychange', onVisible);
  run();
  return {
    refresh: run,
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}

// A section heading plus a body that can be replaced: used for panels that load on their own.
export function panel(title, {wide = false, id} = {}) {
  const body = h('div', {class: 'panel-body'});
  const headingId = uid('panel');
  const el = h('section', {class: `panel${wide ? ' panel-wide' : ''}`, 'aria-labelledby': headingId, id},
    h('h2', {id: headingId}, title), body);
  return {el, body, set: (...children) => { clear(body); append(body, ...children); }};
}
