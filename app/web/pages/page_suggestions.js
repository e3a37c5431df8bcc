// 建议: the list, with filters (state, category, deputy, township, cohort,
// overdue) and a search over titles and bodies; the filters live in the
// address (#/suggestions?state=registered), so a list can be linked to.
// 新增 enters a suggestion (its intake fields only) and opens its page,
// where it is submitted.
import { html, useState } from './preact.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { useApi, Loaded, Page, Table, hrefOf, fmt } from './ui.js';
import { Pager } from './records.js';
import { kindFields, entryFields, RecordForm } from './form.js';

const kPageSize = 50;

export function suggestionColumns() {
  return [
    { key: 'number', label: t('col.number'), render: (s) => html`<a href=${hrefOf('suggestions', s.number || s.id)}>${s.number || s.id.slice(0, 8)}</a>` },
    { key: 'title', label: t('col.title') },
    { key: 'leadName', label: t('col.lead') },
    { key: 'stateLabel', label: t('col.state') },
    { key: 'deadline', label: t('col.deadline'), render: (s) => html`${fmt(s.deadline)}${s.overdue ? html` <span class="tag bad">${t('overdue')}</span>` : ''}` },
  ];
}

function setFilter(query, name, value) {
  const q = new URLSearchParams({ ...query, [name]: value });
  if (!value) q.delete(name);
  if (name !== 'page') q.delete('page');
  location.hash = `#/suggestions?${q}`;
}

// What a new suggestion is entered with; the rest (number, units, reply,
// state, ...) its life-cycle actions write.
const kIntake = ['township', 'title', 'body', 'lead', 'level', 'kind', 'category', 'submittedIn', 'session', 'public', 'issue'];

function NewSuggestion({ meta }) {
  const fields = entryFields(meta, 'suggestion').filter((f) => kIntake.includes(f.name));
  const add = async (body) => {
    const r = await api.post('/api/records/suggestion', body);
    location.hash = hrefOf('suggestions', r.id);
  };
  return html`<div class="panel"><${RecordForm} fields=${fields} onSubmit=${add} submitLabel=${t('add')} /></div>`;
}

export function SuggestionsPage({ ctx }) {
  const [adding, setAdding] = useState(false);
  const query = ctx.route.query;
  const page = Number(query.page) || 1;
  const list = useApi('/api/suggestions', { ...query, cohort: ctx.cohort, page, pageSize: kPageSize });
  const categories = (kindFields(ctx.meta, 'suggestion').find((f) => f.name === 'category') || {}).choices || [];
  const states = (ctx.meta && ctx.meta.states) || [];
  const text = (name, label) => html`<label>${label}<input id=${`filter-${name}`} value=${query[name] || ''}
    onChange=${(e) => setFilter(query, name, e.target.value.trim())} /></label>`;
  return html`<${Page} title=${t('nav.suggestions')}
    actions=${html`<button id="add" class="noprint" onClick=${() => setAdding(!adding)}>${adding ? t('cancel') : t('add')}</button>`}>
    ${adding ? html`<${NewSuggestion} meta=${ctx.meta} />` : null}
    <div class="filters">
      <label>${t('search')}<input type="search" id="filter-q" value=${query.q || ''} placeholder=${t('sugg.searchHint')}
        onChange=${(e) => setFilter(query, 'q', e.target.value.trim())} /></label>
      <label>${t('col.state')}<select id="filter-state" value=${query.state || ''} onChange=${(e) => setFilter(query, 'state', e.target.value)}>
        <option value="">${t('all')}</option>${states.map((s) => html`<option value=${s.name}>${s.label}</option>`)}</select></label>
      <label>${t('col.category')}<select id="filter-category" value=${query.category || ''} onChange=${(e) => setFilter(query, 'category', e.target.value)}>
        <option value="">${t('all')}</option>${categories.map((c) => html`<option value=${c}>${c}</option>`)}</select></label>
      ${text('deputy', t('col.deputy'))}
      ${text('township', t('col.township'))}
      <label class="check"><input type="checkbox" id="filter-overdue" checked=${query.overdue === '1'}
        onChange=${(e) => setFilter(query, 'overdue', e.target.checked ? '1' : '')} />${t('overdue')}</label>
    </div>
    <${Loaded} result=${list}>${(d) => html`
      <p class="count">${t('count', d.total ?? d.count)}${d.cohort !== undefined ? ` · ${t('cohort')}：${d.cohortLabel || d.cohort || t('cohort.all')}` : ''}</p>
      <${Table} columns=${suggestionColumns()} rows=${d.suggestions} />
      <${Pager} page=${page} pageSize=${kPageSize} total=${d.total ?? d.count} setPage=${(p) => setFilter(query, 'page', String(p))} />`}</${Loaded}>
  </${Page}>`;
}
