// Pieces every page uses: loading an API answer, showing an error in words,
// tables, links.
import { html, useState, useEffect, useCallback } from './preact.js';
import { api } from './api.js';
import { t } from './i18n.js';

// GET `path` with `query` whenever either changes: {data, error, loading, reload}.
export function useApi(path, query) {
  const key = JSON.stringify([path, query || {}]);
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api.get(path, query).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }));
    return () => { live = false; };
  }, [key, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert">
    <strong>${t('err.title')}</strong> ${error.message}
    ${error.choices && error.choices.length ? html`<div>${t('err.ambiguous')}
      <ul>${error.choices.map((c) => html`<li><code>${c.id.slice(0, 8)}</code> ${c.label}</li>`)}</ul></div>` : null}
  </div>`;
}

export function Loading() {
  return html`<p class="loading" aria-busy="true">${t('loading')}</p>`;
}

// Either the error, the loading line, or render(data).
export function Loaded({ result, children }) {
  if (result.error) return html`<${ErrorBox} error=${result.error} />`;
  if (result.loading && !result.data) return html`<${Loading} />`;
  return children(result.data);
}

// columns: [{key, label, render?(row), num?}]
export function Table({ columns, rows, empty }) {
  if (!rows || rows.length === 0) return html`<p class="empty">${empty || t('empty')}</p>`;
  return html`<table class="grid">
    <thead><tr>${columns.map((c) => html`<th class=${c.num ? 'num' : ''}>${c.label}</th>`)}</tr></thead>
    <tbody>${rows.map((row) => html`<tr>${columns.map((c) => html`<td class=${c.num ? 'num' : ''}>
      ${c.render ? c.render(row) : fmt(row[c.key])}</td>`)}</tr>`)}</tbody>
  </table>`;
}

export function fmt(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('yes') : t('no');
  if (Array.isArray(v)) return v.join('、');
  if (typeof v === 'object') return JSON.stringify(v);
  // A 64-digit key is never shown whole: its first 8 digits name it.
  return String(v).replace(/\b([0-9a-f]{8})[0-9a-f]{56}\b/g, '$1…');
}

export function pct(v) { return v === null || v === undefined ? '—' : `${v}%`; }

export function link(href, text) { return html`<a href=${href}>${text}</a>`; }

// "#/suggestions/闭-2026-001"
export function hrefOf(...parts) {
  return '#/' + parts.map((p) => encodeURIComponent(p)).join('/');
}

export function Progress({ value, label }) {
  const pctValue = Math.round((value || 0) * 100);
  return html`<div class="progress" role="progressbar" aria-valuenow=${pctValue} aria-valuemin="0" aria-valuemax="100">
    <div class="bar" style=${`width:${pctValue}%`}></div><span>${label || ''} ${pctValue}%</span>
  </div>`;
}

// One page's frame: its title and what it holds.
export function Page({ title, actions, children }) {
  return html`<section class="page">
    <header class="page-head"><h1>${title}</h1><div class="page-actions">${actions}</div></header>
    ${children}
  </section>`;
}

export function today() {
  const d = new Date();
  const z = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${z(d.getMonth() + 1)}-${z(d.getDate())}`;
}
