// The sync history's pieces, shared by a cohort's page and the Syncs page: what a record's kind and outcome mean,
// and a table of records in which failures stand out (each row: when and what, the answer and the key used, what it
// did, how long it took). Every figure is the API's (GET .../history, .../sync-history).

import { h } from './dom.js';
import { number, shortTime } from './format.js';
import { links } from './links.js';
import { badge, dataTable } from './ui.js';

export const KIND_LABELS = {
  name: 'Name call',
  changes: 'Postback',
  credential_test: 'Credential test',
  resync: 'Resync pass',
};

/** A record whose call was refused or failed (400, 499, 500, 503). */
export function failed(record) {
  return record.status >= 400;
}

/** The answer (status and message), and under it which data import key the call used, or what ran the pass. */
function outcome(record) {
  return h('span', { class: 'figure figure-start' },
    h('span', { class: 'outcome' },
      badge(String(record.status), failed(record) ? 'danger' : 'ok'),
      h('span', { class: 'outcome-message' }, record.message)),
    h('span', { class: 'figure-detail mono', title: record.request_id ? `Request ${record.request_id}` : 'A scheduled pass: no request' },
      record.key_id ? `key ${record.key_id}` : record.request_id ? 'manual pass' : 'scheduled pass'));
}

/** A figure with a smaller second one under it: "3" over "1 unmatched". */
function figure(main, detail) {
  return h('span', { class: 'figure' }, h('span', null, main), detail && h('span', { class: 'figure-detail' }, detail));
}

/**
 * The records as a table, newest first, failed ones highlighted. withCohort adds the cohort (linked to its page);
 * cohortName(record) gives the name to show for it.
 */
export function historyTable({ label, withCohort = false, cohortName = (record) => record.cohort_id, empty }) {
  return dataTable({
    label,
    empty,
    rowKey: (record) => record.id,
    rowClass: (record) => (failed(record) ? 'is-failed' : null),
    columns: [
      {
        key: 'at', label: 'Time (UTC)', sortable: false, className: 'col-time',
        cell: (record) => h('span', { class: 'figure figure-start' },
          h('time', { datetime: record.at }, shortTime(record.at)),
          h('span', { class: 'figure-detail' }, KIND_LABELS[record.kind] ?? record.kind)),
      },
      withCohort && {
        key: 'cohort', label: 'Cohort', sortable: false, className: 'col-cohort',
        cell: (record) => (record.cohort_id === null
          ? h('span', { class: 'muted' }, 'No valid cohort id')
          : h('a', { href: links.cohort(record.partner, record.cohort_id), class: 'strong-link' }, cohortName(record))),
      },
      { key: 'status', label: 'Outcome', sortable: false, className: 'col-outcome', cell: outcome },
      {
        key: 'received', label: 'Received', numeric: true, sortable: false,
        cell: (record) => (record.kind === 'name' ? '—' : figure(number(record.received), record.unmatched > 0 ? `${number(record.unmatched)} unmatched` : null)),
      },
      {
        key: 'added', label: 'Users', numeric: true, sortable: false,
        cell: (record) => (record.kind === 'name' ? '—' : figure(`+${number(record.added)} −${number(record.removed)}`, record.unchanged > 0 ? `${number(record.unchanged)} unchanged` : null)),
      },
      { key: 'data_points', label: 'Data points', numeric: true, sortable: false, cell: (record) => number(record.data_points) },
      { key: 'duration_ms', label: 'Duration', numeric: true, sortable: false, className: 'col-time', cell: (record) => `${number(record.duration_ms)} ms` },
    ].filter(Boolean),
  });
}

/**
 * A pager over one of the history endpoints: load(continuation) returns the API's page; show(records, first)
 * draws it. The API gives a continuation after every full page, so the last page may be empty.
 */
export function historyPager({ load, show, onError, noun = 'record' }) {
  const label = h('span', { class: 'muted small', role: 'status' });
  const first = h('button', { type: 'button', class: 'button' }, 'Newest');
  const next = h('button', { type: 'button', class: 'button' }, 'Older');
  let page = 1;
  let continuation = null;
  const go = async (token) => {
    first.disabled = true;
    next.disabled = true;
    try {
      const answer = await load(token);
      continuation = answer.continuation;
      show(answer.records, page === 1);
      label.textContent = `Page ${page} · ${number(answer.records.length)} ${answer.records.length === 1 ? noun : `${noun}s`}`;
      first.disabled = page === 1;
      next.disabled = !continuation;
    } catch (error) {
      if (error.name !== 'AbortError') onError(error, () => go(token));
    }
  };
  first.addEventListener('click', () => { page = 1; go(null); });
  next.addEventListener('click', () => { page += 1; go(continuation); });
  return {
    element: h('div', { class: 'pager' }, label, h('div', { class: 'pager-buttons' }, first, next)),
    start: () => go(null),
  };
}
