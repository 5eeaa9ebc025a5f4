// How values are shown. Only presentation: every figure comes from the API as it is.

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const dayAndTime = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });
const numberFormat = new Intl.NumberFormat('en-US');

/** "29 Nov 2026, 14:03 UTC", or a dash for null. */
export function time(iso) {
  return iso ? `${dateTime.format(new Date(iso))} UTC` : '—';
}

/** "29 Nov, 14:03:07" (UTC, said by the column): for events that come seconds apart within days (syncs). */
export function shortTime(iso) {
  return iso ? dayAndTime.format(new Date(iso)) : '—';
}

export function number(value) {
  return numberFormat.format(value);
}

/** "1 user" / "2,000 users". */
export function count(value, singular, plural = `${singular}s`) {
  return `${number(value)} ${value === 1 ? singular : plural}`;
}

/** Today's date in UTC as yyyy-mm-dd, moved by `days`. */
export function utcDate(days = 0) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
