// One venue: its spaces with prices, a 7-day availability grid and booking of a free slot.
import { t } from '../i18n.js';
import { errorText, h, showError, showMessage, clearMessage } from '../dom.js';
import { createBooking, getAvailability, getSpaces, safeWebUrl } from '../api.js';
import { getSession } from '../session.js';
import {
  addDays, civilDayLabel, civilRange, civilTime, formatMoney, instantRange, isoDay, nowIn,
  parseIsoDay, todayIn, zoneCity,
} from '../time.js';

const DAYS = 7;
const ATTEMPT_KEY = 'cantine.bookingAttempt';

// The idempotency key of a booking attempt: kept until it succeeds, so pressing Book again
// after a network error or a lost answer retries the same booking instead of making two.
function attemptKey(fingerprint) {
  let attempt = null;
  try {
    attempt = JSON.parse(sessionStorage.getItem(ATTEMPT_KEY) || 'null');
  } catch {
    attempt = null;
  }
  if (attempt && attempt.fingerprint === fingerprint && attempt.key) return attempt.key;
  const key = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  sessionStorage.setItem(ATTEMPT_KEY, JSON.stringify({ fingerprint, key }));
  return key;
}

function endAttempt() {
  sessionStorage.removeItem(ATTEMPT_KEY);
}

const isRetired = (space) => space.retired === true || space.state === 'SPACE_STATE_RETIRED';

