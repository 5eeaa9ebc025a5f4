// The Export button's panel: progress against the segment's size, Cancel, and the download at the end.

import { h } from './dom.js';
import { download, slug } from './csv.js';
import { exportSegment } from './export.js';
import { number } from './format.js';
import { statusLine } from './ui.js';

export function exportPanel(ctx, segment) {
  const progress = h('progress', { max: String(Math.max(1, segment.size)), value: '0', class: 'progress', 'aria-label': `Export of ${segment.name}` });
  const status = statusLine();
  const cancel = h('button', { type: 'button', class: 'button' }, 'Cancel');
  const panel = h('div', { class: 'export-panel' }, progress, h('div', { class: 'export-row' }, status.element, cancel));
  const controller = new AbortController();
  ctx.signal.addEventListener('abort', () => controller.abort());
  cancel.addEventListener('click', () => controller.abort());
  const done = (async () => {
    status.info(`Exporting 0 of ${number(segment.size)} users…`);
    try {
      const blob = await exportSegment(ctx.api, segment.segment_id, {
        signal: controller.signal,
        onPage: (exported) => {
          progress.max = Math.max(segment.size, exported, 1);
          progress.value = exported;
          status.info(`Exporting ${number(exported)} of ${number(segment.size)} users…`);
        },
      });
      const exported = Number(progress.value);
      progress.max = Math.max(exported, 1);
      progress.value = progress.max;
      download(blob, `segment-${slug(segment.name)}-${new Date().toISOString().slice(0, 10)}.csv`);
      status.ok(`Exported ${number(exported)} users.`);
    } catch (error) {
      if (error.name === 'AbortError') {
        status.info('Export cancelled.');
      } else {
        status.error(error);
      }
    } finally {
      cancel.remove();
    }
  })();
  return { element: panel, done };
}
