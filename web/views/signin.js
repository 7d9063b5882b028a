// Sign in. The password only ever goes to the member's home venue: when home is another
// venue we send the member to its page, which signs in and hands a booking-only token back.
import { t } from '../i18n.js';
import { h, showError, showMessage, clearMessage } from '../dom.js';
import { getMember, issueBookingToken, safeWebUrl, signIn } from '../api.js';
import { ACCOUNT, getSession, hasAccountToken, setSession, updateSession } from '../session.js';

// The return URL, if (and only if) its origin is one of the network's venues' web origins.
function trustedReturn(raw, sites) {
  if (!raw) return null;
  let url;
  try {
    url = new URL(raw);
  } catch {
    return { bad: raw };
  }
  const site = sites.find((s) => {
    const web = safeWebUrl(s.webUrl);
    return web && new URL(web).origin === url.origin;
  });
  return site && /^https?:$/.test(url.protocol) ? { url, site } : { bad: url.origin };
}

// Mint a booking-only token and carry it to the venue that asked for the sign-in.
async function handBack(target, memberId) {
  const minted = await issueBookingToken(memberId);
  const url = new URL(target.url.href);
  url.hash = `/itinerary?session=${encodeURIComponent(minted.token)}&member=${encodeURIComponent(memberId)}`;
  location.assign(url.href);
}

export async function renderSignin(section, ctx, { params }) {
  section.append(h('h1', {}, t('signin.title')));
  const here = ctx.site ? ctx.site.siteId : '';
  const sites = ctx.sites.length ? ctx.sites : ctx.site ? [ctx.site] : [];
  const target = trustedReturn(params.get('return'), ctx.sites);
  if (target && target.bad) showMessage(t('signin.badReturn', { origin: target.bad }), 'error');

  const session = getSession();
  if (session) {
    section.append(h('p', {}, t('signin.already', { name: session.displayName || session.memberId })));
    if (target && target.url && hasAccountToken()) {
      const go = h('button', { type: 'button', id: 'signin-continue', testid: 'signin-continue', class: 'primary' },
        t('signin.continueReturn', { venue: target.site.displayName }));
      go.addEventListener('click', async () => {
        go.disabled = true;
        try {
          await handBack(target, session.memberId);
        } catch (err) {
          go.disabled = false;
          showError(err);
        }
      });
      section.append(go);
    }
  }

  const home = h('select', { id: 'signin-home', testid: 'signin-home', name: 'home', required: true },
    sites.map((s) => h('option', { value: s.siteId, selected: s.siteId === here }, s.city ? `${s.displayName} (${s.city})` : s.displayName)));
  if (here && sites.some((s) => s.siteId === here)) home.value = here;
  const email = h('input', { type: 'email', id: 'signin-email', testid: 'signin-email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', id: 'signin-password', testid: 'signin-password', name: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', id: 'signin-submit', testid: 'signin-submit', class: 'primary' });
  const note = h('p', { class: 'muted', id: 'signin-note' });
  const credentials = h('div', { class: 'stack' },
    h('div', { class: 'field' }, h('label', { for: 'signin-email' }, t('signin.email')), email),
    h('div', { class: 'field' }, h('label', { for: 'signin-password' }, t('signin.password')), password));

  const chosen = () => sites.find((s) => s.siteId === home.value) || ctx.site;
  function update() {
    const site = chosen();
    const elsewhere = site && site.siteId !== here;
    // Another home: the credentials are typed on that venue's page, not here.
    credentials.hidden = elsewhere;
    email.required = !elsewhere;
    password.required = !elsewhere;
    submit.textContent = elsewhere ? t('signin.continueAt', { venue: site.displayName }) : t('signin.submit');
    note.textContent = elsewhere ? t('signin.elsewhere', { venue: site.displayName }) : '';
  }
  home.addEventListener('change', update);

  const form = h('form', { class: 'card stack', id: 'signin-form', testid: 'signin-form' },
    h('div', { class: 'field' }, h('label', { for: 'signin-home' }, t('signin.home')), home),
    note, credentials, submit);
  if (target && target.url) {
    form.prepend(h('p', { id: 'signin-return-note', testid: 'signin-return-note' }, t('signin.forReturn', { venue: target.site.displayName })));
  }
  update();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const site = chosen();
    if (!site) return;
    if (site.siteId !== here) {
      const web = safeWebUrl(site.webUrl);
      if (!web) {
        showMessage(t('signin.noWebUrl', { venue: site.displayName }), 'error');
        return;
      }
      const url = new URL(web);
      url.hash = `/signin?return=${encodeURIComponent(`${location.origin}/`)}`;
      location.assign(url.href);
      return;
    }
    submit.disabled = true;
    clearMessage();
    try {
      const answer = await signIn(email.value.trim(), password.value);
      password.value = '';
      setSession({ memberId: answer.memberId, token: answer.token, expireTime: answer.expireTime || '', homeSiteId: here, scopes: [ACCOUNT] });
      // Booking routes take only booking-scope tokens: mint one beside the account token.
      try {
        const booking = await issueBookingToken(answer.memberId);
        updateSession({ bookingToken: booking.token, bookingExpireTime: booking.expireTime || '' });
      } catch (err) {
        showError(err);
      }
      let name = answer.memberId;
      try {
        const member = await getMember(answer.memberId, ACCOUNT);
        name = member.displayName || name;
        updateSession({ displayName: member.displayName || '' });
      } catch {
        // The name is only for the greeting.
      }
      if (target && target.url) {
        await handBack(target, answer.memberId);
        return;
      }
      ctx.navigate('#/itinerary', { text: t('signin.done', { name }) });
    } catch (err) {
      showError(err);
    } finally {
      submit.disabled = false;
    }
  });
  section.append(form);
}
