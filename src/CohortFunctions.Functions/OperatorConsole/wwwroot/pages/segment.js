// The segment builder: name, filter rows "<Partner> Cohorts includes / does not include <cohort>" combined with
// AND/OR and nested groups, a live size from the API (POST .../segment-size), save, rename, delete and export.

import { h, uid } from '../lib/dom.js';
import { exportPanel } from '../lib/export-panel.js';
import { MAX_DEPTH, fromFilter, isComplete, newGroup, newRow, toFilter } from '../lib/filter-model.js';
import { count, time } from '../lib/format.js';
import { links } from '../lib/links.js';
import { confirmDialog, emptyState, errorText, field, loadError, loading, pageHeader, section, statusLine } from '../lib/ui.js';

const SIZE_DELAY_MS = 300;

export default {
  title: 'Segment',
  async render(ctx) {
    const segmentId = ctx.params.segmentId ?? null;
    const crumbs = [{ label: 'Segments', href: '#/segments' }];
    ctx.main.replaceChildren(loading());
    let filters;
    let saved = null;
    try {
      [filters, saved] = await Promise.all([
        ctx.api.cohortFilters({ signal: ctx.signal }),
        segmentId ? ctx.api.segment(segmentId, { signal: ctx.signal }) : Promise.resolve(null),
      ]);
    } catch (error) {
      if (error.name === 'AbortError') return;
      ctx.main.replaceChildren(pageHeader({ title: segmentId ? 'Segment' : 'New segment', crumbs }), loadError(error, () => this.render(ctx)));
      return;
    }
    const groups = filters.filters;
    if (groups.length === 0 && !saved) {
      ctx.main.replaceChildren(pageHeader({ title: 'New segment', crumbs }), h('div', { class: 'card' }, emptyState(
        'No cohorts to filter on yet.',
        'Segments are built from partner cohorts. Generate a data import key under Technology Partners and paste it into your analytics partner; its cohorts appear here after the first sync.',
        h('a', { class: 'button button-primary', href: '#/partners' }, 'Technology Partners'))));
      return;
    }
    ctx.setTitle(saved ? saved.name : 'New segment');

    const model = saved ? fromFilter(saved.filter) : newGroup('and', [newRow(groups[0]?.partner ?? '')]);
    const nameInput = h('input', { type: 'text', name: 'segment-name', class: 'input', maxlength: '200', value: saved?.name ?? '', autocomplete: 'off', placeholder: 'e.g. Power users, not churning' });
    const saveStatus = statusLine();
    const sizeValue = h('p', { class: 'size-value', role: 'status', 'aria-live': 'polite' });
    const sizeNote = h('p', { class: 'size-note' });
    const builder = h('div', { class: 'builder' });
    const exports = h('div', { class: 'exports' });

    // Live size: each change waits a moment, then asks the API; an older request still running is aborted.
    let sizeTimer = null;
    let sizeRequest = null;
    const sizeNow = () => {
      clearTimeout(sizeTimer);
      sizeRequest?.abort();
      sizeValue.classList.remove('is-error');
      if (!isComplete(model)) {
        sizeValue.textContent = '—';
        sizeValue.dataset.size = '';
        sizeNote.textContent = model.items.length === 0 ? 'Add a filter to see the size.' : 'Pick a cohort in every filter to see the size.';
        return;
      }
      sizeNote.textContent = 'Counting…';
      sizeTimer = setTimeout(async () => {
        const controller = new AbortController();
        sizeRequest = controller;
        ctx.signal.addEventListener('abort', () => controller.abort());
        try {
          const answer = await ctx.api.segmentSize(toFilter(model), { signal: controller.signal });
          sizeValue.textContent = count(answer.size, 'user');
          sizeValue.dataset.size = String(answer.size);
          sizeNote.textContent = 'Users the filter selects now.';
        } catch (error) {
          if (error.name === 'AbortError') return;
          sizeValue.textContent = '—';
          sizeValue.dataset.size = '';
          sizeValue.classList.add('is-error');
          sizeNote.textContent = errorText(error);
        }
      }, SIZE_DELAY_MS);
    };

    const filterOptions = (selected) => groups.map((g) => h('option', { value: g.partner, selected: g.partner === selected }, g.filter_name));
    const cohortOptions = (partner, selected) => {
      const group = groups.find((g) => g.partner === partner);
      const options = [h('option', { value: '', selected: !selected }, 'Choose a cohort…')];
      for (const cohort of group?.cohorts ?? []) {
        options.push(h('option', { value: cohort.cohort_id, selected: cohort.cohort_id === selected }, cohort.display_name));
      }
      if (selected && !group?.cohorts.some((c) => c.cohort_id === selected)) {
        options.push(h('option', { value: selected, selected: true }, selected));
      }
      return options;
    };

    let focusAfterRender = null;
    const rerender = () => {
      builder.replaceChildren(groupView(model, 1, null, 'Segment filter'));
      if (focusAfterRender) {
        builder.querySelector(focusAfterRender)?.focus();
        focusAfterRender = null;
      }
      sizeNow();
    };

    function rowView(row, parent, index, label) {
      const filterId = uid('filter');
      const modeId = uid('mode');
      const cohortId = uid('cohort');
      const filterSelect = h('select', { id: filterId, class: 'input', name: 'filter' }, filterOptions(row.partner));
      const modeSelect = h('select', { id: modeId, class: 'input', name: 'operator' },
        h('option', { value: 'includes', selected: row.mode === 'includes' }, 'includes'),
        h('option', { value: 'excludes', selected: row.mode === 'excludes' }, 'does not include'));
      const cohortSelect = h('select', { id: cohortId, class: 'input', name: 'cohort' }, cohortOptions(row.partner, row.cohortId));
      filterSelect.addEventListener('change', () => {
        row.partner = filterSelect.value;
        row.cohortId = '';
        cohortSelect.replaceChildren(...cohortOptions(row.partner, ''));
        sizeNow();
      });
      modeSelect.addEventListener('change', () => { row.mode = modeSelect.value; sizeNow(); });
      cohortSelect.addEventListener('change', () => { row.cohortId = cohortSelect.value; sizeNow(); });
      const remove = h('button', { type: 'button', class: 'button button-icon', 'aria-label': `Remove ${label}`, title: `Remove ${label}` }, '✕');
      remove.addEventListener('click', () => {
        parent.items.splice(index, 1);
        focusAfterRender = '.add-filter';
        rerender();
      });
      row.key ??= uid('row');
      return h('div', { class: 'filter-row', role: 'group', 'aria-label': label, dataset: { row: row.key } },
        h('div', { class: 'filter-cell' }, h('label', { for: filterId, class: 'mini-label' }, 'Filter'), filterSelect),
        h('div', { class: 'filter-cell filter-cell-mode' }, h('label', { for: modeId, class: 'mini-label' }, 'Operator'), modeSelect),
        h('div', { class: 'filter-cell filter-cell-cohort' }, h('label', { for: cohortId, class: 'mini-label' }, 'Cohort'), cohortSelect),
        h('div', { class: 'filter-cell filter-cell-remove' }, remove));
    }

    function groupView(group, depth, parent, label) {
      const opId = uid('op');
      const opSelect = h('select', { id: opId, class: 'input input-inline', name: 'combine' },
        h('option', { value: 'and', selected: group.op === 'and' }, 'all (AND)'),
        h('option', { value: 'or', selected: group.op === 'or' }, 'any (OR)'));
      const children = [];
      group.items.forEach((item, index) => {
        if (index > 0) children.push(h('div', { class: 'connector', 'aria-hidden': 'true' }, group.op.toUpperCase()));
        const itemLabel = `${label}, ${item.type === 'row' ? 'filter' : 'group'} ${index + 1}`;
        children.push(item.type === 'row' ? rowView(item, group, index, itemLabel) : groupView(item, depth + 1, group, itemLabel));
      });
      opSelect.addEventListener('change', () => {
        group.op = opSelect.value;
        focusAfterRender = `#${opId}`;
        rerender();
      });
      const addFilter = h('button', { type: 'button', class: 'button button-small add-filter' }, '+ Add filter');
      addFilter.addEventListener('click', () => {
        const row = newRow(groups[0]?.partner ?? '');
        row.key = uid('row');
        group.items.push(row);
        focusAfterRender = `[data-row="${row.key}"] select[name=cohort]`;
        rerender();
      });
      const actions = [addFilter];
      if (depth < MAX_DEPTH - 1) {
        const addGroup = h('button', { type: 'button', class: 'button button-small' }, '+ Add group');
        addGroup.addEventListener('click', () => {
          group.items.push(newGroup(group.op === 'and' ? 'or' : 'and', [newRow(groups[0]?.partner ?? ''), newRow(groups[0]?.partner ?? '')]));
          rerender();
        });
        actions.push(addGroup);
      }
      if (parent) {
        const removeGroup = h('button', { type: 'button', class: 'button button-small button-danger-quiet' }, 'Remove group');
        removeGroup.addEventListener('click', () => {
          parent.items.splice(parent.items.indexOf(group), 1);
          focusAfterRender = '.add-filter';
          rerender();
        });
        actions.push(removeGroup);
      }
      return h('fieldset', { class: ['group', depth > 1 && 'group-nested'] },
        h('legend', { class: 'visually-hidden' }, label),
        h('div', { class: 'group-head' },
          h('label', { for: opId }, depth === 1 ? 'Users who match' : 'Match'), opSelect, h('span', null, 'of these filters')),
        group.items.length === 0 ? h('p', { class: 'muted small' }, 'No filters in this group yet.') : children,
        h('div', { class: 'group-actions' }, actions));
    }

    const saveButton = h('button', { type: 'submit', class: 'button button-primary' }, saved ? 'Save changes' : 'Save segment');
    const form = h('form', { class: 'segment-form', novalidate: true },
      section('Name', field('Segment name', nameInput)),
      section('Filters',
        h('p', { class: 'card-text' }, 'Each filter picks the members of a partner cohort (includes) or everyone else in the workspace (does not include).'),
        builder,
        h('div', { class: 'size-box' },
          h('p', { class: 'size-label' }, 'Size'), sizeValue, sizeNote)),
      h('div', { class: 'form-footer' }, saveButton, saveStatus.element));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      saveStatus.clear();
      if (!isComplete(model)) {
        saveStatus.error({ message: 'Pick a cohort in every filter before saving.' });
        return;
      }
      saveButton.disabled = true;
      const body = { name: nameInput.value.trim(), filter: toFilter(model) };
      try {
        if (saved) {
          saved = await ctx.api.updateSegment(saved.segment_id, body);
          saveStatus.ok(`Saved. ${count(saved.size, 'user')}.`);
          ctx.setTitle(saved.name);
          ctx.main.querySelector('h1').textContent = saved.name;
        } else {
          const created = await ctx.api.createSegment(body);
          ctx.navigate(links.segment(created.segment_id));
        }
      } catch (error) {
        saveStatus.error(error);
        if (/name/i.test(error.message)) nameInput.focus();
      } finally {
        saveButton.disabled = false;
      }
    });

    const actions = [];
    if (saved) {
      const exportButton = h('button', { type: 'button', class: 'button' }, 'Export CSV');
      exportButton.addEventListener('click', () => exports.prepend(exportPanel(ctx, saved).element));
      const deleteButton = h('button', { type: 'button', class: 'button button-danger-quiet' }, 'Delete');
      deleteButton.addEventListener('click', async () => {
        const confirmed = await confirmDialog({ title: `Delete "${saved.name}"?`, message: 'The segment is removed for everyone. Its cohorts and users are not changed.', confirmLabel: 'Delete segment' });
        if (!confirmed) return;
        try {
          await ctx.api.deleteSegment(saved.segment_id);
          ctx.navigate('#/segments');
        } catch (error) {
          saveStatus.error(error);
        }
      });
      actions.push(exportButton, deleteButton);
    }

    ctx.main.replaceChildren(
      pageHeader({
        title: saved ? saved.name : 'New segment',
        crumbs,
        lead: saved ? `Created ${time(saved.created_at)} · updated ${time(saved.updated_at)}. Export uses the saved filter.` : 'Name the segment, then add filters.',
        actions,
      }),
      exports,
      form);
    rerender();
  },
};
