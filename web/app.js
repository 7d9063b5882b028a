// Cantine Network members' app: hash router, top bar and the shared context of the views.
//
// Stable hooks for browser tests (id, and the same value as data-testid unless noted):
//   Top bar:     site-name, nav-venues, nav-itinerary, nav-events, nav-members, nav-profile,
//                nav-signin,
//                member-name, signout, lang-switch
//   Messages:    message (role=status, or role=alert for errors; data-kind="info"|"error"),
//                inside it data-testid message-text and message-link
//   Sign in:     signin-form, signin-home (select; option values are site ids), signin-email,
//                signin-password, signin-submit, signin-return-note, signin-continue
//   Venues:      venues-list, venue-<site_id> (list item), venue-open-<site_id> (link to
//                #/venue/<site_id>), venue-web-<site_id> (link to the venue's own page),
//                venue-time-<site_id>
//   Venue:       venue-title, spaces-list, space-<space_id> (row), choose-<space_id> (button
//                that shows its availability; the first desk pool is shown on arrival),
//                space-price-<space_id>, availability (section, data-space-id), availability-from
//                (date input), availability-show, availability-prev, availability-next,
//                day-<YYYY-MM-DD> (column), slot-<YYYY-MM-DD>-<index> (slot button,
//                aria-pressed when chosen, disabled when full or past), selected-slot,
//                book-submit, book-signin-link
//   Itinerary:   itinerary-list, booking-<booking_id> (row, data-state=<state>),
//                booking-state-<booking_id>, cancel-<booking_id>, itinerary-more
//   Events:      events-filter (form), events-city, events-tag, events-from, events-to,
//                events-filter-submit, events-list, event-<event_id> (row, data-state),
//                event-state-<event_id>, rsvp-<event_id> (the RSVP box), rsvp-count-<event_id>,
//                rsvp-state-<event_id> (data-state=<RSVP state>), rsvp-button-<event_id>,
//                events-more, event-calendar-<event_id> (the host's programme, iCalendar),
//                attendees-button-<event_id>, attendees-<event_id> (the list shown)
//   Co-workers:  members-filter (form), members-name, members-skill, members-city,
//                members-filter-submit, members-list, member-<member_id> (card), members-none,
//                members-more
//   Profile:     profile-form, profile-display-name, profile-email, profile-bio, profile-city,
//                profile-skills, profile-links, profile-visible-PROFILE_FIELD_BIO (…_SKILLS,
//                …_CITY, …_LINKS, …_ATTENDANCE) checkboxes, profile-save, profile-readonly, profile-edit-home,
//                calendar-feed (card), calendar-feed-show, calendar-feed-url, calendar-feed-revoke
import { getLang, setLang, t } from './i18n.js';
import { getMember, getSite, getSites, onUnauthorized } from './api.js';
import { clearSession, getSession, onSessionChange, setSession, updateSession, BOOKING } from './session.js';
import { clearMessage, showError, showMessage, h } from './dom.js';
import { renderVenues } from './views/venues.js';
import { renderVenue } from './views/venue.js';
import { renderItinerary } from './views/itinerary.js';
import { renderEvents } from './views/events.js';
import { renderMembers } from './views/members.js';
import { renderProfile } from './views/profile.js';
import { renderSignin } from './views/signin.js';

const ctx = {
  site: null, // this node's Site
  sites: [], // every site of the network
  siteById: (id) => ctx.sites.find((s) => s.siteId === id) || (ctx.site && ctx.site.siteId === id ? ctx.site : null),
  siteName: (id) => (ctx.siteById(id) || {}).displayName || id,
  flash: null, // a message to show after the next navigation
  navigate(hash, flash = null) {
    ctx.flash = flash;
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  refreshTopbar: () => renderTopbar(),
};

// "#/venue/paris?x=1" → {parts: ['venue', 'paris'], params}
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const cut = raw.indexOf('?');
  const path = cut < 0 ? raw : raw.slice(0, cut);
  const search = cut < 0 ? '' : raw.slice(cut + 1);
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
}

