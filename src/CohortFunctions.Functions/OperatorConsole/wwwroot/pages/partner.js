// One partner, in the order the partner's own setup asks for it: the REST endpoint, then a data import key
// (shown once), then the keys with their last use and Invalidate.

import { h } from '../lib/dom.js';
import { time } from '../lib/format.js';
import { badge, confirmDialog, copyField, dataTable, emptyState, loadError, loading, pageHeader, section, statusLine } from '../lib/ui.js';

export default {
  title: 'Technology Partner',
  async render(ctx) {
    const slug = ctx.params.partner;
    ctx.main.replaceChildren(loading());
    let answer;
    try {
      answer = await ctx.partners();
    } catch (error) {
      ctx.main.replaceChildren(loadError(error, () => this.render(ctx)));
      return;
    }
    const partner = answer.partners.find((p) => p.partner === slug);
    const crumbs = [{ label: 'Technology Partners', href: '#/partners' }];
    if (!partner) {
      ctx.main.replaceChildren(pageHeader({ title: 'Partner not found', crumbs }), h('div', { class: 'card' },
        emptyState(`No partner '${slug}' is configured.`, 'Pick one of the configured partners.',
          h('a', { class: 'button', href: '#/partners' }, 'Technology Partners'))));
      return;
    }
    ctx.setTitle(partner.display_name);

    const generated = h('div', { class: 'generated', hidden: true });
    const keysStatus = statusLine();
    const keysBody = h('div', null, loading('Loading keys…'));
    const generateButton = h('button', { type: 'button', class: 'button button-primary' }, 'Generate new key');

    const table = dataTable({
      label: 'Data import keys',
      rowKey: (key) => key.key_id,
      sort: { key: 'created_at', descending: true },
      empty: 'No keys yet.',
      columns: [
        { key: 'key_hint', label: 'Key', cell: (key) => h('span', { class: 'mono' }, `${key.key_hint}…`) },
        { key: 'key_id', label: 'Key id', cell: (key) => h('span', { class: 'mono muted' }, key.key_id) },
        { key: 'created_at', label: 'Created', cell: (key) => time(key.created_at) },
        { key: 'last_used_at', label: 'Last used', cell: (key) => key.last_used_at ? time(key.last_used_at) : 'Never' },
        {
          key: 'invalidated_at', label: 'Status', value: (key) => key.invalidated_at ?? '',
          cell: (key) => key.invalidated_at
            ? h('span', null, badge('Invalidated', 'muted'), ' ', h('span', { class: 'muted small' }, time(key.invalidated_at)))
            : badge('Valid', 'ok'),
        },
        {
          key: 'actions', label: 'Actions', sortable: false, className: 'actions',
          cell: (key) => key.invalidated_at ? '' : h('button', {
            type: 'button',
            class: 'button button-danger-quiet',
            'aria-label': `Invalidate key ${key.key_hint}…`,
            onclick: () => invalidate(key),
          }, 'Invalidate'),
        },
      ],
    });

    const loadKeys = async () => {
      try {
        const listed = await ctx.api.keys(slug, { signal: ctx.signal });
        table.setRows(listed.keys);
        keysBody.replaceChildren(listed.keys.length === 0
          ? emptyState('No data import keys yet.', `Generate one, then paste it with the REST endpoint into ${partner.display_name}.`)
          : table.element);
      } catch (error) {
        if (error.name !== 'AbortError') keysBody.replaceChildren(loadError(error, loadKeys));
      }
    };

    const invalidate = async (key) => {
      keysStatus.clear();
      const confirmed = await confirmDialog({
        title: `Invalidate key ${key.key_hint}…?`,
        message: `${partner.display_name} calls with this key are refused from now on (within 30 seconds on every instance). This cannot be undone: generate a new key first if the sender should keep syncing.`,
        confirmLabel: 'Invalidate key',
      });
      if (!confirmed) return;
      try {
        await ctx.api.invalidateKey(slug, key.key_id);
        keysStatus.ok(`Key ${key.key_hint}… is invalidated.`);
        await loadKeys();
      } catch (error) {
        keysStatus.error(error);
      }
    };

    generateButton.addEventListener('click', async () => {
      keysStatus.clear();
      generateButton.disabled = true;
      try {
        const key = await ctx.api.generateKey(slug);
        const done = h('button', { type: 'button', class: 'button' }, 'I have copied it');
        generated.replaceChildren(
          h('p', { class: 'generated-title', role: 'alert' }, 'Copy the new key now: it will not be shown again.'),
          copyField({ label: 'Data import key', value: key.data_import_key, name: 'data-import-key', secret: true }),
          h('p', { class: 'hint' }, `Paste it into ${partner.display_name} with the REST endpoint. Key id ${key.key_id}, created ${time(key.created_at)}.`),
          done);
        generated.hidden = false;
        done.addEventListener('click', () => {
          generated.hidden = true;
          generated.replaceChildren();
          generateButton.focus();
        });
        generated.querySelector('input').focus();
        generated.querySelector('input').select();
        await loadKeys();
      } catch (error) {
        keysStatus.error(error);
      } finally {
        generateButton.disabled = false;
      }
    });

    ctx.main.replaceChildren(
      pageHeader({
        title: partner.display_name,
        crumbs,
        lead: `Cohort import from ${partner.display_name}: paste the REST endpoint and a data import key into ${partner.display_name}'s destination settings. Its cohorts then arrive under Cohorts and as "${partner.filter_name}" in Segments.`,
      }),
      section('1. REST endpoint',
        h('p', { class: 'card-text' }, `The address ${partner.display_name} sends cohorts to.`),
        copyField({ label: 'REST endpoint', value: answer.rest_endpoint, name: 'rest-endpoint' })),
      section('2. Data import keys',
        h('p', { class: 'card-text' }, `A key tells the app which workspace a cohort is for. Several keys can be valid at once: to rotate, generate a new one, switch ${partner.display_name} to it, then invalidate the old one.`),
        h('div', { class: 'toolbar' }, generateButton),
        generated,
        keysStatus.element,
        keysBody));
    await loadKeys();
  },
};
