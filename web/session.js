// The signed-in member, kept in localStorage.
// {memberId, token, expireTime, homeSiteId, scopes, bookingToken?, bookingExpireTime?, displayName?}
// At the home venue `token` is the ACCOUNT token from sign-in and `bookingToken` a booking-only
// token minted beside it (the booking routes refuse account tokens). A page reached by the
// cross-site hand-off only ever holds a booking token (scopes: ["TOKEN_SCOPE_BOOKING"]).

const KEY = 'cantine.session';
export const ACCOUNT = 'TOKEN_SCOPE_ACCOUNT';
export const BOOKING = 'TOKEN_SCOPE_BOOKING';

const listeners = new Set();

function expired(time) {
  if (!time) return false;
  const at = Date.parse(time);
  return !Number.isNaN(at) && at <= Date.now();
}

export function getSession() {
  let session = null;
  try {
    session = JSON.parse(localStorage.getItem(KEY) || 'null');
  } catch {
    session = null;
  }
  if (!session || !session.memberId || !session.token) return null;
  if (expired(session.expireTime)) {
    localStorage.removeItem(KEY);
    return null;
  }
  return session;
}

export function setSession(session) {
  localStorage.setItem(KEY, JSON.stringify(session));
  listeners.forEach((fn) => fn(session));
}

export function updateSession(changes) {
  const current = getSession();
  if (current) setSession({ ...current, ...changes });
}

export function clearSession() {
  localStorage.removeItem(KEY);
  listeners.forEach((fn) => fn(null));
}

export function onSessionChange(fn) {
  listeners.add(fn);
}

// The token for a call needing `scope`, or '' when this session holds none.
export function tokenFor(scope) {
  const session = getSession();
  if (!session) return '';
  const scopes = session.scopes || [];
  if (scope === BOOKING) {
    if (session.bookingToken && !expired(session.bookingExpireTime)) return session.bookingToken;
    return scopes.includes(BOOKING) ? session.token : '';
  }
  if (scope === ACCOUNT) return scopes.includes(ACCOUNT) ? session.token : '';
  return session.token; // any member token
}

export function hasAccountToken() {
  return tokenFor(ACCOUNT) !== '';
}
