// Tiny DOM helpers. Everything is built with createElement/textContent (never innerHTML), so
// text from the ACS or a device can never become markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function setProps(el, props, isSvg) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') {
      if (isSvg) el.setAttribute('class', value);
      else el.className = value;
    } else if (key === 'text') {
      el.textContent = String(value);
    } else if (key === 'dataset') {
      for (const [k, v] of Object.entries(value)) {
        if (v !== undefined && v !== null) el.dataset[k] = String(v);
      }
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (!isSvg && (key === 'value' || key === 'checked' || key === 'selected' ||
                          key === 'indeterminate')) {
      el[key] = value;
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
}

// Appends children: nodes, strings/numbers (as text), arrays of them; null/false are skipped.
export function append(parent, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

// h('button', {class: 'btn', onclick: fn}, 'Save')
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  setProps(el, props, false);
  return append(el, ...children);
}

// The SVG counterpart of h().
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props, true);
  return append(el, ...children);
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  return append(el, ...children);
}

let idCounter = 0;
// A document-unique id for label/aria wiring.
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// A labelled form field: returns {wrap, input}.
export function field(labelText, input, {hint, className = 'field'} = {}) {
  if (!input.id) input.id = uid('f');
  const hintEl = hint ? h('p', {class: 'hint', id: uid('hint')}, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  const wrap = h('div', {class: className}, h('label', {for: input.id}, labelText), input, hintEl);
  return {wrap, input};
}

export function select(options, value, props = {}) {
  const el = h('select', props);
  for (const option of options) {
    const [optionValue, label] = Array.isArray(option) ? option : [option, option];
    el.append(h('option', {value: optionValue, selected: optionValue === value}, label));
  }
  el.value = value ?? '';
  return el;
}
