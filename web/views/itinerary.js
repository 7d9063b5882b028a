// The member's bookings across the whole network, cancellable while confirmed.
import { t } from '../i18n.js';
import { h, showError, showMessage } from '../dom.js';
import { cancelBooking, getSpaces, listBookings } from '../api.js';
import { getSession } from '../session.js';
import { civilRange, formatMoney, instantRange, zoneCity } from '../time.js';

export async function renderItinerary(section, ctx, { alive }) {
  section.append(h('h1', {}, t('itinerary.title')));
  const session = getSession();
  if (!session) {
    showMessage(t('signin.needed'), 'error', { href: '#/signin', text: t('nav.signin') });
    return;
  }
  const list = h('ul', { class: 'bookings', id: 'itinerary-list', testid: 'itinerary-list' });
  const more = h('button', { type: 'button', id: 'itinerary-more', testid: 'itinerary-more', hidden: true }, t('itinerary.more'));
  const empty = h('p', { hidden: true }, t('itinerary.none'));
  section.append(empty, list, more);

  // Space names are known here for this node's venue; elsewhere the id stands in.
  const spaceNames = new Map();
  if (ctx.site) {
    try {
      for (const s of await getSpaces(ctx.site, ctx.site.siteId)) spaceNames.set(`${s.siteId}/${s.spaceId}`, s.displayName);
    } catch {
      // Names are a nicety; ids still say which space.
    }
  }

  function stateText(state) {
    const key = `state.${state}`;
    const text = t(key);
    return text === key ? t('state.unknown') : text;
  }

  function row(b) {
    const site = ctx.siteById(b.siteId);
    const place = (site && site.city) || zoneCity(b.timeZone);
    const li = h('li', { class: 'card booking', id: `booking-${b.bookingId}`, testid: `booking-${b.bookingId}`, 'data-state': b.state || '' });
    const fill = (booking) => {
      const cancellable = booking.state === 'BOOKING_STATE_CONFIRMED';
      li.dataset.state = booking.state || '';
      li.classList.toggle('cancelled', booking.state === 'BOOKING_STATE_CANCELLED');
      li.replaceChildren(
        h('h2', {}, ctx.siteName(booking.siteId), ' · ', spaceNames.get(`${booking.siteId}/${booking.spaceId}`) || booking.spaceId),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, t('itinerary.when')),
          h(
            'dd',
            {},
            booking.start && booking.end ? `${civilRange(booking.start, booking.end)} (${t('venue.venueTime', { time: '', venue: place }).trim()})` : '',
            h('br'),
            h('span', { class: 'muted' }, t('venue.yourTime', { time: instantRange(booking.startTime, booking.endTime) })),
          ),
          h('dt', {}, t('itinerary.price')),
          h('dd', {}, formatMoney(booking.price), ' · ', t('itinerary.seats', { count: booking.seats ?? 1 })),
          h('dt', {}, t('itinerary.state')),
          h('dd', { id: `booking-state-${booking.bookingId}`, testid: `booking-state-${booking.bookingId}`, class: 'state' }, stateText(booking.state)),
        ),
        cancellable
          ? h('button', { type: 'button', id: `cancel-${booking.bookingId}`, testid: `cancel-${booking.bookingId}`, onclick: (e) => cancel(booking, e.currentTarget) }, t('itinerary.cancel'))
          : null,
      );
    };
    async function cancel(booking, button) {
      button.disabled = true;
      try {
        const done = await cancelBooking(booking.bookingId);
        if (!alive()) return;
        fill({ ...booking, ...done });
        showMessage(t('itinerary.cancelled'), 'info');
      } catch (err) {
        if (!alive()) return;
        button.disabled = false;
        showError(err, ctx.siteName(booking.siteId));
      }
    }
    fill(b);
    return li;
  }

  let pageToken = '';
  async function loadPage() {
    more.disabled = true;
    try {
      const answer = await listBookings(session.memberId, pageToken);
      if (!alive()) return;
      const bookings = answer.bookings || [];
      for (const b of bookings) list.append(row(b));
      pageToken = answer.nextPageToken || '';
      more.hidden = !pageToken;
      empty.hidden = list.children.length > 0;
    } catch (err) {
      if (alive()) showError(err);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', loadPage);
  await loadPage();
}
