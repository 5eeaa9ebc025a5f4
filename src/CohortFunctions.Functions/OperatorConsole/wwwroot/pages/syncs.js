// Syncs: the workspace's sync history (GET .../sync-history), every cohort newest first, the operator's "is anything
// arriving?". Failed and refused calls are highlighted; a partner and a start time narrow it.

import { h } from '../lib/dom.js';
import { historyPager, historyTable } from '../lib/history.js';
import { emptyState, field, loadError, loading, pageHeader, statusLine } from '../lib/ui.js';

const PAGE_SIZE = 50;

export default {
  title: 'Syncs',
  async render(ctx) {
    const partner = ctx.query.get('partner') ?? '';
    const since = ctx.query.get('since') ?? '';
    const partnerSelect = h('select', { name: 'partner', class: 'input' }, h('option', { value: '' }, 'All partners'));
    const sinceInput = h('input', { type: 'date', name: 'since', class: 'input', value: since });
    const formStatus = statusLine();
    const form = h('form', { class: 'inline-form', novalidate: true },
      field('Partner', partnerSelect), field('Since (UTC)', sinceInput, 'Empty: the last 14 days'),
      h('button', { type: 'submit', class: 'button button-primary' }, 'Show'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const params = new URLSearchParams();
      if (partnerSelect.value) params.set('partner', partnerSelect.value);
      if (sinceInput.value) params.set('since', sinceInput.value);
      const text = params.toString();
      ctx.navigate(`#/syncs${text ? `?${text}` : ''}`);
    });
    const body = h('div', null, loading('Loading syncs…'));
    const card = h('div', { class: 'card' });
    ctx.main.replaceChildren(
      pageHeader({
        title: 'Syncs',
        lead: 'Every call your partners made with a valid key, and every resync pass that applied something, in every cohort: the last 14 days, newest first.',
      }),
      h('div', { class: 'card' }, form, formStatus.element),
      card);

    let partners;
    let cohorts;
    try {
      [partners, cohorts] = await Promise.all([ctx.partners(), ctx.api.cohorts({ signal: ctx.signal })]);
    } catch (error) {
      if (error.name !== 'AbortError') card.replaceChildren(loadError(error, () => this.render(ctx)));
      return;
    }
    for (const p of partners.partners) {
      partnerSelect.append(h('option', { value: p.partner, selected: p.partner === partner }, p.display_name));
    }
    const cohortName = (record) =>
      cohorts.cohorts.find((c) => c.partner === record.partner && c.cohort_id === record.cohort_id)?.display_name ?? record.cohort_id;
    const table = historyTable({ label: 'Syncs', withCohort: true, cohortName, empty: 'Nothing on this page.' });
    const pager = historyPager({
      load: (token) => ctx.api.syncHistory({ partner, since, limit: PAGE_SIZE, continuation: token }, { signal: ctx.signal }),
      show: (records, newest) => {
        table.setRows(records);
        body.replaceChildren(records.length === 0 && newest
          ? emptyState('Nothing arrived.', partner || since
            ? 'No call or resync pass matches these filters in the last 14 days.'
            : 'No partner has called with a key of this workspace in the last 14 days. Check the REST endpoint and the data import key in the partner, under Technology Partners.',
          h('a', { class: 'button', href: '#/partners' }, 'Technology Partners'))
          : table.element);
      },
      onError: (error, retry) => {
        if (error.status === 400) {
          formStatus.error(error);
          body.replaceChildren();
        } else {
          body.replaceChildren(loadError(error, retry));
        }
      },
    });
    card.replaceChildren(
      h('p', { class: 'muted small history-note' }, 'Refused and failed calls (status 400 and above) are highlighted; their message is the answer the partner got.'),
      body,
      pager.element);
    await pager.start();
  },
};
