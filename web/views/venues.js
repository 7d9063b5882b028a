// Every venue of the network, with its local time and a way to its spaces.
import { t } from '../i18n.js';
import { h, safeLink } from '../dom.js';
import { safeWebUrl } from '../api.js';
import { nowIn } from '../time.js';

export async function renderVenues(section, ctx) {
  section.append(h('h1', {}, t('venues.title')));
  const sites = ctx.sites.length ? ctx.sites : ctx.site ? [ctx.site] : [];
  if (!sites.length) {
    section.append(h('p', {}, t('venues.none')));
    return;
  }
  const list = h('ul', { class: 'cards', id: 'venues-list', testid: 'venues-list' });
  for (const site of sites) {
    const id = site.siteId;
    const web = safeWebUrl(site.webUrl);
    const here = ctx.site && ctx.site.siteId === id;
    list.append(
      h(
        'li',
        { class: 'card', id: `venue-${id}`, testid: `venue-${id}` },
        h('h2', {}, safeLink(`#/venue/${encodeURIComponent(id)}`, site.displayName || id, { id: `venue-open-${id}`, 'data-testid': `venue-open-${id}` })),
        here ? h('span', { class: 'badge' }, t('venues.thisNode')) : null,
        h('p', { class: 'muted' }, [site.city, site.countryCode].filter(Boolean).join(', ')),
        site.streetAddress ? h('p', {}, site.streetAddress) : null,
        h('p', { id: `venue-time-${id}`, testid: `venue-time-${id}` }, t('venues.localTime', { time: `${nowIn(site.timeZone)} (${site.timeZone || '?'})` })),
        site.currencyCode ? h('p', {}, t('venues.currency', { currency: site.currencyCode })) : null,
        h(
          'p',
          { class: 'actions' },
          h('a', { class: 'button', href: `#/venue/${encodeURIComponent(id)}` }, t('venues.open')),
          web ? ' ' : null,
          web ? h('a', { href: web, id: `venue-web-${id}`, testid: `venue-web-${id}`, rel: 'noopener' }, t('venues.website')) : null,
        ),
      ),
    );
  }
  section.append(list);
}
