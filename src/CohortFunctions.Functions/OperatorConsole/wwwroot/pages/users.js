// Users: look a user up by external id, device id or alias (GET .../users/lookup), and show the profile and, for
// every cohort of the workspace, whether the user is in it and why (the lookup's cohort_states).

import { h } from '../lib/dom.js';
import { time } from '../lib/format.js';
import { links } from '../lib/links.js';
import { badge, dataTable, emptyState, errorText, field, pageHeader, section, statusLine } from '../lib/ui.js';

const ADDED_BY = {
  postback: 'added by a postback of the partner',
  resync: 'added by a resync pass (its identifier was sent before the user existed or matched)',
  merge: 'moved here by a user merge',
};

const IDENTIFIERS = { external_id: 'external id', device_id: 'device id', alias: 'alias' };

const STATES = {
  member: ['Member', 'ok'],
  pending: ['Waiting for resync', 'info'],
  not_member: ['Not a member', 'muted'],
};

/** Why the user is or is not in the cohort, in words, from the API's fields. */
function explanation(state) {
  const pending = state.pending
    ? `The partner sent its ${IDENTIFIERS[state.pending.identifier] ?? state.pending.identifier} to ${state.pending.change === 'remove' ? 'remove it' : 'add it'} on ${time(state.pending.since)}, before it matched: the next resync pass applies it.`
    : null;
  if (state.state === 'member') {
    const how = state.added_by ? ADDED_BY[state.added_by] ?? state.added_by : 'added before the app kept how';
    return [`Member since ${time(state.member_since)}, ${how}.`, pending].filter(Boolean).join(' ');
  }
  if (state.state === 'pending') return pending;
  return pending ?? 'Never sent by the partner, or removed since (the app keeps no record of removed users).';
}

const KINDS = [
  { value: 'external_id', label: 'External id' },
  { value: 'device_id', label: 'Device id' },
  { value: 'alias', label: 'Alias' },
];

function lookupParams(query) {
  for (const name of ['external_id', 'device_id']) {
    if (query.has(name)) return { kind: name, params: { [name]: query.get(name) } };
  }
  if (query.has('alias_name') || query.has('alias_label')) {
    return { kind: 'alias', params: { alias_name: query.get('alias_name') ?? '', alias_label: query.get('alias_label') ?? '' } };
  }
  return null;
}

