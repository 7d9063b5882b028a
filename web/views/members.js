// The co-workers' directory: the network's members by name, skill or city, as each chose to
// be seen network-wide (any node answers; no email, no field a member keeps at home).
import { t } from '../i18n.js';
import { h, safeLink, showError } from '../dom.js';
import { searchMembers } from '../api.js';

export async function renderMembers(section, ctx, { params, alive }) {
  section.append(h('h1', {}, t('members.title')));
  const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const input = (id, name) => h('input', { type: 'text', id, testid: id, name, value: params.get(name) || '', autocomplete: 'off' });
  const name = input('members-name', 'name');
  const skill = input('members-skill', 'skill');
  const city = input('members-city', 'city');
  const form = h(
    'form',
    { class: 'filters', id: 'members-filter', testid: 'members-filter', 'aria-label': t('members.filters') },
    field('members-name', t('members.name'), name),
    field('members-skill', t('members.skill'), skill),
    field('members-city', t('members.city'), city),
    h('button', { type: 'submit', id: 'members-filter-submit', testid: 'members-filter-submit' }, t('members.search')),
  );
  const list = h('ul', { class: 'members', id: 'members-list', testid: 'members-list' });
  const empty = h('p', { hidden: true, id: 'members-none', testid: 'members-none' }, t('members.none'));
  const more = h('button', { type: 'button', id: 'members-more', testid: 'members-more', hidden: true }, t('members.more'));
  section.append(form, empty, list, more);

  const row = (m) =>
    h(
      'li',
      { class: 'card member', id: `member-${m.memberId}`, testid: `member-${m.memberId}` },
      h('h2', {}, m.displayName || m.memberId),
      h('p', { class: 'muted' }, t('members.home', { venue: ctx.siteName(m.homeSiteId) }), m.city ? ` · ${m.city}` : ''),
      m.bio ? h('p', { class: 'description' }, m.bio) : null,
      m.skills && m.skills.length ? h('p', { class: 'tags' }, m.skills.map((x, i) => [i ? ' ' : '', h('span', { class: 'tag' }, x)])) : null,
      m.links && m.links.length ? h('ul', {}, m.links.map((l) => h('li', {}, safeLink(l, l, { rel: 'noopener nofollow' })))) : null,
    );

  let query = {};
  let pageToken = '';
  let generation = 0;
  async function load(reset) {
    const mine = reset ? ++generation : generation;
    if (reset) {
      query = { name: name.value.trim(), skill: skill.value.trim(), city: city.value.trim() };
      pageToken = '';
      list.replaceChildren();
      empty.hidden = true;
    }
    more.disabled = true;
    try {
      const answer = await searchMembers({ ...query, pageToken });
      if (!alive() || mine !== generation) return;
      list.append(...(answer.members || []).map(row));
      pageToken = answer.nextPageToken || '';
      // A page of few matches may come back short, even empty, with a token to go on.
      more.hidden = !pageToken;
      empty.hidden = Boolean(list.children.length) || Boolean(pageToken);
    } catch (err) {
      if (alive()) showError(err);
    } finally {
      more.disabled = false;
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load(true);
  });
  more.addEventListener('click', () => load(false));
  await load(true);
}
