// The JSON API of this node (/v1/ on the same origin), plus the one cross-origin read we make:
// another venue's spaces at its own web address. Errors come back as ApiError with the API's
// own message, so the views can show it word for word.
import { ACCOUNT, BOOKING, clearSession, tokenFor } from './session.js';
import { t } from './i18n.js';

// How long a call may take before the page reports the venue unreachable: a call to this
// node waits for any call it forwards (30 s at most); a read from another venue's own web
// port answers at once or not at all.
const REQUEST_TIMEOUT_MS = 35000;
const REMOTE_READ_TIMEOUT_MS = 8000;

export class ApiError extends Error {
  constructor(message, { httpStatus = 0, status = '', network = false, local = false } = {}) {
    super(message);
    this.local = local; // raised here, before any call: the message is already for the member
    this.httpStatus = httpStatus; // 404, 503…; 0 when the server was not reached
    this.status = status; // "NOT_FOUND", "UNAVAILABLE"…
    this.network = network;
  }
}

let unauthorizedHandler = () => {};
// Called after a 401 has cleared the session, so the app can ask to sign in again.
export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

async function request(path, { method = 'GET', body, scope = null, base = '' } = {}) {
  const headers = { Accept: 'application/json' };
  let token = '';
  if (scope) {
    token = tokenFor(scope);
    if (!token) {
      throw new ApiError(scope === ACCOUNT ? t('signin.needAccount') : t('signin.needed'), {
        httpStatus: 401,
        status: 'UNAUTHENTICATED',
        local: true,
      });
    }
    headers.Authorization = `Bearer ${token}`;
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: base ? 'omit' : 'same-origin',
      // A venue that does not answer is reported, not waited on forever.
      signal: AbortSignal.timeout(base ? REMOTE_READ_TIMEOUT_MS : REQUEST_TIMEOUT_MS),
    });
  } catch (e) {
    throw new ApiError(e && e.message ? e.message : String(e), { network: true });
  }
  let data = null;
  const text = await response.text();
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = null;
  }
  if (!response.ok) {
    const err = data && data.error ? data.error : {};
    const message = err.message || (text && !data ? text.trim().slice(0, 300) : response.statusText) || `HTTP ${response.status}`;
    if (response.status === 401 && token) {
      clearSession();
      unauthorizedHandler();
    }
    throw new ApiError(message, { httpStatus: response.status, status: err.status || '' });
  }
  if (data === null) throw new ApiError(`not JSON from ${path}`, { httpStatus: response.status });
  return data;
}

// "a=1&b.c=2" from a flat object; empty values left out.
function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

function dayParams(prefix, d) {
  return d ? { [`${prefix}.year`]: d.year, [`${prefix}.month`]: d.month, [`${prefix}.day`]: d.day } : {};
}

const seg = encodeURIComponent;

// Only http(s) addresses are ever linked or fetched.
export function safeWebUrl(url) {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return '';
  try {
    return new URL(url).href;
  } catch {
    return '';
  }
}

export const getSite = () => request('/v1/site');
export const getSites = () => request('/v1/sites').then((r) => r.sites || []);

// The spaces of `site`: here from /v1/spaces, elsewhere from the venue's own page (no token).
export function getSpaces(site, thisSiteId) {
  if (site.siteId === thisSiteId) return request('/v1/spaces').then((r) => r.spaces || []);
  const base = safeWebUrl(site.webUrl);
  if (!base) return Promise.reject(new ApiError(t('venue.noWebUrl'), { network: true }));
  const url = new URL('v1/spaces', base.endsWith('/') ? base : `${base}/`);
  return request(url.pathname + url.search, { base: url.origin }).then((r) => r.spaces || []);
}

export const getAvailability = (siteId, spaceId, firstDay, lastDay) =>
  request(
    `/v1/sites/${seg(siteId)}/spaces/${seg(spaceId)}/availability` +
      query({ ...dayParams('first_day', firstDay), ...dayParams('last_day', lastDay) }),
  );

export const createBooking = (booking) => request('/v1/bookings', { method: 'POST', body: booking, scope: BOOKING });

export const listBookings = (memberId, pageToken) =>
  request('/v1/bookings' + query({ member_id: memberId, page_token: pageToken }), { scope: BOOKING });

export const cancelBooking = (bookingId) =>
  request(`/v1/bookings/${seg(bookingId)}:cancel`, { method: 'POST', body: {}, scope: BOOKING });

// The co-workers' directory, which any node answers without a token.
export const searchMembers = ({ name, skill, city, pageToken }) =>
  request('/v1/members' + query({ name, skill, city, page_token: pageToken }));

export const listEvents = ({ city, tag, fromDay, toDay, pageToken }) =>
  request(
    '/v1/events' +
      query({
        city,
        tag,
        ...dayParams('from_day', fromDay),
        ...dayParams('to_day', toDay),
        include_cancelled: 'true', // cancelled events are shown, marked as such
        page_size: 50,
        page_token: pageToken,
      }),
  );

// A member's RSVPs are taken, given up and listed at the event's host, through this node.
export const createRsvp = (eventId) => request(`/v1/events/${seg(eventId)}/rsvps`, { method: 'POST', body: {}, scope: BOOKING });

export const cancelRsvp = (eventId) =>
  request(`/v1/events/${seg(eventId)}/rsvps:cancel`, { method: 'POST', body: {}, scope: BOOKING });

export const listRsvps = (hostSiteId) =>
  request(`/v1/sites/${seg(hostSiteId)}/rsvps` + query({ page_size: 200 }), { scope: BOOKING }).then((r) => r.rsvps || []);

// Calendars: a member's secret feed address, made and revoked at the home with the ACCOUNT
// token; a site's programme, which any node serves.
export const getCalendarFeed = (memberId) =>
  request(`/v1/members/${seg(memberId)}/calendarFeed`, { method: 'POST', body: {}, scope: ACCOUNT });

export const revokeCalendarFeed = (memberId) =>
  request(`/v1/members/${seg(memberId)}/calendarFeed:revoke`, { method: 'POST', body: {}, scope: ACCOUNT });

export const siteCalendarPath = (siteId) => `/v1/sites/${seg(siteId)}/calendar.ics`;

// Who goes to an event among those whose profile shows it, from its host through this node.
export const listAttendees = (eventId) =>
  request(`/v1/events/${seg(eventId)}/attendees` + query({ page_size: 200 })).then((r) => r.attendees || []);

export const signIn = (email, password) => request('/v1/signIn', { method: 'POST', body: { email, password } });

// A booking-only token, minted with the ACCOUNT token.
export const issueBookingToken = (memberId) =>
  request(`/v1/members/${seg(memberId)}/tokens`, { method: 'POST', body: { scopes: [BOOKING] }, scope: ACCOUNT });

// With the account token at home (email included), else with whatever token we hold.
export const getMember = (memberId, scope = null) =>
  request(`/v1/members/${seg(memberId)}`, { scope: scope || (tokenFor(ACCOUNT) ? ACCOUNT : 'any') });

export const updateMember = (memberId, changes) =>
  request(`/v1/members/${seg(memberId)}`, { method: 'PATCH', body: changes, scope: ACCOUNT });