export default {
  title: 'Users',
  async render(ctx) {
    const current = lookupParams(ctx.query);
    const kind = h('select', { name: 'kind', class: 'input' }, KINDS.map((k) => h('option', { value: k.value, selected: k.value === (current?.kind ?? 'external_id') }, k.label)));
    const value = h('input', {
      type: 'text', name: 'value', class: 'input mono', autocomplete: 'off', spellcheck: 'false',
      value: current ? (current.params.external_id ?? current.params.device_id ?? current.params.alias_name ?? '') : '',
    });
    const label = h('input', { type: 'text', name: 'alias-label', class: 'input mono', autocomplete: 'off', spellcheck: 'false', value: current?.params.alias_label ?? '' });
    const labelField = field('Alias label', label, 'e.g. email or amplitude_id');
    const valueLabel = () => (kind.value === 'alias' ? 'Alias name' : KINDS.find((k) => k.value === kind.value).label);
    const valueField = field(valueLabel(), value);
    const syncKind = () => {
      labelField.hidden = kind.value !== 'alias';
      valueField.querySelector('label').textContent = valueLabel();
    };
    kind.addEventListener('change', syncKind);
    syncKind();
    const formStatus = statusLine();
    const form = h('form', { class: 'inline-form lookup-form', novalidate: true },
      field('Look up by', kind), valueField, labelField,
      h('button', { type: 'submit', class: 'button button-primary' }, 'Look up'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const params = kind.value === 'alias'
        ? { alias_name: value.value, alias_label: label.value }
        : { [kind.value]: value.value };
      ctx.navigate(links.user(params));
    });
    const result = h('div', { class: 'sections' });
    ctx.main.replaceChildren(
      pageHeader({ title: 'Users', lead: 'Find a user by an identifier a partner sends, and see which cohorts it is in and why.' }),
      h('div', { class: 'card' }, form, formStatus.element),
      result);
    if (!current) {
      result.replaceChildren(h('div', { class: 'card' }, emptyState('Look a user up.', 'Type an external id, a device id or an alias (name and label) as your partner sends it. Members of a cohort link here too.')));
      return;
    }

    let user;
    let partners;
    try {
      [user, partners] = await Promise.all([
        ctx.api.lookupUser(current.params, { signal: ctx.signal }),
        ctx.partners().catch(() => ({ partners: [] })),
      ]);
    } catch (error) {
      if (error.name === 'AbortError') return;
      formStatus.error(error);
      result.replaceChildren(error.status === 404
        ? h('div', { class: 'card' }, emptyState('No user has this identifier.', 'Users are created through the users API (POST /manage/workspaces/{workspace}/users); partners never create them. Check the spelling and the kind of identifier.'))
        : h('div', { class: 'card load-error' }, h('p', { class: 'error-text' }, errorText(error))));
      return;
    }

    const partnerName = (slug) => partners.partners.find((p) => p.partner === slug)?.display_name ?? slug;
    const list = (items, empty) => items.length === 0 ? h('span', { class: 'muted' }, empty) : h('ul', { class: 'plain-list' }, items.map((item) => h('li', { class: 'mono' }, item)));
    const order = { member: 0, pending: 1, not_member: 2 };
    const standings = dataTable({
      label: 'Cohorts and why',
      rows: user.cohort_states,
      rowKey: (s) => `${s.partner}|${s.cohort_id}`,
      sort: { key: 'state', descending: false },
      empty: 'This workspace has no cohorts yet.',
      columns: [
        {
          key: 'display_name', label: 'Cohort',
          cell: (s) => h('a', { href: links.cohort(s.partner, s.cohort_id), class: 'strong-link' }, s.display_name),
        },
        { key: 'partner', label: 'Partner', value: (s) => partnerName(s.partner), cell: (s) => partnerName(s.partner) },
        {
          key: 'state', label: 'State', value: (s) => order[s.state] ?? 3,
          cell: (s) => badge(...(STATES[s.state] ?? [s.state, 'muted'])),
        },
        { key: 'why', label: 'Why', sortable: false, cell: (s) => h('span', { class: 'state-detail' }, explanation(s)) },
      ],
    });
    result.replaceChildren(
      section('Profile', h('dl', { class: 'facts' },
        h('div', { class: 'fact' }, h('dt', null, 'User id'), h('dd', { class: 'mono' }, user.user_id)),
        h('div', { class: 'fact' }, h('dt', null, 'External id'), h('dd', { class: 'mono' }, user.external_id ?? '—')),
        h('div', { class: 'fact' }, h('dt', null, 'State'), h('dd', null,
          user.anonymous ? badge('Anonymous', 'muted') : badge('Identified', 'ok'),
          user.was_anonymous ? [' ', badge('Was anonymous', 'info')] : null)),
        h('div', { class: 'fact' }, h('dt', null, 'Device ids'), h('dd', null, list(user.device_ids, 'None'))),
        h('div', { class: 'fact fact-wide' }, h('dt', null, 'Aliases'), h('dd', null,
          list(user.aliases.map((a) => `${a.alias_label}: ${a.alias_name}`), 'None'))))),
      section(`Cohorts (member of ${user.cohorts.length} of ${user.cohort_states.length})`,
        h('p', { class: 'muted small history-note' }, 'Every cohort of the workspace: whether this user is in it and how it got there, or why not. A cohort\'s Sync history shows what the partner sent and when.'),
        standings.element));
  },
};
