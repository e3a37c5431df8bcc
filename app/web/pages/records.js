// A register of one record kind (代表, 家站, ...): search, paging, and a form
// to add one, built from /api/meta. The pages for deputies and stations use it.
import { html, useState } from './preact.js';
import { api } from './api.js';
import { t } from './i18n.js';
import { useApi, Loaded, Table, hrefOf, fmt } from './ui.js';
import { RecordForm, kindFields, entryFields } from './form.js';

const kPageSize = 50;

// columns: the fields shown, by name, after the record's label.
export function Register({ ctx, kind, route, columns }) {
  const [q, setQ] = useState(ctx.route.query.q || '');
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState(null);
  const list = useApi(`/api/records/${kind}`, { q, page, pageSize: kPageSize });
  const fields = kindFields(ctx.meta, kind);
  const label = (name) => (fields.find((f) => f.name === name) || { label: name }).label;
  const cols = [
    { key: 'label', label: t('col.name'), render: (r) => html`<a href=${hrefOf(route, r.id)}>${r.label}</a>` },
    ...columns.map((name) => ({ key: name, label: label(name), render: (r) => fmt((r.display || {})[name] ?? (r.fields || {})[name]) })),
    { key: 'township', label: t('col.township'), render: (r) => fmt(r.display && r.display.township || r.township) },
  ];
  const add = async (body) => {
    const r = await api.post(`/api/records/${kind}`, body);
    setAdded(r);
    setAdding(false);
    list.reload();
  };
  return html`<div class="register">
    <div class="toolbar">
      <input type="search" id="search" placeholder=${t('search')} value=${q}
        onInput=${(e) => { setQ(e.target.value); setPage(1); }} />
      <button id="add" onClick=${() => setAdding(!adding)}>${adding ? t('cancel') : t('add')}</button>
    </div>
    ${added ? html`<p class="ok" role="status">${t('added', added.label || added.id)}
      <a href=${hrefOf(route, added.id)}>${t('open')}</a></p>` : null}
    ${adding ? html`<div class="panel"><${RecordForm} fields=${entryFields(ctx.meta, kind)} onSubmit=${add} submitLabel=${t('add')} /></div>` : null}
    <${Loaded} result=${list}>${(d) => html`
      <p class="count">${t('count', d.total ?? d.count)}</p>
      <${Table} columns=${cols} rows=${d.records} />
      <${Pager} page=${page} pageSize=${kPageSize} total=${d.total ?? d.count} setPage=${setPage} />`}</${Loaded}>
  </div>`;
}

export function Pager({ page, pageSize, total, setPage }) {
  const pages = Math.max(1, Math.ceil((total || 0) / pageSize));
  if (pages <= 1) return null;
  return html`<div class="pager">
    <button disabled=${page <= 1} onClick=${() => setPage(page - 1)}>${t('prev')}</button>
    <span>${t('pageOf', page, pages)}</span>
    <button disabled=${page >= pages} onClick=${() => setPage(page + 1)}>${t('next')}</button>
  </div>`;
}

// A record's fields as a two-column list, by the meta's labels, in its order.
export function FieldList({ meta, kind, record }) {
  const fields = kindFields(meta, kind);
  const names = fields.length ? fields.map((f) => f.name) : Object.keys(record.fields || {});
  const labelOf = (n) => (fields.find((f) => f.name === n) || { label: n }).label;
  const value = (n) => (record.display || {})[n] ?? (record.fields || {})[n];
  return html`<dl class="fields">${names.filter((n) => value(n) !== undefined && value(n) !== '').map((n) => html`
    <dt>${labelOf(n)}</dt><dd>${fmt(value(n))}</dd>`)}</dl>`;
}

// What the API says of a change's signature; nothing said, nothing claimed.
export function verifiedText(verified) {
  if (verified === true) return t('verified');
  if (verified === false) return t('unverified');
  return '—';
}

// A record's history: every change, who and where, and whether its signature held.
export function History({ history, meta, kind }) {
  const fields = kindFields(meta, kind);
  const labelOf = (n) => (fields.find((f) => f.name === n) || { label: n }).label;
  return html`<${Table} rows=${history} columns=${[
    { key: 'at', label: t('col.at') },
    { key: 'nodeName', label: t('col.node') },
    { key: 'fields', label: t('col.changed'), render: (h) => Object.entries(h.fields || {}).map(([k, v]) => `${labelOf(k)}：${fmt(v)}`).join('；') },
    { key: 'verified', label: t('col.verified'), render: (h) => verifiedText(h.verified) },
    { key: 'applied', label: t('col.applied'), render: (h) => (h.applied === false ? `${t('notApplied')}：${h.reason || ''}` : t('applied')) },
  ]} />`;
}
