// One cohort: its state, its cadence and Resync now, its sync history, and its members a page at a time. The page
// is a list of sections (cohortSections below), each a function of the cohort.

import { syncBars } from '../lib/chart.js';
import { h } from '../lib/dom.js';
import { historyPager, historyTable } from '../lib/history.js';
import { count, number, time } from '../lib/format.js';
import { links } from '../lib/links.js';
import { dataTable, emptyState, field, loadError, loading, pageHeader, section, statusLine } from '../lib/ui.js';
import { cohortBadges } from './cohorts.js';

const CADENCES = [
  { value: 'realtime', label: 'Realtime (retry every minute)' },
  { value: 'hourly', label: 'Hourly' },
  { value: 'daily', label: 'Daily' },
  { value: 'once', label: 'Once (a single retry after each sync)' },
];

const MEMBERS_PAGE_SIZE = 50;

const HISTORY_PAGE_SIZE = 50;

function facts(entries) {
  return h('dl', { class: 'facts' }, entries.map(([term, detail]) =>
    h('div', { class: 'fact' }, h('dt', null, term), h('dd', null, detail))));
}

/** What the API says about the cohort. */
function summarySection(ctx, cohort) {
  return section('Overview', facts([
    ['Members', h('span', { class: 'big-number', dataset: { memberCount: cohort.member_count } }, number(cohort.member_count))],
    ['Status', cohortBadges(cohort)],
    ['Cohort id', h('span', { class: 'mono' }, cohort.cohort_id)],
    ['Created', time(cohort.created_at)],
    ['Last synced', cohort.last_synced_at ? time(cohort.last_synced_at) : 'Never'],
    ['Cadence', cohort.cadence],
    ['Last resync', cohort.last_resync_at ? time(cohort.last_resync_at) : 'Never'],
    ['Next resync due', cohort.next_resync_at ? time(cohort.next_resync_at) : 'None scheduled'],
  ]));
}

/** Cadence editor and Resync now, with the API's answers. */
function resyncSection(ctx, cohort, refresh) {
  const select = h('select', { class: 'input', name: 'cadence' },
    CADENCES.map((c) => h('option', { value: c.value, selected: c.value === cohort.cadence }, c.label)));
  const cadenceStatus = statusLine();
  const save = h('button', { type: 'submit', class: 'button' }, 'Save cadence');
  const cadenceForm = h('form', { class: 'inline-form' }, field('Cadence', select), save);
  cadenceForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      const answer = await ctx.api.setCadence(cohort.partner, cohort.cohort_id, select.value);
      cadenceStatus.ok(`Cadence is ${answer.cadence}. Next resync due: ${answer.next_resync_at ? time(answer.next_resync_at) : 'none scheduled'}.`);
      refresh();
    } catch (error) {
      cadenceStatus.error(error);
    } finally {
      save.disabled = false;
    }
  });

  const resyncStatus = statusLine();
  const resync = h('button', { type: 'button', class: 'button button-primary' }, 'Resync now');
  resync.addEventListener('click', async () => {
    resync.disabled = true;
    resyncStatus.info('Resyncing…');
    try {
      const answer = await ctx.api.resync(cohort.partner, cohort.cohort_id);
      resyncStatus.ok(`Retried ${number(answer.retried)}, applied ${number(answer.applied)}, expired ${number(answer.expired)}, still pending ${number(answer.still_pending)}.`
        + (answer.complete ? '' : ' The pass ran out of time: press Resync now again to continue where it stopped.'));
      refresh();
    } catch (error) {
      resyncStatus.error(error);
    } finally {
      resync.disabled = false;
    }
  });

  return section('Resync',
    h('p', { class: 'card-text' }, 'Identifiers that matched no user are kept and retried on the cohort\'s cadence, so users created later still join. Resync now retries them at once.'),
    cadenceForm,
    cadenceStatus.element,
    h('div', { class: 'toolbar' }, resync),
    resyncStatus.element);
}

/**
 * What the partner sent for this cohort and what it did (GET .../history): a chart of the users each sync added and
 * removed, and every call and resync pass of the last 14 days, newest first, a page at a time.
 */
