// A stacked bar chart in SVG, drawn from the API's numbers: one bar per day, one segment per partner. Each
// segment carries its date, partner and count (data attributes and a tooltip), so what is drawn can be checked
// against the API.

import { h, s } from './dom.js';
import { number } from './format.js';

export const PALETTE = ['#3b5bdb', '#f08c00', '#2f9e44', '#ae3ec9', '#e8590c', '#1098ad', '#c2255c', '#5c940d'];

/** A round upper bound for the axis and its ticks. */
function scale(max) {
  if (max <= 0) return { top: 4, step: 1 };
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough);
  const whole = Math.max(1, Math.round(step));
  return { top: whole * Math.ceil(max / whole), step: whole };
}

/**
 * days: ['2026-11-01', ...] in order; series: [{ partner, label, color }]; counts: Map of `${date}|${partner}` to count.
 */
export function stackedBars({ days, series, counts, title, width = 720 }) {
  const height = width < 500 ? 220 : 280;
  const margin = { top: 12, right: 8, bottom: 28, left: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const totals = days.map((day) => series.reduce((sum, item) => sum + (counts.get(`${day}|${item.partner}`) ?? 0), 0));
  const { top, step } = scale(Math.max(0, ...totals));
  const band = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(2, band * 0.72);
  const y = (value) => margin.top + plotHeight - (value / top) * plotHeight;

  const grid = [];
  for (let tick = 0; tick <= top; tick += step) {
    grid.push(s('line', { x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick), class: tick === 0 ? 'axis-line' : 'grid-line' }));
    grid.push(s('text', { x: margin.left - 8, y: y(tick) + 4, class: 'tick-label', 'text-anchor': 'end' }, number(tick)));
  }

  const labelEvery = Math.max(1, Math.ceil(days.length / Math.max(3, Math.floor(plotWidth / 70))));
  const bars = [];
  const labels = [];
  days.forEach((day, index) => {
    const x = margin.left + index * band + (band - barWidth) / 2;
    let base = 0;
    for (const item of series) {
      const value = counts.get(`${day}|${item.partner}`) ?? 0;
      if (value > 0) {
        const rect = s('rect', {
          x: x.toFixed(2),
          y: y(base + value).toFixed(2),
          width: barWidth.toFixed(2),
          height: (y(base) - y(base + value)).toFixed(2),
          fill: item.color,
          class: 'bar',
          dataset: { date: day, partner: item.partner, count: value },
        }, s('title', null, `${day} · ${item.label}: ${number(value)}`));
        bars.push(rect);
        base += value;
      }
    }
    if (index % labelEvery === 0 || index === days.length - 1) {
      labels.push(s('text', { x: (x + barWidth / 2).toFixed(2), y: height - 8, class: 'tick-label', 'text-anchor': 'middle' }, day.slice(5)));
    }
  });

  const chart = s('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'chart',
    role: 'img',
    'aria-label': title,
    width,
    height,
  }, grid, bars, labels);

  const legend = h('ul', { class: 'legend', 'aria-label': 'Partners' }, series.map((item) =>
    h('li', null, h('span', { class: 'swatch', dataset: { color: item.color } }), item.label)));
  for (const swatch of legend.querySelectorAll('.swatch')) swatch.style.background = swatch.dataset.color;
  return h('figure', { class: 'chart-figure' }, chart, legend);
}

/**
 * Added (up) and removed (down) users per sync, oldest on the left: bars: [{ id, label, added, removed }]. Each bar
 * carries its record's id and count (data attributes and a tooltip), so what is drawn can be checked against the API.
 */
export function syncBars({ bars, title, width = 720 }) {
  const height = width < 500 ? 180 : 200;
  const margin = { top: 10, right: 8, bottom: 10, left: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  // Each side only as tall as it needs: a history without removals has no room below the axis.
  const most = (key) => Math.max(0, ...bars.map((bar) => bar[key]));
  const up = most('added') > 0 || most('removed') === 0 ? scale(most('added')) : { top: 0 };
  const down = most('removed') > 0 ? scale(most('removed')) : { top: 0 };
  const total = up.top + down.top;
  const zero = margin.top + (up.top / total) * plotHeight;
  const y = (value) => zero - (value / total) * plotHeight;
  const band = plotWidth / Math.max(1, bars.length, 12);
  const barWidth = Math.max(2, Math.min(28, band * 0.7));

  const grid = [
    s('line', { x1: margin.left, x2: width - margin.right, y1: zero, y2: zero, class: 'axis-line' }),
    s('text', { x: margin.left - 8, y: zero + 4, class: 'tick-label', 'text-anchor': 'end' }, '0'),
    up.top > 0 && s('text', { x: margin.left - 8, y: y(up.top) + 4, class: 'tick-label', 'text-anchor': 'end' }, `+${number(up.top)}`),
    down.top > 0 && s('text', { x: margin.left - 8, y: y(-down.top), class: 'tick-label', 'text-anchor': 'end' }, `−${number(down.top)}`),
  ];
  const drawn = [];
  bars.forEach((bar, index) => {
    const x = margin.left + index * band + (band - barWidth) / 2;
    if (bar.added > 0) {
      drawn.push(s('rect', {
        x: x.toFixed(2), y: y(bar.added).toFixed(2), width: barWidth.toFixed(2), height: (zero - y(bar.added)).toFixed(2),
        class: 'bar bar-added', dataset: { record: bar.id, change: 'added', count: bar.added },
      }, s('title', null, `${bar.label}: ${number(bar.added)} added`)));
    }
    if (bar.removed > 0) {
      drawn.push(s('rect', {
        x: x.toFixed(2), y: zero.toFixed(2), width: barWidth.toFixed(2), height: (y(-bar.removed) - zero).toFixed(2),
        class: 'bar bar-removed', dataset: { record: bar.id, change: 'removed', count: bar.removed },
      }, s('title', null, `${bar.label}: ${number(bar.removed)} removed`)));
    }
  });

  const chart = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title, width, height }, grid, drawn);
  const legend = h('ul', { class: 'legend', 'aria-label': 'Changes' },
    h('li', null, h('span', { class: 'swatch swatch-added' }), 'Added'),
    h('li', null, h('span', { class: 'swatch swatch-removed' }), 'Removed'));
  return h('figure', { class: 'chart-figure' }, chart, legend);
}
