// 冲突: each conflict with its values side by side (value, author's node,
// time); resolving writes the picked or edited value (PUT /api/records/...).
// Changes not applied (a withdrawal that lost to a registration, a refused
// edit) are listed with their reasons, and so are one official number held
// by two suggestions, and forks.
import { html, useState } from './preact.js';
import { api } from './api.js';
import { t } from './i18n.js';
import { useApi, Loaded, Page, Table, hrefOf, fmt, ErrorBox } from './ui.js';

const kPages = { deputy: 'deputies', station: 'stations', suggestion: 'suggestions' };

function Conflict({ c, done }) {
  const [edited, setEdited] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const resolve = async (value) => {
    setBusy(true);
    setError(null);
    try {
      await api.put(`/api/records/${c.kind}/${c.id}`, { [c.field]: value });
      done();
    } catch (e) { setError(e); } finally { setBusy(false); }
  };
  return html`<article class="conflict">
    <h3><a href=${kPages[c.kind] ? hrefOf(kPages[c.kind], c.id) : '#/conflicts'}>${c.label}</a> · ${c.fieldLabel || c.field}</h3>
    <div class="sides">${c.values.map((v) => html`<div class="side">
      <div class="value">${fmt(v.display ?? v.value)}</div>
      <div class="meta">${t('conflict.by', v.nodeName || v.node, v.at)}</div>
      <button disabled=${busy} onClick=${() => resolve(v.value)}>${t('conflict.pick')}</button>
    </div>`)}</div>
    <div class="edit"><input value=${edited} placeholder=${t('conflict.other')} onInput=${(e) => setEdited(e.target.value)} />
      <button disabled=${busy || !edited.trim()} onClick=${() => resolve(edited.trim())}>${t('conflict.write')}</button></div>
    <${ErrorBox} error=${error} />
  </article>`;
}

export function ConflictsPage() {
  const list = useApi('/api/conflicts');
  return html`<${Page} title=${t('nav.conflicts')}>
    <${Loaded} result=${list}>${(d) => html`
      <h2>${t('conflict.title', (d.conflicts || []).length)}</h2>
      ${(d.conflicts || []).length === 0 ? html`<p class="empty">${t('conflict.none')}</p>`
        : d.conflicts.map((c) => html`<${Conflict} key=${c.id + c.field} c=${c} done=${list.reload} />`)}
      <h2>${t('notApplied.title', (d.notApplied || []).length)}</h2>
      <${Table} rows=${d.notApplied} empty=${t('notApplied.none')} columns=${[
        { key: 'at', label: t('col.at') },
        { key: 'label', label: t('col.record') },
        { key: 'actionLabel', label: t('col.action'), render: (n) => fmt(n.actionLabel || n.action) },
        { key: 'nodeName', label: t('col.node'), render: (n) => fmt(n.nodeName || n.node) },
        { key: 'reason', label: t('col.reason') }]} />
      <h2>${t('dupNumbers.title', (d.duplicateNumbers || []).length)}</h2>
      ${(d.duplicateNumbers || []).length ? html`<p class="hint">${t('dupNumbers.hint')}</p>` : null}
      <${Table} rows=${d.duplicateNumbers} empty=${t('dupNumbers.none')} columns=${[
        { key: 'number', label: t('col.number') },
        { key: 'suggestions', label: t('col.record'), render: (n) => html`${n.suggestions.map((s, i) => html`${i ? '；' : ''}<a href=${hrefOf('suggestions', s.id)}>${s.title}</a>（${s.township || t('dupNumbers.county')}，${s.stateLabel}）`)}` }]} />
      <h2>${t('forks.title', (d.forks || []).length)}</h2>
      <${Table} rows=${d.forks} empty=${t('forks.none')} columns=${[
        { key: 'nodeName', label: t('col.node'), render: (f) => fmt(f.nodeName || f.node) },
        { key: 'from', label: t('col.forkFrom') },
        { key: 'tips', label: t('col.forkTips'), render: (f) => fmt(Array.isArray(f.tips) ? f.tips.length : f.tips) },
        { key: 'state', label: t('col.state'), render: (f) => (f.settled ? t('fork.settled') : f.frozen ? t('fork.frozen') : t('fork.open')) }]} />
    `}</${Loaded}>
  </${Page}>`;
}
