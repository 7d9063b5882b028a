// Time helpers. A venue's CivilDateTime is a wall-clock time there and is shown as is; the
// member's own time comes from the UTC instants (startTime/endTime) through Intl, never from
// arithmetic on offsets.
import { locale } from './i18n.js';

const pad = (n) => String(n ?? 0).padStart(2, '0');

// The browser's own IANA zone.
export function memberZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

// "2026-12-07" for a CivilDate {year, month, day}.
export function isoDay(d) {
  return `${String(d.year).padStart(4, '0')}-${pad(d.month)}-${pad(d.day)}`;
}

// {year, month, day} from "2026-12-07", or null.
export function parseIsoDay(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
  return m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : null;
}

// A CivilDate shifted by n days (calendar arithmetic in UTC, free of zone rules).
export function addDays(d, n) {
  const date = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

// Today's date in `timeZone`.
export function todayIn(timeZone) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date());
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

// "09:00" for a CivilDateTime.
export function civilTime(c) {
  return `${pad(c.hours)}:${pad(c.minutes)}`;
}

// A localized day name and date for a CivilDate ("Mon 7 Dec").
export function civilDayLabel(d, long = false) {
  const date = new Date(Date.UTC(d.year, d.month - 1, d.day));
  const opts = long
    ? { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }
    : { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' };
  return new Intl.DateTimeFormat(locale(), opts).format(date);
}

// "Mon 7 Dec 09:00–13:00" from two CivilDateTimes at the venue.
export function civilRange(start, end) {
  const sameDay = start.year === end.year && start.month === end.month && start.day === end.day;
  const head = `${civilDayLabel(start)} ${civilTime(start)}`;
  return sameDay ? `${head}–${civilTime(end)}` : `${head} – ${civilDayLabel(end)} ${civilTime(end)}`;
}

// The same span in `timeZone` (default: the member's), from RFC 3339 instants.
export function instantRange(startTime, endTime, timeZone = memberZone()) {
  const start = new Date(startTime);
  const end = new Date(endTime);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return '';
  const day = new Intl.DateTimeFormat(locale(), { timeZone, weekday: 'short', day: 'numeric', month: 'short' });
  const time = new Intl.DateTimeFormat(locale(), { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const sameDay = day.format(start) === day.format(end);
  return sameDay
    ? `${day.format(start)} ${time.format(start)}–${time.format(end)}`
    : `${day.format(start)} ${time.format(start)} – ${day.format(end)} ${time.format(end)}`;
}

// The current wall-clock time in `timeZone` ("Mon 14:05").
export function nowIn(timeZone) {
  try {
    return new Intl.DateTimeFormat(locale(), { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .format(new Date());
  } catch {
    return '';
  }
}

// A city-ish label for a zone: "Europe/Paris" → "Paris".
export function zoneCity(timeZone) {
  return String(timeZone || '').split('/').pop().replace(/_/g, ' ');
}

// Money {currencyCode, amountMinor: "1500"} → "15,00 €". amountMinor is an int64 string.
export function formatMoney(money) {
  if (!money || !money.currencyCode) return '';
  const fmt = new Intl.NumberFormat(locale(), { style: 'currency', currency: money.currencyCode });
  const digits = fmt.resolvedOptions().maximumFractionDigits;
  const minor = Number(money.amountMinor ?? 0);
  return fmt.format(minor / 10 ** digits);
}
