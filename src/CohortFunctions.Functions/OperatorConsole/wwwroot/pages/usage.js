// Usage: data points per day and partner (GET .../data-points), as stacked bars, the API's total, and a CSV of
// the same rows.

import { h } from '../lib/dom.js';
import { PALETTE, stackedBars } from '../lib/chart.js';
import { csvLine, download } from '../lib/csv.js';
import { number, utcDate } from '../lib/format.js';
import { dataTable, emptyState, field, loading, pageHeader, section, statusLine } from '../lib/ui.js';

/** Every date from `from` to `to` (yyyy-mm-dd, UTC), for the chart's axis. */
function datesBetween(from, to) {
  const dates = [];
  const day = new Date(`${from}T00:00:00Z`);
  const last = new Date(`${to}T00:00:00Z`);
  while (day <= last && dates.length <= 366) {
    dates.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return dates;
}

export default {
  title: 'Usage',
  async render(ctx) {
    const fromInput = h('input', { type: 'date', name: 'from', class: 'input', value: ctx.query.get('from') ?? utcDate(-29), required: true });
    const toInput = h('input', { type: 'date', name: 'to', class: 'input', value: ctx.query.get('to') ?? utcDate(0), required: true });
    const formStatus = statusLine();
    const form = h('form', { class: 'inline-form', novalidate: true },
      field('From (UTC)', fromInput), field('To (UTC)', toInput),
      h('button', { type: 'submit', class: 'button button-primary' }, 'Show'));
    const body = h('div', { class: 'sections' }, loading());
    ctx.main.replaceChildren(
      pageHeader({
        title: 'Usage',
        lead: 'Data points: one per effective membership change a partner made (a user added who was not a member, or removed who was), per UTC day.',
      }),
      h('div', { class: 'card' }, form, formStatus.element),
      body);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      ctx.navigate(`#/usage?from=${encodeURIComponent(fromInput.value)}&to=${encodeURIComponent(toInput.value)}`);
    });

    const from = fromInput.value;
    const to = toInput.value;
    let report;
    let partners;
    try {
      [report, partners] = await Promise.all([ctx.api.dataPoints(from, to, { signal: ctx.signal }), ctx.partners()]);
    } catch (error) {
      if (error.name === 'AbortError') return;
      body.replaceChildren();
      formStatus.error(error);
      return;
    }
    const name = (slug) => partners.partners.find((p) => p.partner === slug)?.display_name ?? slug;
    const slugs = [...new Set([...partners.partners.map((p) => p.partner), ...report.days.map((d) => d.partner)])]
      .filter((slug) => report.days.some((d) => d.partner === slug));
    const series = slugs.map((slug, index) => ({ partner: slug, label: name(slug), color: PALETTE[index % PALETTE.length] }));
    const counts = new Map(report.days.map((d) => [`${d.date}|${d.partner}`, d.count]));
    const days = datesBetween(from, to);

    const csvButton = h('button', { type: 'button', class: 'button', disabled: report.days.length === 0 }, 'Download CSV');
    csvButton.addEventListener('click', () => {
      const lines = [csvLine(['date', 'partner', 'count']), ...report.days.map((d) => csvLine([d.date, d.partner, d.count]))];
      download(new Blob(lines, { type: 'text/csv;charset=utf-8' }), `data-points-${ctx.workspace}-${from}-to-${to}.csv`);
    });

    const chartHolder = h('div', { class: 'chart-holder' });
    const drawChart = () => {
      const width = Math.max(300, Math.floor(chartHolder.clientWidth || 720));
      chartHolder.replaceChildren(stackedBars({ days, series, counts, width, title: `Data points per day from ${from} to ${to}, by partner` }));
    };

    const table = dataTable({
      label: 'Data points per day and partner',
      rows: report.days,
      sort: { key: 'date', descending: true },
      columns: [
        { key: 'date', label: 'Date' },
        { key: 'partner', label: 'Partner', value: (d) => name(d.partner), cell: (d) => name(d.partner) },
        { key: 'count', label: 'Data points', numeric: true, cell: (d) => number(d.count) },
      ],
    });

    body.replaceChildren(
      section('Data points',
        h('div', { class: 'total-row' },
          h('div', null,
            h('p', { class: 'size-label' }, `Total, ${from} to ${to}`),
            h('p', { class: 'big-number', dataset: { total: report.total } }, number(report.total))),
          csvButton),
        report.days.length === 0
          ? emptyState('No data points in this range.', 'Data points are counted when a partner sync adds or removes users who exist in this workspace. Connect a partner under Technology Partners, or pick another range.')
          : chartHolder),
      report.days.length > 0 && section('Per day and partner', table.element));
    if (report.days.length > 0) {
      drawChart();
      let lastWidth = chartHolder.clientWidth;
      const observer = new ResizeObserver(() => {
        if (Math.abs(chartHolder.clientWidth - lastWidth) > 8) {
          lastWidth = chartHolder.clientWidth;
          drawChart();
        }
      });
      observer.observe(chartHolder);
      ctx.signal.addEventListener('abort', () => observer.disconnect());
    }
  },
};
