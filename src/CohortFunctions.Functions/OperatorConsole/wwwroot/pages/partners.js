// Technology Partners: every partner the installation accepts postbacks from, by display name.

import { h } from '../lib/dom.js';
import { emptyState, loadError, loading, pageHeader } from '../lib/ui.js';

export default {
  title: 'Technology Partners',
  async render(ctx) {
    const body = h('div', null, loading());
    ctx.main.replaceChildren(
      pageHeader({
        title: 'Technology Partners',
        lead: 'Connect an analytics partner: open it, copy the REST endpoint, generate a data import key and paste both into the partner.',
      }),
      body);
    let answer;
    try {
      answer = await ctx.partners();
    } catch (error) {
      body.replaceChildren(loadError(error, () => this.render(ctx)));
      return;
    }
    if (answer.partners.length === 0) {
      body.replaceChildren(h('div', { class: 'card' }, emptyState(
        'No partner is configured.',
        'Add one to the app settings (Partners__amplitude__DisplayName and Partners__amplitude__ApiKeys__0) and restart the app.')));
      return;
    }
    body.replaceChildren(h('ul', { class: 'tiles', 'aria-label': 'Partners' }, answer.partners.map((partner) =>
      h('li', null, h('a', { class: 'tile', href: `#/partners/${encodeURIComponent(partner.partner)}` },
        h('span', { class: 'tile-mark', 'aria-hidden': 'true' }, partner.display_name.slice(0, 1)),
        h('span', { class: 'tile-body' },
          h('span', { class: 'tile-title' }, partner.display_name),
          h('span', { class: 'tile-text' }, 'Cohort import · data import keys')),
        h('span', { class: 'tile-arrow', 'aria-hidden': 'true' }, '›'))))));
  },
};
