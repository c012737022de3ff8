// Login: asks for the API key when the ACS has API auth enabled. The key is checked against
// the ACS before it is kept, and is kept in sessionStorage only (gone with the tab).

import {h, field} from '../dom.js';
import * as api from '../api.js';

const REASONS = {
  required: 'This ACS requires an API key.',
  expired: 'The API key was refused by the ACS (it may have been changed). Please enter it again.',
  'logged-out': 'You are logged out.',
};

export async function mount(ctx) {
  ctx.setTitle('Log in');
  const next = ctx.query.get('next') || '/';
  const reason = REASONS[ctx.query.get('reason')] ?? '';

  const keyInput = h('input', {type: 'password', name: 'api_key', autocomplete: 'current-password',
                               required: true, spellcheck: 'false', autofocus: true});
  const error = h('p', {class: 'error-text', role: 'alert', id: 'login-error'});
  const status = h('p', {class: 'hint', role: 'status'});
  const submit = h('button', {class: 'btn btn-primary', type: 'submit'}, 'Log in');
  const form = h('form', {class: 'card login', 'aria-labelledby': 'login-title', novalidate: true},
    h('h1', {id: 'login-title', tabindex: '-1'}, 'Log in to the ACS'),
    reason ? h('p', {}, reason) : null,
    field('API key', keyInput, {hint: 'Kept in this browser tab only (sessionStorage); closing the tab logs you out.'}).wrap,
    error, status,
    h('div', {class: 'form-actions'}, submit));
  keyInput.setAttribute('aria-errormessage', 'login-error');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const key = keyInput.value.trim();
    if (!key) {
      error.textContent = 'Enter the API key.';
      keyInput.setAttribute('aria-invalid', 'true');
      keyInput.focus();
      return;
    }
    submit.disabled = true;
    status.textContent = 'Checking the key…';
    try {
      await api.get('stats', undefined, {key});
      api.setApiKey(key);
      ctx.auth.loggedIn();
      status.textContent = '';
      const [path, query] = next.split('?');
      ctx.navigate(path.startsWith('/') && path !== '/login' ? path : '/', new URLSearchParams(query ?? ''));
    } catch (err) {
      status.textContent = '';
      keyInput.setAttribute('aria-invalid', 'true');
      error.textContent = err.status === 401 ? 'The ACS refused this API key.' : err.describe?.() ?? String(err);
      keyInput.select();
      keyInput.focus();
    } finally {
      submit.disabled = false;
    }
  });

  ctx.root.append(form);
  keyInput.focus();

  // Tell the operator when no key is needed at all.
  try {
    await api.get('stats', undefined, {key: ''});
    if (ctx.isCurrent()) {
      status.textContent = '';
      form.insertBefore(h('p', {class: 'note neutral'}, 'API authentication is disabled on this ACS: no key is needed. ',
                          h('a', {href: '#/'}, 'Go to the overview')), form.children[1]);
    }
  } catch {
    // 401 is the expected answer here; other failures show up when the key is checked.
  }
}
