// Sign in: the function key (kept in sessionStorage only) and a workspace. The key is checked by listing the
// workspaces; a typed workspace id is checked by the API itself (its 400 message is shown), not by a copy of its rule.

import { api as apiFor, request } from '../lib/api.js';
import { h, uid } from '../lib/dom.js';
import { session } from '../lib/session.js';
import { errorText, field } from '../lib/ui.js';

export default {
  title: 'Sign in',
  async render(ctx) {
    const keyInput = h('input', {
      type: 'password', name: 'function-key', class: 'input', autocomplete: 'off', spellcheck: 'false',
      value: session.hasKey() ? session.key() : '',
    });
    const keyError = h('p', { class: 'field-error', role: 'alert' });
    keyInput.setAttribute('aria-describedby', keyError.id = uid('key-error'));
    const keyForm = h('form', { class: 'stack', novalidate: true },
      field('Function key', keyInput, 'The app\'s function key (in Azure: the Function App\'s App keys). Leave it empty where the app needs none, as ./run.sh does by default.'),
      keyError,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Continue')));

    const workspaceSection = h('div', { class: 'stack' });
    const notice = ctx.notice ? h('p', { class: 'notice', role: 'status' }, ctx.notice) : null;
    ctx.main.replaceChildren(h('div', { class: 'signin' },
      h('div', { class: 'card signin-card' },
        h('h1', { class: 'page-title', tabindex: '-1' }, 'Sign in to the console'),
        h('p', { class: 'lead' }, 'Manage data import keys, cohorts, segments and usage of one workspace.'),
        notice,
        keyForm,
        workspaceSection)));

    const showWorkspaces = (key, workspaces) => {
      const existing = workspaces.map((w) => w.workspace);
      const select = h('select', { name: 'workspace', class: 'input' },
        h('option', { value: '' }, existing.length > 0 ? 'Choose a workspace…' : 'No workspace has a key yet'),
        existing.map((id) => h('option', { value: id, selected: id === session.workspace() }, id)));
      const typed = h('input', { type: 'text', name: 'new-workspace', class: 'input mono', autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. acme' });
      const wsError = h('p', { class: 'field-error', role: 'alert' });
      typed.setAttribute('aria-describedby', wsError.id = uid('ws-error'));
      const form = h('form', { class: 'stack', novalidate: true },
        h('hr', { class: 'divider' }),
        h('h2', { class: 'card-title' }, 'Workspace'),
        field('Existing workspace', select, existing.length > 0 ? 'Workspaces that have a data import key.' : null),
        field('Or a new workspace id', typed, 'Lower-case letters, digits and dashes. It exists once you generate its first key.'),
        wsError,
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Open workspace')));
      select.addEventListener('change', () => { if (select.value) typed.value = ''; });
      typed.addEventListener('input', () => { if (typed.value) select.value = ''; });
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        wsError.textContent = '';
        const workspace = typed.value.trim() || select.value;
        if (!workspace) {
          wsError.textContent = 'Choose a workspace or type a new id.';
          (existing.length > 0 ? select : typed).focus();
          return;
        }
        try {
          // The API answers an invalid id with 400 and its rule: the console has no copy of the rule.
          await apiFor(workspace).cohorts({ key });
        } catch (error) {
          wsError.textContent = errorText(error);
          typed.focus();
          return;
        }
        session.setKey(key);
        session.setWorkspace(workspace);
        const next = ctx.query.get('next');
        ctx.navigate(next && next.startsWith('#/') && !next.startsWith('#/sign-in') ? next : '#/partners');
      });
      workspaceSection.replaceChildren(form);
      (existing.length > 0 ? select : typed).focus();
    };

    keyForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      keyError.textContent = '';
      workspaceSection.replaceChildren();
      const key = keyInput.value.trim();
      try {
        const answer = await request('GET', '/manage/workspaces', { key });
        showWorkspaces(key, answer.workspaces);
      } catch (error) {
        keyError.textContent = error.status === 401
          ? `This key was not accepted: ${errorText(error)}`
          : errorText(error);
        keyInput.focus();
      }
    });

    if (ctx.query.get('switch') && session.hasKey()) {
      keyForm.requestSubmit();
    }
  },
};
