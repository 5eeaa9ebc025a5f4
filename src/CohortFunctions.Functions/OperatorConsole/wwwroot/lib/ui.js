// Shared pieces of the console's pages: headers, errors, empty states, tables, dialogs, copy fields.

import { h, uid } from './dom.js';

/** A page's heading, with breadcrumbs and actions. The heading takes focus after navigation. */
export function pageHeader({ title, crumbs = [], lead, actions = [] }) {
  return h('header', { class: 'page-header' },
    crumbs.length > 0 && h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('ol', null, crumbs.map((crumb) => h('li', null, h('a', { href: crumb.href }, crumb.label))))),
    h('div', { class: 'page-title-row' },
      h('h1', { tabindex: '-1', class: 'page-title' }, title),
      actions.length > 0 && h('div', { class: 'page-actions' }, actions)),
    lead && h('p', { class: 'lead' }, lead));
}

export function section(title, ...children) {
  const id = uid('section');
  return h('section', { class: 'card', 'aria-labelledby': id },
    h('h2', { id, class: 'card-title' }, title),
    children);
}

/** An API error, shown as the API's own message next to what caused it. */
export function errorText(error) {
  if (!error) return '';
  const status = error.status ? ` (HTTP ${error.status}${error.requestId ? `, request ${error.requestId}` : ''})` : '';
  return `${error.message}${status}`;
}

/** A live region for an action's outcome; set(error) shows the API's message, set(null) clears it. */
export function statusLine(className = '') {
  const element = h('p', { class: ['status-line', className], role: 'status', 'aria-live': 'polite' });
  return {
    element,
    error(error) {
      element.className = ['status-line', 'is-error', className].filter(Boolean).join(' ');
      element.setAttribute('role', 'alert');
      element.textContent = errorText(error);
    },
    ok(text) {
      element.className = ['status-line', 'is-ok', className].filter(Boolean).join(' ');
      element.setAttribute('role', 'status');
      element.textContent = text;
    },
    info(text) {
      element.className = ['status-line', className].filter(Boolean).join(' ');
      element.setAttribute('role', 'status');
      element.textContent = text;
    },
    clear() {
      element.textContent = '';
      element.className = ['status-line', className].filter(Boolean).join(' ');
    },
  };
}

/** A whole page that could not load: the API's message and a way to try again. */
export function loadError(error, retry) {
  return h('div', { class: 'card load-error', role: 'alert' },
    h('h2', { class: 'card-title' }, 'This page could not load'),
    h('p', { class: 'error-text' }, errorText(error)),
    retry && h('button', { type: 'button', class: 'button', onclick: retry }, 'Try again'));
}

/** What an empty list means and what to do next. */
export function emptyState(title, text, ...actions) {
  return h('div', { class: 'empty' },
    h('p', { class: 'empty-title' }, title),
    text && h('p', { class: 'empty-text' }, text),
    actions.length > 0 && h('div', { class: 'empty-actions' }, actions));
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}

export function badge(text, kind = 'neutral') {
  return h('span', { class: ['badge', `badge-${kind}`] }, text);
}

/**
 * A table with sortable columns: columns are { key, label, value(row) for sorting, cell(row) for display,
 * numeric }. rowClass(row) may name a class for a row (a failure, say). setRows() replaces the rows, keeping the sort.
 */
