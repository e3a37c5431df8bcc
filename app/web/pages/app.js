// The single page: signs in, loads the string table and /api/meta, and shows
// the page the hash names (#/home, #/suggestions/闭-2026-001, ...). Each page
// is its own module (page_*.js) and gets `ctx`: the session, the meta, the
// chosen cohort, the route's parts and query.
import { html, render, useState, useEffect } from './preact.js';
import { api, setCsrf, whenSignedOut } from './api.js';
import { t, loadStrings, currentLang } from './i18n.js';
import { ErrorBox, Loading } from './ui.js';
import { LoginPage } from './page_login.js';
import { routes, navItems } from './routes.js';
import { preloadCharts } from './charts.js';

const kCohortKey = 'renda.cohort';

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts: parts.length ? parts : ['home'], query: Object.fromEntries(new URLSearchParams(query || '')) };
}

function CohortPicker({ meta, cohort, setCohort }) {
  const cohorts = (meta && meta.cohorts) || [];
  return html`<label class="cohort">${t('cohort')}
    <select id="cohort" value=${cohort} onChange=${(e) => setCohort(e.target.value)}>
      ${cohorts.map((c) => html`<option value=${c.name}>${c.label}${c.current ? t('cohort.current') : ''}</option>`)}
      <option value="all">${t('cohort.all')}</option>
    </select></label>`;
}

function Shell({ session, meta, metaError, route, setSession, lang, setLang }) {
  const current = meta && meta.cohorts ? (meta.cohorts.find((c) => c.current) || meta.cohorts[0]) : null;
  const [cohort, setCohortState] = useState(localStorage.getItem(kCohortKey) || '');
  const known = meta && meta.cohorts && (cohort === 'all' || meta.cohorts.some((c) => c.name === cohort));
  const chosen = known ? cohort : (current ? current.name : '');
  const setCohort = (c) => { localStorage.setItem(kCohortKey, c); setCohortState(c); };
  const page = routes[route.parts[0]] || routes.notFound;
  // The dashboard's charts load while the session's meta is on its way.
  if (route.parts[0] === 'dashboard') preloadCharts();
  const ctx = { session, meta, cohort: chosen, route, lang };
  const signOut = async () => {
    try { await api.post('/api/logout'); } catch (e) { /* signed out either way */ }
    setSession(null);
  };
  const county = meta && meta.node ? meta.node.county : '';
  const township = meta && meta.node ? meta.node.township : '';
  return html`<div class="shell">
    <header class="top">
      <div class="brand">${t('app.name')}<small>${county}${township ? ` · ${township}` : ''}</small></div>
      <nav>${navItems(meta).map((n) => html`<a href=${'#/' + n.path}
        class=${route.parts[0] === n.path ? 'on' : ''}>${t(n.key)}</a>`)}</nav>
      <div class="tools">
        <${CohortPicker} meta=${meta} cohort=${chosen} setCohort=${setCohort} />
        <button class="link" id="lang" onClick=${() => setLang(lang === 'en' ? 'zh' : 'en')}>${t('lang.switch')}</button>
        <span class="who">${session.name}（${session.role === 'admin' ? t('role.admin') : t('role.clerk')}）</span>
        <button class="link" id="signout" onClick=${signOut}>${t('signout')}</button>
      </div>
    </header>
    <main>
      ${metaError ? html`<${ErrorBox} error=${metaError} />` : null}
      ${meta || metaError ? html`<${page} ctx=${ctx} key=${route.parts.join('/')} />` : html`<${Loading} />`}
    </main>
  </div>`;
}

function App() {
  const [session, setSession] = useState(undefined);
  const [meta, setMeta] = useState(null);
  const [metaError, setMetaError] = useState(null);
  const [route, setRoute] = useState(parseHash());
  const [lang, setLangState] = useState(currentLang());
  const [, setStringsReady] = useState(0);

  useEffect(() => {
    const onHash = () => setRoute(parseHash());
    window.addEventListener('hashchange', onHash);
    whenSignedOut(() => setSession(null));
    api.get('/api/session').then((s) => { setCsrf(s.csrf); setSession(s); }, () => setSession(null));
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    if (!session) return;
    // The labels of kinds, fields, states and actions in the page's language.
    api.get(`/api/meta?lang=${lang}`).then((m) => { setMeta(m); setMetaError(null); }, setMetaError);
  }, [session, lang]);

  const setLang = async (l) => { await loadStrings(l); setLangState(l); setStringsReady((n) => n + 1); };
  if (session === undefined) return html`<${Loading} />`;
  if (!session)
    return html`<${LoginPage} lang=${lang} setLang=${setLang}
      onSignedIn=${(s) => { setCsrf(s.csrf); setSession(s); }} />`;
  return html`<${Shell} session=${session} meta=${meta} metaError=${metaError} route=${route}
    setSession=${setSession} lang=${lang} setLang=${setLang} />`;
}

loadStrings(currentLang()).then(() => render(html`<${App} />`, document.getElementById('app')));
