// The network's events board, filtered by city, tag and dates, fifty at a time.
import { t } from '../i18n.js';
import { h, showError } from '../dom.js';
import { cancelRsvp, createRsvp, listAttendees, listEvents, listRsvps, siteCalendarPath } from '../api.js';
import { BOOKING, tokenFor } from '../session.js';
import { civilRange, instantRange, parseIsoDay, zoneCity } from '../time.js';

export async function renderEvents(section, ctx, { params, alive }) {
  section.append(h('h1', {}, t('events.title')));

  const cities = [...new Set(ctx.sites.map((s) => s.city).filter(Boolean))].sort();
  const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const city = h(
    'select',
    { id: 'events-city', testid: 'events-city', name: 'city' },
    h('option', { value: '' }, t('events.anyCity')),
    cities.map((c) => h('option', { value: c }, c)),
  );
  const tag = h('input', { type: 'text', id: 'events-tag', testid: 'events-tag', name: 'tag', autocomplete: 'off' });
  const from = h('input', { type: 'date', id: 'events-from', testid: 'events-from', name: 'from' });
  const to = h('input', { type: 'date', id: 'events-to', testid: 'events-to', name: 'to' });
  city.value = params.get('city') || '';
  tag.value = params.get('tag') || '';
  from.value = params.get('from') || '';
  to.value = params.get('to') || '';

  const form = h(
    'form',
    { class: 'filters', id: 'events-filter', testid: 'events-filter', 'aria-label': t('events.filters') },
    field('events-city', t('events.city'), city),
    field('events-tag', t('events.tag'), tag),
    field('events-from', t('events.from'), from),
    field('events-to', t('events.to'), to),
    h('button', { type: 'submit', id: 'events-filter-submit', testid: 'events-filter-submit' }, t('events.apply')),
  );
  const list = h('ul', { class: 'events', id: 'events-list', testid: 'events-list' });
  const empty = h('p', { hidden: true }, t('events.none'));
  const more = h('button', { type: 'button', id: 'events-more', testid: 'events-more', hidden: true }, t('events.more'));
  section.append(form, empty, list, more);

  function row(e) {
    const cancelled = e.state === 'EVENT_STATE_CANCELLED';
    const host = ctx.siteById(e.hostSiteId);
    const place = e.city || (host && host.city) || zoneCity(e.timeZone);
    return h(
      'li',
      { class: `card event${cancelled ? ' cancelled' : ''}`, id: `event-${e.eventId}`, testid: `event-${e.eventId}`, 'data-state': e.state || '' },
      h('h2', {}, e.title || e.eventId, cancelled ? h('span', { class: 'badge badge-cancelled', id: `event-state-${e.eventId}`, testid: `event-state-${e.eventId}` }, t('events.cancelled')) : null),
      h('p', { class: 'muted' }, t('events.host', { venue: ctx.siteName(e.hostSiteId), city: place })),
      h(
        'p',
        {},
        e.start && e.end ? `${civilRange(e.start, e.end)} (${t('venue.venueTime', { time: '', venue: place }).trim()})` : '',
        h('br'),
        h('span', { class: 'muted' }, t('venue.yourTime', { time: instantRange(e.startTime, e.endTime) })),
      ),
      e.description ? h('p', { class: 'description' }, e.description) : null,
      e.tags && e.tags.length ? h('p', { class: 'tags' }, t('events.tags'), ' ', e.tags.map((x, i) => [i ? ' ' : '', h('span', { class: 'tag' }, x)])) : null,
      e.capacity ? h('p', {}, t('events.capacity', { count: e.capacity })) : null,
      h('p', {}, h('a', { href: siteCalendarPath(e.hostSiteId), id: `event-calendar-${e.eventId}`, testid: `event-calendar-${e.eventId}`, download: `${e.hostSiteId}.ics` }, t('calendar.programme', { venue: ctx.siteName(e.hostSiteId) }))),
      rsvpSlot(e),
      attendeesSlot(e),
    );
  }

  // Those going who show it in their profile, asked of the host on request.
  function attendeesSlot(e) {
    const names = h('ul', { class: 'attendees', id: `attendees-${e.eventId}`, testid: `attendees-${e.eventId}`, hidden: true });
    const button = h('button', { type: 'button', id: `attendees-button-${e.eventId}`, testid: `attendees-button-${e.eventId}` }, t('events.whoGoes'));
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const attendees = await listAttendees(e.eventId);
        if (!alive()) return;
        names.replaceChildren(
          ...(attendees.length
            ? attendees.map((a) => h('li', {}, a.displayName || a.memberId, ' · ', ctx.siteName(a.homeSiteId)))
            : [h('li', { class: 'muted' }, t('events.noneShown'))]),
        );
        names.hidden = false;
      } catch (err) {
        if (alive()) showError(err, ctx.siteName(e.hostSiteId));
      } finally {
        button.disabled = false;
      }
    });
    return h('div', { class: 'attendees-slot' }, button, names);
  }

  // The member's RSVPs, by event id: asked once of each host shown (through this node, which
  // forwards to the host), since who attends is kept at the host only.
  const rsvps = new Map();
  const hostsAsked = new Map();
  function rsvpsAt(hostSiteId) {
    if (!hostsAsked.has(hostSiteId)) {
      hostsAsked.set(
        hostSiteId,
        listRsvps(hostSiteId).then(
          (list) => list.forEach((r) => rsvps.set(r.eventId, r)),
          () => {}, // An unreachable host: its events show no RSVP, and RSVPing says why.
        ),
      );
    }
    return hostsAsked.get(hostSiteId);
  }

  function rsvpSlot(e) {
    const slot = h('div', { class: 'rsvp-slot', id: `rsvp-${e.eventId}`, testid: `rsvp-${e.eventId}` });
    fillRsvp(slot, e);
    if (tokenFor(BOOKING)) rsvpsAt(e.hostSiteId).then(() => alive() && fillRsvp(slot, e));
    return slot;
  }

  function fillRsvp(slot, e) {
    const rsvp = rsvps.get(e.eventId);
    const state = rsvp ? rsvp.state : '';
    const holds = state === 'RSVP_STATE_GOING' || state === 'RSVP_STATE_WAITLISTED';
    const waiting = e.waitlistCount || 0;
    const parts = [
      h('p', { class: 'muted', id: `rsvp-count-${e.eventId}`, testid: `rsvp-count-${e.eventId}` },
        t('events.going', { going: e.goingCount || 0, capacity: e.capacity || 0 }),
        waiting ? ` · ${t('events.waiting', { count: waiting })}` : ''),
    ];
    if (holds) {
      parts.push(h('p', { class: 'rsvp-state', id: `rsvp-state-${e.eventId}`, testid: `rsvp-state-${e.eventId}`, 'data-state': state },
        state === 'RSVP_STATE_GOING' ? t('events.youGo') : t('events.youWait', { position: rsvp.waitlistPosition || 0 })));
    }
    const open = e.state !== 'EVENT_STATE_CANCELLED';
    if (!tokenFor(BOOKING)) {
      if (open) parts.push(h('p', { class: 'muted' }, t('events.signInToRsvp')));
    } else if (holds || open) {
      const button = h('button', { type: 'button', id: `rsvp-button-${e.eventId}`, testid: `rsvp-button-${e.eventId}` },
        holds ? t('events.rsvpCancel') : t('events.rsvpGo'));
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          const answer = holds ? await cancelRsvp(e.eventId) : await createRsvp(e.eventId);
          rsvps.set(e.eventId, answer);
          if (answer.event) Object.assign(e, answer.event);
        } catch (err) {
          if (alive()) showError(err, ctx.siteName(e.hostSiteId));
        } finally {
          if (alive()) fillRsvp(slot, e);
        }
      });
      parts.push(button);
    }
    slot.replaceChildren(...parts);
  }

  let pageToken = '';
  let filters = {};
  let generation = 0;
  async function load(reset) {
    const mine = reset ? ++generation : generation;
    if (reset) {
      pageToken = '';
      filters = { city: city.value, tag: tag.value.trim(), fromDay: parseIsoDay(from.value), toDay: parseIsoDay(to.value) };
      list.replaceChildren();
      empty.hidden = true;
      more.hidden = true;
    }
    more.disabled = true;
    try {
      const answer = await listEvents({ ...filters, pageToken });
      if (!alive() || mine !== generation) return;
      for (const e of answer.events || []) list.append(row(e));
      pageToken = answer.nextPageToken || '';
      more.hidden = !pageToken;
      empty.hidden = list.children.length > 0;
    } catch (err) {
      if (alive()) showError(err);
    } finally {
      more.disabled = false;
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    // Keep the filters in the address (without a re-render) so a reload or link keeps them.
    const q = new URLSearchParams();
    for (const [k, v] of [['city', city.value], ['tag', tag.value.trim()], ['from', from.value], ['to', to.value]]) if (v) q.set(k, v);
    history.replaceState(null, '', `${location.pathname}${location.search}#/events${q.toString() ? `?${q}` : ''}`);
    load(true);
  });
  more.addEventListener('click', () => load(false));
  await load(true);
}