export function dataTable({ columns, rows = [], sort, caption, label, empty, rowKey, rowClass }) {
  let current = sort ?? null;
  let data = rows;
  const headRow = h('tr');
  const tbody = h('tbody');
  const table = h('table', { class: 'table', 'aria-label': label },
    caption && h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, headRow),
    tbody);
  const wrap = h('div', { class: 'table-wrap' }, table);
  const emptyRow = () => h('tr', null, h('td', { colspan: String(columns.length), class: 'table-empty' }, empty ?? 'Nothing to show.'));

  function compare(a, b, column) {
    const va = column.value ? column.value(a) : a[column.key];
    const vb = column.value ? column.value(b) : b[column.key];
    if (va === vb) return 0;
    if (va === null || va === undefined || va === '') return 1;
    if (vb === null || vb === undefined || vb === '') return -1;
    if (typeof va === 'number' && typeof vb === 'number') return va - vb;
    return String(va).localeCompare(String(vb), undefined, { sensitivity: 'base', numeric: true });
  }

  function renderHead() {
    headRow.replaceChildren(...columns.map((column) => {
      const sorted = current && current.key === column.key;
      const th = h('th', {
        scope: 'col',
        class: [column.numeric && 'numeric', column.className],
        'aria-sort': column.sortable === false ? undefined : sorted ? (current.descending ? 'descending' : 'ascending') : 'none',
      });
      if (column.sortable === false) {
        th.append(column.label);
      } else {
        th.append(h('button', {
          type: 'button',
          class: 'sort-button',
          onclick: () => {
            current = { key: column.key, descending: sorted ? !current.descending : Boolean(column.numeric) };
            render();
          },
        }, column.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, sorted ? (current.descending ? '▼' : '▲') : '↕')));
      }
      return th;
    }));
  }

  function render() {
    renderHead();
    let ordered = data;
    if (current) {
      const column = columns.find((c) => c.key === current.key);
      ordered = [...data].sort((a, b) => (current.descending ? -1 : 1) * compare(a, b, column));
    }
    tbody.replaceChildren(...(ordered.length === 0 ? [emptyRow()] : ordered.map((row) => h('tr', { dataset: rowKey ? { key: rowKey(row) } : undefined, class: rowClass?.(row) || undefined },
      columns.map((column) => h('td', { class: [column.numeric && 'numeric', column.className], 'data-label': column.label },
        column.cell ? column.cell(row) : row[column.key] ?? '—'))))));
  }

  render();
  return {
    element: wrap,
    setRows(next) {
      data = next;
      render();
    },
  };
}

/** A read-only value with a Copy button (the REST endpoint, a new key). */
export function copyField({ label, value, name, secret = false }) {
  const id = uid('copy');
  const input = h('input', { id, name, type: 'text', readonly: true, value, class: ['input', 'mono', secret && 'secret'], spellcheck: 'false', autocomplete: 'off' });
  const status = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const button = h('button', {
    type: 'button',
    class: 'button',
    'aria-label': `Copy ${label}`,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        status.textContent = 'Copied';
      } catch {
        input.select();
        status.textContent = 'Selected: press Ctrl+C to copy';
      }
      setTimeout(() => { status.textContent = ''; }, 4000);
    },
  }, 'Copy');
  return h('div', { class: 'field' },
    h('label', { for: id, class: 'label' }, label),
    h('div', { class: 'copy-row' }, input, button, status));
}

/** Asks before a destructive action. Resolves true when confirmed; Escape and Cancel resolve false. */
export function confirmDialog({ title, message, confirmLabel, danger = true }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog');
    const cancel = h('button', { type: 'button', class: 'button', value: 'cancel' }, 'Cancel');
    const confirm = h('button', { type: 'button', class: ['button', danger ? 'button-danger' : 'button-primary'], value: 'confirm' }, confirmLabel);
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId, class: 'dialog-title' }, title),
      h('p', { class: 'dialog-text' }, message),
      h('div', { class: 'dialog-actions' }, cancel, confirm));
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => finish(false));
    confirm.addEventListener('click', () => finish(true));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** Asks for a text value (a new segment name). Resolves the trimmed value, or null when cancelled. */
export function promptDialog({ title, label, value, confirmLabel }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog');
    const inputId = uid('prompt');
    const input = h('input', { id: inputId, type: 'text', class: 'input', value, maxlength: '200', required: true });
    const form = h('form', { class: 'dialog-form' },
      h('label', { for: inputId, class: 'label' }, label),
      input,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'button', 'data-action': 'cancel' }, 'Cancel'),
        h('button', { type: 'submit', class: 'button button-primary' }, confirmLabel)));
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, h('h2', { id: titleId, class: 'dialog-title' }, title), form);
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      finish(input.value.trim());
    });
    form.querySelector('[data-action=cancel]').addEventListener('click', () => finish(null));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    input.select();
  });
}

/** A labelled form control. */
export function field(labelText, control, hint) {
  const id = control.id || uid('field');
  control.id = id;
  let hintElement = null;
  if (hint) {
    const hintId = uid('hint');
    hintElement = h('p', { id: hintId, class: 'hint' }, hint);
    control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), hintId].filter(Boolean).join(' '));
  }
  return h('div', { class: 'field' }, h('label', { for: id, class: 'label' }, labelText), control, hintElement);
}
