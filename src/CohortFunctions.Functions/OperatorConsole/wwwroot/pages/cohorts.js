// Cohorts: every cohort of the workspace with the API's counts and states, sortable and filterable by name.

import { h } from '../lib/dom.js';
import { number, time } from '../lib/format.js';
import { links } from '../lib/links.js';
import { badge, dataTable, emptyState, field, loadError, loading, pageHeader } from '../lib/ui.js';

/** The badges of a cohort's state, as the API reports it. */
export function cohortBadges(cohort) {
  const badges = [];
  if (cohort.stale) badges.push(badge('Stale', 'warn'));
  if (cohort.has_pending) badges.push(badge('Waiting for resync', 'info'));
  if (badges.length === 0) badges.push(badge('Up to date', 'ok'));
  return h('span', { class: 'badges' }, badges);
}

export default {
  title: 'Cohorts',
  async render(ctx) {
    const body = h('div', null, loading());
    ctx.main.replaceChildren(
      pageHeader({ title: 'Cohorts', lead: 'Cohorts your partners sync into this workspace, with their members and resync cadence.' }),
      body);
    let listed;
    let partners;
    try {
      [listed, partners] = await Promise.all([ctx.api.cohorts({ signal: ctx.signal }), ctx.partners()]);
    } catch (error) {
      if (error.name !== 'AbortError') body.replaceChildren(loadError(error, () => this.render(ctx)));
      return;
    }
    if (listed.cohorts.length === 0) {
      body.replaceChildren(h('div', { class: 'card' }, emptyState(
        'No cohorts yet.',
        'Generate a data import key under Technology Partners and paste it into your analytics partner: its cohorts appear here after its first sync.',
        h('a', { class: 'button button-primary', href: '#/partners' }, 'Technology Partners'))));
      return;
    }
    const partnerName = (slug) => partners.partners.find((p) => p.partner === slug)?.display_name ?? slug;
    const table = dataTable({
      label: 'Cohorts',
      rowKey: (cohort) => `${cohort.partner}|${cohort.cohort_id}`,
      sort: { key: 'display_name', descending: false },
      empty: 'No cohort matches this filter.',
      columns: [
        {
          key: 'display_name', label: 'Cohort',
          cell: (cohort) => h('a', { href: links.cohort(cohort.partner, cohort.cohort_id), class: 'strong-link' }, cohort.display_name),
        },
        { key: 'partner', label: 'Partner', value: (cohort) => partnerName(cohort.partner), cell: (cohort) => partnerName(cohort.partner) },
        { key: 'member_count', label: 'Members', numeric: true, cell: (cohort) => number(cohort.member_count) },
        { key: 'last_synced_at', label: 'Last synced', cell: (cohort) => cohort.last_synced_at ? time(cohort.last_synced_at) : 'Never' },
        { key: 'cadence', label: 'Cadence', cell: (cohort) => cohort.cadence },
        {
          key: 'status', label: 'Status', value: (cohort) => (cohort.stale ? 2 : 0) + (cohort.has_pending ? 1 : 0),
          cell: (cohort) => cohortBadges(cohort),
        },
      ],
    });
    const filter = h('input', { type: 'search', class: 'input', name: 'filter', autocomplete: 'off', placeholder: 'Type part of a name' });
    const shown = h('p', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
    const apply = () => {
      const needle = filter.value.trim().toLocaleLowerCase();
      const rows = needle ? listed.cohorts.filter((c) => c.display_name.toLocaleLowerCase().includes(needle)) : listed.cohorts;
      table.setRows(rows);
      shown.textContent = `${number(rows.length)} of ${number(listed.cohorts.length)} cohorts`;
    };
    filter.addEventListener('input', apply);
    apply();
    body.replaceChildren(h('div', { class: 'card' },
      h('div', { class: 'toolbar toolbar-split' }, h('div', { class: 'toolbar-grow' }, field('Filter by name', filter)), shown),
      table.element));
  },
};