function historySection(ctx, cohort) {
  const chartHolder = h('div', { class: 'chart-holder' });
  const body = h('div', null, loading('Loading the sync history…'));
  const table = historyTable({ label: 'Sync history', empty: 'Nothing on this page.' });
  const draw = (records, newest) => {
    // Users postbacks and resync passes, oldest on the left; name calls and credential tests change no member.
    const syncs = records.filter((r) => r.kind === 'changes' || r.kind === 'resync').reverse();
    chartHolder.replaceChildren(syncs.length === 0 ? '' : syncBars({
      bars: syncs.map((r) => ({ id: r.id, label: `${time(r.at)} (${r.kind === 'resync' ? 'resync pass' : 'postback'})`, added: r.added, removed: r.removed })),
      width: Math.max(300, Math.floor(chartHolder.clientWidth || 720)),
      title: 'Users added and removed per sync on this page, oldest on the left',
    }));
    table.setRows(records);
    body.replaceChildren(records.length === 0 && newest
      ? emptyState('No syncs in the last 14 days.', 'Every call the partner makes for this cohort with a valid key appears here within seconds, refused ones too, and every resync pass that applied something.')
      : table.element);
  };
  const pager = historyPager({
    load: (token) => ctx.api.cohortHistory(cohort.partner, cohort.cohort_id, HISTORY_PAGE_SIZE, token, { signal: ctx.signal }),
    show: draw,
    onError: (error, retry) => body.replaceChildren(loadError(error, retry)),
  });
  pager.start();
  return section('Sync history',
    h('p', { class: 'card-text muted history-note' }, 'What the partner sent, when, and what it did: the last 14 days, newest first. Refused and failed calls are highlighted.'),
    chartHolder,
    body,
    pager.element);
}

/** The members, a page at a time, as the API pages them. */
function membersSection(ctx, cohort) {
  const body = h('div', null, loading('Loading members…'));
  const pageLabel = h('span', { class: 'muted small', role: 'status' });
  const first = h('button', { type: 'button', class: 'button' }, 'First page');
  const next = h('button', { type: 'button', class: 'button' }, 'Next page');
  const table = dataTable({
    label: 'Members',
    rowKey: (member) => member.user_id,
    columns: [
      {
        key: 'external_id', label: 'External id', sortable: false,
        cell: (member) => member.external_id === null
          ? h('span', { class: 'muted' }, 'Anonymous')
          : h('a', { href: links.user({ external_id: member.external_id }), class: 'mono' }, member.external_id),
      },
      { key: 'user_id', label: 'User id', sortable: false, cell: (member) => h('span', { class: 'mono' }, member.user_id) },
    ],
  });
  let pageNumber = 1;
  let continuation = null;
  const load = async (token) => {
    first.disabled = true;
    next.disabled = true;
    try {
      const page = await ctx.api.members(cohort.partner, cohort.cohort_id, MEMBERS_PAGE_SIZE, token, { signal: ctx.signal });
      continuation = page.continuation;
      table.setRows(page.members);
      body.replaceChildren(page.members.length === 0 && pageNumber === 1
        ? emptyState('No members yet.', 'Members appear when the partner syncs users who exist in this workspace; identifiers of users not created yet wait for resync.')
        : table.element);
      pageLabel.textContent = `Page ${pageNumber} · ${count(page.members.length, 'member')} on this page`;
      first.disabled = pageNumber === 1;
      next.disabled = !continuation;
    } catch (error) {
      if (error.name !== 'AbortError') body.replaceChildren(loadError(error, () => load(token)));
    }
  };
  first.addEventListener('click', () => { pageNumber = 1; load(null); });
  next.addEventListener('click', () => { pageNumber += 1; load(continuation); });
  load(null);
  return section('Members', body, h('div', { class: 'pager' }, pageLabel, h('div', { class: 'pager-buttons' }, first, next)));
}

/** The sections of a cohort's page, in order: (ctx, cohort, refresh) => Element. */
export const cohortSections = [summarySection, resyncSection, historySection, membersSection];

export default {
  title: 'Cohort',
  async render(ctx) {
    const { partner, cohortId } = ctx.params;
    const crumbs = [{ label: 'Cohorts', href: '#/cohorts' }];
    ctx.main.replaceChildren(loading());
    let listed;
    try {
      listed = await ctx.api.cohorts({ signal: ctx.signal });
    } catch (error) {
      if (error.name !== 'AbortError') ctx.main.replaceChildren(loadError(error, () => this.render(ctx)));
      return;
    }
    const cohort = listed.cohorts.find((c) => c.partner === partner && c.cohort_id === cohortId);
    if (!cohort) {
      ctx.main.replaceChildren(pageHeader({ title: 'Cohort not found', crumbs }), h('div', { class: 'card' },
        emptyState(`No cohort '${cohortId}' of partner '${partner}' in this workspace.`, 'Pick one from the list of cohorts.',
          h('a', { class: 'button', href: '#/cohorts' }, 'Cohorts'))));
      return;
    }
    ctx.setTitle(cohort.display_name);
    const sections = h('div', { class: 'sections' });
    const refreshSummary = async () => {
      try {
        const again = await ctx.api.cohorts({ signal: ctx.signal });
        const updated = again.cohorts.find((c) => c.partner === partner && c.cohort_id === cohortId);
        if (updated) sections.firstElementChild.replaceWith(summarySection(ctx, updated));
      } catch {
        // The action's own answer is already shown; the overview keeps its last state.
      }
    };
    sections.replaceChildren(...cohortSections.map((build) => build(ctx, cohort, refreshSummary)));
    ctx.main.replaceChildren(
      pageHeader({ title: cohort.name, crumbs, lead: cohort.display_name }),
      sections);
  },
};
