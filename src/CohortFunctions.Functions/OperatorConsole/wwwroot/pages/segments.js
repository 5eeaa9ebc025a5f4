// Segments: the saved segments of the workspace with their sizes, and Export, Rename, Delete.

import { h } from '../lib/dom.js';
import { exportPanel } from '../lib/export-panel.js';
import { number, time } from '../lib/format.js';
import { links } from '../lib/links.js';
import { confirmDialog, dataTable, emptyState, loadError, loading, pageHeader, promptDialog, statusLine } from '../lib/ui.js';

export default {
  title: 'Segments',
  async render(ctx) {
    const body = h('div', null, loading('Loading segments and their sizes…'));
    const status = statusLine();
    const exports = h('div', { class: 'exports' });
    ctx.main.replaceChildren(
      pageHeader({
        title: 'Segments',
        lead: 'Segments select users by the partner cohorts they are in, for targeting. Sizes are counted now, from the current members.',
        actions: [h('a', { class: 'button button-primary', href: '#/segments/new' }, 'New segment')],
      }),
      status.element,
      exports,
      body);
    const load = async () => {
      let listed;
      try {
        listed = await ctx.api.segments({ signal: ctx.signal });
      } catch (error) {
        if (error.name !== 'AbortError') body.replaceChildren(loadError(error, load));
        return;
      }
      if (listed.segments.length === 0) {
        body.replaceChildren(h('div', { class: 'card' }, emptyState(
          'No segments yet.',
          'Create one: name it, pick a partner\'s cohorts filter, choose includes or does not include, and pick a cohort.',
          h('a', { class: 'button button-primary', href: '#/segments/new' }, 'New segment'))));
        return;
      }
      const table = dataTable({
        label: 'Segments',
        rowKey: (segment) => segment.segment_id,
        rows: listed.segments,
        columns: [
          { key: 'name', label: 'Name', cell: (segment) => h('a', { href: links.segment(segment.segment_id), class: 'strong-link' }, segment.name) },
          { key: 'size', label: 'Size', numeric: true, cell: (segment) => h('span', { dataset: { size: segment.size } }, number(segment.size)) },
          { key: 'updated_at', label: 'Updated', cell: (segment) => time(segment.updated_at) },
          {
            key: 'actions', label: 'Actions', sortable: false, className: 'actions',
            cell: (segment) => h('div', { class: 'row-actions' },
              h('button', { type: 'button', class: 'button button-small', 'aria-label': `Export ${segment.name} as CSV`, onclick: () => exports.prepend(exportPanel(ctx, segment).element) }, 'Export CSV'),
              h('button', { type: 'button', class: 'button button-small', 'aria-label': `Rename ${segment.name}`, onclick: () => rename(segment) }, 'Rename'),
              h('button', { type: 'button', class: 'button button-small button-danger-quiet', 'aria-label': `Delete ${segment.name}`, onclick: () => remove(segment) }, 'Delete')),
          },
        ],
      });
      body.replaceChildren(h('div', { class: 'card' }, table.element));
    };
    const rename = async (segment) => {
      const name = await promptDialog({ title: 'Rename segment', label: 'Name', value: segment.name, confirmLabel: 'Rename' });
      if (name === null) return;
      try {
        const saved = await ctx.api.updateSegment(segment.segment_id, { name });
        status.ok(`Renamed to "${saved.name}".`);
        await load();
      } catch (error) {
        status.error(error);
      }
    };
    const remove = async (segment) => {
      const confirmed = await confirmDialog({ title: `Delete "${segment.name}"?`, message: 'The segment is removed for everyone. Its cohorts and users are not changed.', confirmLabel: 'Delete segment' });
      if (!confirmed) return;
      try {
        await ctx.api.deleteSegment(segment.segment_id);
        status.ok(`Deleted "${segment.name}".`);
        await load();
      } catch (error) {
        status.error(error);
      }
    };
    await load();
  },
};
