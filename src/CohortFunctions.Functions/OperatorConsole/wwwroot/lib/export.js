// Exports a segment's users as CSV, walking the export API page by page (GET .../segments/{id}/users): one
// request at a time, each awaited, so the page stays responsive however many users there are; the CSV is kept
// as the list of page texts and joined into a Blob once at the end.

import { csvLine } from './csv.js';

export const EXPORT_PAGE_SIZE = 1000;

export const CSV_HEADER = ['user_id', 'external_id', 'aliases'];

/** One user as a CSV line: aliases as the API's JSON, so nothing is lost or reinterpreted. */
function line(user) {
  return csvLine([user.user_id, user.external_id, JSON.stringify(user.aliases ?? [])]);
}

/**
 * Walks every page; onPage(usersSoFar) after each. Resolves a Blob of the CSV. Stops with an AbortError when
 * signal aborts, or with the API's error.
 */
export async function exportSegment(api, segmentId, { signal, onPage }) {
  const parts = [csvLine(CSV_HEADER)];
  let exported = 0;
  let continuation = null;
  do {
    const page = await api.segmentUsers(segmentId, EXPORT_PAGE_SIZE, continuation, { signal });
    let text = '';
    for (const user of page.users) text += line(user);
    parts.push(text);
    exported += page.users.length;
    continuation = page.continuation;
    onPage?.(exported);
  } while (continuation);
  return new Blob(parts, { type: 'text/csv;charset=utf-8' });
}
