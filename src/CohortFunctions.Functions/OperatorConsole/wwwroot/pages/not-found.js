import { h } from '../lib/dom.js';
import { emptyState, pageHeader } from '../lib/ui.js';

export default {
  title: 'Not found',
  render(ctx) {
    ctx.main.replaceChildren(
      pageHeader({ title: 'Page not found' }),
      h('div', { class: 'card' }, emptyState('There is no console page at this address.', 'Pick a page from the menu, or start at Technology Partners.',
        h('a', { class: 'button button-primary', href: '#/partners' }, 'Technology Partners'))));
  },
};
