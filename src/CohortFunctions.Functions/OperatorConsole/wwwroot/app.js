// The console's shell: the route table, the navigation, and the session. Each page is a module under pages/
// exporting { title, render(ctx) }; adding a page is one module, one route below and (optionally) one nav entry.

import { api, onUnauthorized } from './lib/api.js';
import { h } from './lib/dom.js';
import { session } from './lib/session.js';
import { errorText } from './lib/ui.js';
import signIn from './pages/sign-in.js';
import partners from './pages/partners.js';
import partner from './pages/partner.js';
import cohorts from './pages/cohorts.js';
import cohort from './pages/cohort.js';
import syncs from './pages/syncs.js';
import segments from './pages/segments.js';
import segment from './pages/segment.js';
import usage from './pages/usage.js';
import users from './pages/users.js';
import notFound from './pages/not-found.js';

/** Routes: path segments, ':name' binds a parameter; `nav` marks the menu entry that is current. */
const routes = [
  { path: ['sign-in'], page: signIn, public: true },
  { path: ['partners'], page: partners, nav: 'partners' },
  { path: ['partners', ':partner'], page: partner, nav: 'partners' },
  { path: ['cohorts'], page: cohorts, nav: 'cohorts' },
  { path: ['cohorts', ':partner', ':cohortId'], page: cohort, nav: 'cohorts' },
  { path: ['syncs'], page: syncs, nav: 'syncs' },
  { path: ['segments'], page: segments, nav: 'segments' },
  { path: ['segments', 'new'], page: segment, nav: 'segments' },
  { path: ['segments', ':segmentId'], page: segment, nav: 'segments' },
  { path: ['usage'], page: usage, nav: 'usage' },
  { path: ['users'], page: users, nav: 'users' },
];

const menu = [
  { id: 'partners', label: 'Technology Partners', href: '#/partners' },
  { id: 'cohorts', label: 'Cohorts', href: '#/cohorts' },
  { id: 'syncs', label: 'Syncs', href: '#/syncs' },
  { id: 'segments', label: 'Segments', href: '#/segments' },
  { id: 'usage', label: 'Usage', href: '#/usage' },
  { id: 'users', label: 'Users', href: '#/users' },
];

const root = document.getElementById('app');
let current = null;
let partnersPromise = null;
let notice = null;

/** Parses '#/cohorts/amplitude/abc?x=1' into decoded segments and a query. */
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = raw.split('?');
  const segments = path.split('/').filter((part) => part !== '').map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  return { segments, query: new URLSearchParams(search) };
}

function match(segments) {
  for (const route of routes) {
    if (route.path.length !== segments.length) continue;
    const params = {};
    const matched = route.path.every((part, index) => {
      if (part.startsWith(':')) {
        params[part.slice(1)] = segments[index];
        return true;
      }
      return part === segments[index];
    });
    if (matched) return { route, params };
  }
  return null;
}

export function navigate(hash) {
  if (location.hash === hash) {
    show();
  } else {
    location.hash = hash;
  }
}

function signOut(message) {
  session.signOut();
  partnersPromise = null;
  notice = message ?? null;
  navigate('#/sign-in');
}

function shell(nav) {
  const workspace = session.workspace();
  const signedIn = session.signedIn();
  const header = h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: signedIn ? '#/partners' : '#/sign-in' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', null, 'Cohort console')),
    signedIn && h('div', { class: 'session' },
      h('span', { class: 'workspace-chip', title: 'Workspace' },
        h('span', { class: 'workspace-label' }, 'Workspace'), h('strong', { class: 'workspace-name' }, workspace)),
      h('a', { class: 'button button-quiet', href: '#/sign-in?switch=1' }, 'Switch'),
      h('button', { type: 'button', class: 'button button-quiet', onclick: () => signOut('You are signed out.') }, 'Sign out')));
  const navigation = signedIn && h('nav', { class: 'sidenav', 'aria-label': 'Main' },
    h('ul', null, menu.map((item) => h('li', null,
      h('a', { href: item.href, class: ['nav-link', item.id === nav && 'is-current'], 'aria-current': item.id === nav ? 'page' : undefined }, item.label)))));
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  root.replaceChildren(header, h('div', { class: ['layout', !signedIn && 'layout-single'] }, navigation, main));
  return main;
}

async function show() {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const { segments, query } = parseHash();
  if (segments.length === 0) {
    navigate(session.signedIn() ? '#/partners' : '#/sign-in');
    return;
  }
  const found = match(segments) ?? { route: { page: notFound, public: true }, params: {} };
  if (!found.route.public && !session.signedIn()) {
    navigate(`#/sign-in?next=${encodeURIComponent(location.hash)}`);
    return;
  }
  const main = shell(found.route.nav);
  const workspace = session.workspace();
  const ctx = {
    params: found.params,
    query,
    workspace,
    api: api(workspace ?? ''),
    main,
    signal: controller.signal,
    navigate,
    signOut,
    notice: notice,
    /** The configured partners and the REST endpoint, read once per session. */
    partners() {
      partnersPromise ??= ctx.api.partners().catch((error) => {
        partnersPromise = null;
        throw error;
      });
      return partnersPromise;
    },
    setTitle(title) {
      document.title = `${title} · Cohort console`;
    },
  };
  notice = null;
  ctx.setTitle(found.route.page.title ?? 'Cohort console');
  try {
    await found.route.page.render(ctx);
  } catch (error) {
    if (error.name === 'AbortError' || controller.signal.aborted) return;
    main.replaceChildren(h('div', { class: 'card load-error', role: 'alert' },
      h('h1', { class: 'page-title', tabindex: '-1' }, 'Something went wrong'),
      h('p', { class: 'error-text' }, errorText(error))));
  }
  if (!controller.signal.aborted) {
    (main.querySelector('h1') ?? main).focus({ preventScroll: true });
  }
}

onUnauthorized((error) => {
  signOut(`Signed out: ${error.message}`);
});

window.addEventListener('hashchange', show);
show();