// A page signed in by the member's home venue arrives as #/itinerary?session=…&member=…:
// keep the booking token and take it out of the address bar at once.
function acceptHandoff() {
  const { parts, params } = parseHash();
  const token = params.get('session');
  const memberId = params.get('member');
  if (!token || !memberId) return false;
  setSession({ memberId, token, expireTime: '', homeSiteId: '', scopes: [BOOKING] });
  history.replaceState(null, '', `${location.pathname}${location.search}#/${parts[0] || 'itinerary'}`);
  return true;
}

// The member's name (and home) for the top bar, fetched once per session.
async function loadMemberName() {
  const session = getSession();
  if (!session || session.displayName) return;
  try {
    const member = await getMember(session.memberId);
    updateSession({ displayName: member.displayName || '', homeSiteId: session.homeSiteId || member.homeSiteId || '' });
  } catch {
    // The name is a nicety; the views report real errors.
  }
}

function renderTopbar() {
  document.documentElement.lang = getLang();
  document.title = ctx.site ? `${ctx.site.displayName} · ${t('app.title')}` : t('app.title');
  document.getElementById('network-name').textContent = t('app.title');
  document.getElementById('site-name').textContent = ctx.site ? ctx.site.displayName : '';
  document.getElementById('nav').setAttribute('aria-label', t('nav.label'));
  for (const name of ['venues', 'itinerary', 'events', 'members', 'profile', 'signin']) {
    document.getElementById(`nav-${name}`).textContent = t(`nav.${name}`);
  }
  const session = getSession();
  const current = parseHash().parts[0] || 'venues';
  for (const a of document.querySelectorAll('#nav a')) {
    const here = a.id === `nav-${current === 'venue' ? 'venues' : current}`;
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.getElementById('nav-signin').hidden = Boolean(session);
  document.getElementById('nav-itinerary').hidden = !session;
  document.getElementById('nav-profile').hidden = !session;
  const signout = document.getElementById('signout');
  signout.hidden = !session;
  signout.textContent = t('nav.signout');
  document.getElementById('member-name').textContent = session
    ? t('signedInAs', { name: session.displayName || session.memberId })
    : '';
  const lang = document.getElementById('lang-switch');
  lang.textContent = t('lang.switch');
  lang.setAttribute('aria-label', t('lang.switchLabel'));
  lang.setAttribute('lang', getLang() === 'fr' ? 'en' : 'fr');
}

const VIEWS = {
  venues: renderVenues,
  venue: renderVenue,
  itinerary: renderItinerary,
  events: renderEvents,
  members: renderMembers,
  profile: renderProfile,
  signin: renderSignin,
};

async function route() {
  if (acceptHandoff()) {
    ctx.flash = { text: t('signin.handoff') };
    loadMemberName();
  }
  const { parts, params } = parseHash();
  const name = parts[0] || 'venues';
  renderTopbar();
  if (ctx.flash) {
    showMessage(ctx.flash.text, ctx.flash.kind || 'info', ctx.flash.link);
    ctx.flash = null;
  } else {
    clearMessage();
  }
  const main = document.getElementById('view');
  // Each navigation renders into a fresh section; late answers for an old one land nowhere.
  const section = h('section', { class: `view view-${name}`, 'aria-busy': 'true' });
  main.replaceChildren(section);
  const view = VIEWS[name];
  if (!view) {
    section.append(h('h1', {}, t('notFound')));
    section.removeAttribute('aria-busy');
    return;
  }
  try {
    await view(section, ctx, { parts, params, alive: () => section.isConnected });
  } catch (err) {
    if (section.isConnected) showError(err);
  } finally {
    section.removeAttribute('aria-busy');
  }
}

async function start() {
  setLang(getLang());
  onSessionChange(() => renderTopbar());
  onUnauthorized(() => {
    ctx.flash = null;
    showMessage(t('signin.expired'), 'error', { href: '#/signin', text: t('nav.signin') });
  });
  document.getElementById('signout').addEventListener('click', () => {
    clearSession();
    ctx.navigate('#/venues', { text: t('signin.signedOut') });
  });
  document.getElementById('lang-switch').addEventListener('click', () => {
    setLang(getLang() === 'fr' ? 'en' : 'fr');
    route();
  });
  window.addEventListener('hashchange', route);
  renderTopbar();
  try {
    [ctx.site, ctx.sites] = await Promise.all([getSite(), getSites()]);
  } catch (err) {
    showError(err);
  }
  await route();
  await loadMemberName();
}

start();
