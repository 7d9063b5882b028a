// The member's profile: editable at the home venue (account token), read-only elsewhere.
import { t } from '../i18n.js';
import { h, safeLink, showError, showMessage } from '../dom.js';
import { getCalendarFeed, getMember, revokeCalendarFeed, safeWebUrl, updateMember } from '../api.js';
import { getSession, hasAccountToken, updateSession } from '../session.js';

const FIELDS = ['PROFILE_FIELD_BIO', 'PROFILE_FIELD_SKILLS', 'PROFILE_FIELD_CITY', 'PROFILE_FIELD_LINKS', 'PROFILE_FIELD_ATTENDANCE'];

const splitList = (text, separator) => text.split(separator).map((s) => s.trim()).filter(Boolean);

export async function renderProfile(section, ctx, { alive }) {
  section.append(h('h1', {}, t('profile.title')));
  const session = getSession();
  if (!session) {
    showMessage(t('signin.needed'), 'error', { href: '#/signin', text: t('nav.signin') });
    return;
  }
  let member;
  try {
    member = await getMember(session.memberId);
  } catch (err) {
    if (alive()) showError(err);
    return;
  }
  if (!alive()) return;
  const homeId = member.homeSiteId || session.homeSiteId;
  const atHome = Boolean(ctx.site) && homeId === ctx.site.siteId && hasAccountToken();
  if (atHome) {
    renderForm(section, member, ctx);
    renderCalendarFeed(section, member);
  } else {
    renderReadOnly(section, member, ctx, homeId);
  }
}

// The secret address a calendar app subscribes to: shown on request, revocable.
function renderCalendarFeed(section, member) {
  const url = h('input', { type: 'text', id: 'calendar-feed-url', testid: 'calendar-feed-url', readonly: true, hidden: true });
  const show = h('button', { type: 'button', id: 'calendar-feed-show', testid: 'calendar-feed-show', class: 'primary' }, t('calendar.show'));
  const revoke = h('button', { type: 'button', id: 'calendar-feed-revoke', testid: 'calendar-feed-revoke', hidden: true }, t('calendar.revoke'));
  const run = async (button, work) => {
    button.disabled = true;
    try {
      await work();
    } catch (err) {
      showError(err);
    } finally {
      button.disabled = false;
    }
  };
  show.addEventListener('click', () =>
    run(show, async () => {
      const feed = await getCalendarFeed(member.memberId);
      url.value = feed.url || '';
      url.hidden = false;
      revoke.hidden = false;
      url.select();
    }));
  revoke.addEventListener('click', () =>
    run(revoke, async () => {
      await revokeCalendarFeed(member.memberId);
      url.value = '';
      url.hidden = true;
      revoke.hidden = true;
      showMessage(t('calendar.revoked'), 'info');
    }));
  section.append(
    h(
      'div',
      { class: 'card stack', id: 'calendar-feed', testid: 'calendar-feed' },
      h('h2', {}, t('calendar.title')),
      h('p', { class: 'muted' }, t('calendar.explain')),
      url,
      h('p', {}, show, ' ', revoke),
    ),
  );
}

function renderReadOnly(section, member, ctx, homeId) {
  const home = ctx.siteById(homeId);
  const homeName = ctx.siteName(homeId);
  const web = home ? safeWebUrl(home.webUrl) : '';
  const value = (v) => (v && (!Array.isArray(v) || v.length) ? v : t('profile.none'));
  section.append(
    h(
      'div',
      { class: 'card', id: 'profile-readonly', testid: 'profile-readonly' },
      h('p', {}, t('profile.readOnly', { venue: homeName })),
      web ? h('p', {}, h('a', { href: new URL('#/profile', web).href, id: 'profile-edit-home', testid: 'profile-edit-home', rel: 'noopener' }, t('profile.editAtHome', { venue: homeName }))) : null,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('profile.displayName')), h('dd', {}, value(member.displayName)),
        h('dt', {}, t('profile.homeLabel')), h('dd', {}, homeName),
        h('dt', {}, t('profile.bio')), h('dd', { class: 'prewrap' }, value(member.bio)),
        h('dt', {}, t('profile.city')), h('dd', {}, value(member.city)),
        h('dt', {}, t('profile.field.PROFILE_FIELD_SKILLS')), h('dd', {}, value((member.skills || []).join(', '))),
        h('dt', {}, t('profile.field.PROFILE_FIELD_LINKS')),
        h('dd', {}, (member.links || []).length ? h('ul', {}, member.links.map((l) => h('li', {}, safeLink(l, l, { rel: 'noopener nofollow' })))) : t('profile.none')),
      ),
    ),
  );
}

function renderForm(section, member, ctx) {
  const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const name = h('input', { type: 'text', id: 'profile-display-name', testid: 'profile-display-name', value: member.displayName || '', required: true, autocomplete: 'name' });
  const email = h('input', { type: 'email', id: 'profile-email', testid: 'profile-email', value: member.email || '', readonly: true });
  const bio = h('textarea', { id: 'profile-bio', testid: 'profile-bio', rows: 4 });
  bio.value = member.bio || '';
  const city = h('input', { type: 'text', id: 'profile-city', testid: 'profile-city', value: member.city || '' });
  const skills = h('input', { type: 'text', id: 'profile-skills', testid: 'profile-skills', value: (member.skills || []).join(', ') });
  const links = h('textarea', { id: 'profile-links', testid: 'profile-links', rows: 3 });
  links.value = (member.links || []).join('\n');
  const visible = new Set(member.networkVisibleFields || []);
  const boxes = FIELDS.map((f) =>
    h('input', { type: 'checkbox', id: `profile-visible-${f}`, testid: `profile-visible-${f}`, value: f, checked: visible.has(f) }));
  const save = h('button', { type: 'submit', id: 'profile-save', testid: 'profile-save', class: 'primary' }, t('profile.save'));

  const form = h(
    'form',
    { class: 'card stack', id: 'profile-form', testid: 'profile-form' },
    h('p', { class: 'muted' }, t('profile.home', { venue: ctx.siteName(member.homeSiteId) })),
    field('profile-display-name', t('profile.displayName'), name),
    field('profile-email', t('profile.email'), email),
    field('profile-bio', t('profile.bio'), bio),
    field('profile-city', t('profile.city'), city),
    field('profile-skills', t('profile.skills'), skills),
    field('profile-links', t('profile.links'), links),
    h(
      'fieldset',
      {},
      h('legend', {}, t('profile.visible')),
      boxes.map((box, i) => h('div', { class: 'check' }, box, h('label', { for: box.id }, t(`profile.field.${FIELDS[i]}`)))),
    ),
    save,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      const updated = await updateMember(member.memberId, {
        displayName: name.value.trim(),
        bio: bio.value,
        city: city.value.trim(),
        skills: { values: splitList(skills.value, ',') },
        links: { values: splitList(links.value, /\n/) },
        networkVisibleFields: { fields: boxes.filter((b) => b.checked).map((b) => b.value) },
      });
      updateSession({ displayName: updated.displayName || '' });
      showMessage(t('profile.saved'), 'info');
    } catch (err) {
      showError(err);
    } finally {
      save.disabled = false;
    }
  });
  section.append(form);
}