export async function renderVenue(section, ctx, { parts, params, alive }) {
  const siteId = parts[1] || '';
  const site = ctx.siteById(siteId);
  if (!site) {
    section.append(h('h1', {}, siteId));
    showMessage(t('venue.unknown', { site: siteId }), 'error');
    return;
  }
  const venueName = site.displayName || site.siteId;
  const place = site.city || zoneCity(site.timeZone);
  section.append(
    h('h1', { id: 'venue-title', testid: 'venue-title' }, venueName),
    h('p', { class: 'muted' }, [site.streetAddress, site.city].filter(Boolean).join(' · ')),
    h('p', {}, t('venues.localTime', { time: `${nowIn(site.timeZone)} (${site.timeZone || '?'})` })),
  );

  const spacesHolder = h('div', { class: 'spaces' }, h('p', {}, t('loading')));
  const grid = h('section', { class: 'availability', id: 'availability', testid: 'availability', 'aria-live': 'polite' });
  section.append(h('h2', {}, t('venue.spaces')), spacesHolder, grid);

  let spaces;
  try {
    spaces = (await getSpaces(site, ctx.site && ctx.site.siteId)).filter((s) => !isRetired(s));
  } catch (err) {
    if (!alive()) return;
    spacesHolder.replaceChildren();
    // The venue's own page can still show its spaces, if the directory gives its address.
    const web = safeWebUrl(site.webUrl);
    const link = web ? { href: new URL(`#/venue/${encodeURIComponent(site.siteId)}`, web).href, text: t('venues.website') } : null;
    showMessage(t('venue.unreachable', { venue: venueName, detail: err.message || String(err) }), 'error', link);
    return;
  }
  if (!alive()) return;
  if (!spaces.length) {
    spacesHolder.replaceChildren(h('p', {}, t('venue.noSpaces')));
    return;
  }

  const state = {
    space: spaces.find((s) => s.spaceId === params.get('space')) ||
      spaces.find((s) => s.kind === 'SPACE_KIND_DESK_POOL') || spaces[0],
    from: parseIsoDay(params.get('from')) || todayIn(site.timeZone),
    selected: null, // the chosen SlotAvailability
    slots: [],
  };

  const list = h('ul', { class: 'spaces-list', id: 'spaces-list', testid: 'spaces-list' });
  const chooseButtons = new Map();
  for (const space of spaces) {
    const id = space.spaceId;
    const kind = space.kind === 'SPACE_KIND_MEETING_ROOM' ? t('venue.meetingRoom') : t('venue.deskPool');
    const visitor = space.visitorPricePerSlot && space.visitorPricePerSlot.currencyCode ? space.visitorPricePerSlot : null;
    const button = h('button', { type: 'button', id: `choose-${id}`, testid: `choose-${id}`, onclick: () => choose(space) });
    chooseButtons.set(id, button);
    list.append(
      h(
        'li',
        { class: 'space card', id: `space-${id}`, testid: `space-${id}` },
        h('h3', {}, space.displayName || id),
        h('p', { class: 'muted' }, `${kind} · ${t('venue.seats', { count: space.seats ?? 0 })}`),
        space.description ? h('p', {}, space.description) : null,
        h('p', { class: 'price', id: `space-price-${id}`, testid: `space-price-${id}` }, t('venue.price', { price: formatMoney(space.pricePerSlot) })),
        visitor ? h('p', { class: 'muted' }, t('venue.visitorPrice', { price: formatMoney(visitor) })) : null,
        button,
      ),
    );
  }
  spacesHolder.replaceChildren(list);

  function markChosen() {
    for (const [id, button] of chooseButtons) {
      const on = id === state.space.spaceId;
      button.textContent = on ? t('venue.chosen') : t('venue.choose');
      button.setAttribute('aria-pressed', String(on));
    }
  }

  // Keep space and first day in the address so a reload shows the same week.
  function remember() {
    const q = new URLSearchParams({ space: state.space.spaceId, from: isoDay(state.from) });
    history.replaceState(null, '', `${location.pathname}${location.search}#/venue/${encodeURIComponent(site.siteId)}?${q}`);
  }

  function choose(space) {
    state.space = space;
    state.selected = null;
    markChosen();
    loadAvailability();
  }

  // Grid controls and the booking panel, rebuilt with each week.
  const fromInput = h('input', { type: 'date', id: 'availability-from', testid: 'availability-from', required: true });
  const bookButton = h('button', { type: 'button', id: 'book-submit', testid: 'book-submit', class: 'primary', disabled: true, onclick: book });
  const selectedText = h('p', { id: 'selected-slot', testid: 'selected-slot' });
  const days = h('div', { class: 'days' });
  const heading = h('h2', {});

  grid.append(
    heading,
    h(
      'form',
      { class: 'inline', onsubmit: (e) => { e.preventDefault(); const d = parseIsoDay(fromInput.value); if (d) { state.from = d; loadAvailability(); } } },
      h('label', { for: 'availability-from' }, t('venue.fromDay')),
      fromInput,
      h('button', { type: 'submit', id: 'availability-show', testid: 'availability-show' }, t('venue.show')),
      h('button', { type: 'button', id: 'availability-prev', testid: 'availability-prev', onclick: () => { state.from = addDays(state.from, -DAYS); loadAvailability(); } }, t('venue.previous')),
      h('button', { type: 'button', id: 'availability-next', testid: 'availability-next', onclick: () => { state.from = addDays(state.from, DAYS); loadAvailability(); } }, t('venue.next')),
    ),
    days,
    h('div', { class: 'book-panel' }, selectedText, bookButton),
  );

  function describe(slot) {
    return `${civilRange(slot.start, slot.end)} (${t('venue.venueTime', { time: '', venue: place }).trim()}) · ${t('venue.yourTime', { time: instantRange(slot.startTime, slot.endTime) })}`;
  }

  function renderPanel() {
    const session = getSession();
    bookButton.textContent = t('venue.book');
    bookButton.disabled = !state.selected;
    selectedText.replaceChildren(state.selected ? t('venue.selected', { when: describe(state.selected.slot) }) : t('venue.pick'));
    if (!session) {
      selectedText.append(
        h('br'),
        h('span', { class: 'muted' }, t('venue.signinToBook'), ' '),
        h('a', { href: '#/signin', id: 'book-signin-link', testid: 'book-signin-link' }, t('venue.signinLink')),
      );
    }
  }

  function renderDays() {
    const now = Date.now();
    days.replaceChildren();
    for (let i = 0; i < DAYS; i++) {
      const day = addDays(state.from, i);
      const iso = isoDay(day);
      const column = h('div', { class: 'day', id: `day-${iso}`, testid: `day-${iso}` }, h('h3', {}, civilDayLabel(day)));
      const slots = state.slots.filter((s) => s.slot && s.slot.day && isoDay(s.slot.day) === iso);
      if (!slots.length) column.append(h('p', { class: 'muted' }, t('venue.closed')));
      for (const s of slots) {
        const slot = s.slot;
        const index = slot.index ?? 0;
        const past = Date.parse(slot.startTime) <= now;
        const free = s.seatsFree ?? 0;
        const chosen = state.selected === s;
        const status = past ? t('venue.past') : free > 0 ? t('venue.seatsFree', { free, total: s.seatsTotal ?? 0 }) : t('venue.full');
        column.append(
          h(
            'button',
            {
              type: 'button',
              class: `slot${chosen ? ' chosen' : ''}`,
              id: `slot-${iso}-${index}`,
              testid: `slot-${iso}-${index}`,
              'aria-pressed': String(chosen),
              disabled: past || free <= 0,
              'data-seats-free': String(free),
              onclick: () => { state.selected = s; renderDays(); renderPanel(); },
            },
            h('span', { class: 'venue-time' }, t('venue.venueTime', { time: `${civilTime(slot.start)}–${civilTime(slot.end)}`, venue: place })),
            h('span', { class: 'member-time' }, t('venue.yourTime', { time: instantRange(slot.startTime, slot.endTime) })),
            h('span', { class: 'seats' }, status),
          ),
        );
      }
      days.append(column);
    }
  }

  async function loadAvailability() {
    fromInput.value = isoDay(state.from);
    heading.textContent = t('venue.availability', { space: state.space.displayName || state.space.spaceId });
    grid.dataset.spaceId = state.space.spaceId;
    remember();
    const wanted = `${state.space.spaceId}/${isoDay(state.from)}`;
    grid.setAttribute('aria-busy', 'true');
    state.slots = [];
    renderDays();
    renderPanel();
    try {
      const answer = await getAvailability(site.siteId, state.space.spaceId, state.from, addDays(state.from, DAYS - 1));
      if (!alive() || wanted !== `${state.space.spaceId}/${isoDay(state.from)}`) return;
      state.slots = answer.slots || [];
      state.selected = null;
      renderDays();
      renderPanel();
    } catch (err) {
      if (alive()) showError(err, venueName);
    } finally {
      grid.removeAttribute('aria-busy');
    }
  }

  async function book() {
    const chosen = state.selected;
    if (!chosen) return;
    const session = getSession();
    if (!session) {
      showMessage(t('venue.signinToBook'), 'error', { href: '#/signin', text: t('venue.signinLink') });
      return;
    }
    const slot = chosen.slot;
    const request = {
      siteId: site.siteId,
      spaceId: state.space.spaceId,
      start: slot.start,
      end: slot.end,
      seats: 1,
    };
    request.idempotencyKey = attemptKey(JSON.stringify([session.memberId, request]));
    bookButton.disabled = true;
    bookButton.textContent = t('venue.booking');
    clearMessage();
    try {
      const booking = await createBooking(request);
      endAttempt();
      if (!alive()) return;
      showMessage(
        t('venue.booked', { space: state.space.displayName || state.space.spaceId, when: describe(booking.start && booking.startTime ? booking : slot) }),
        'info',
        { href: '#/itinerary', text: t('nav.itinerary') },
      );
      await loadAvailability();
    } catch (err) {
      if (!alive()) return;
      const text = errorText(err, venueName);
      const retry = err.network || err.httpStatus >= 500 ? ` ${t('venue.retry')}` : '';
      showMessage(text + retry, 'error', err.httpStatus === 401 ? { href: '#/signin', text: t('nav.signin') } : null);
      renderPanel();
    }
  }

  markChosen();
  await loadAvailability();
}
