// 社情民意: issues raised at receptions, their routing (分流办理) and, for
// the ones routed 转为代表建议, turning them into a deputy's suggestion.
import { html, useState } from './preact.js';
import { api } from './api.js';
import { t } from './i18n.js';
import { useApi, Loaded, Page, Table, hrefOf, fmt, ErrorBox } from './ui.js';
import { RecordForm, kindFields } from './form.js';
import { Pager } from './records.js';

const kToSuggestion = '转为代表建议';
const kPageSize = 50;

function RouteCell({ issue, routes, done }) {
  const [error, setError] = useState(null);
  const change = async (route) => {
    setError(null);
    try {
      await api.put(`/api/records/issue/${issue.id}`, { route });
      done();
    } catch (e) { setError(e); }
  };
  return html`<select value=${issue.fields.route || ''} onChange=${(e) => change(e.target.value)}>
      ${routes.map((r) => html`<option value=${r}>${r}</option>`)}</select><${ErrorBox} error=${error} />`;
}

function ToSuggestion({ ctx, issue, done }) {
  const fields = kindFields(ctx.meta, 'suggestion').filter((f) => ['title', 'body', 'lead', 'category', 'kind', 'level'].includes(f.name) || f.required);
  const initial = { title: String(issue.fields.text || '').slice(0, 30), body: issue.fields.text || '',
    lead: (issue.display || {}).deputy || '', category: issue.fields.category || '' };
  const submit = async (body) => {
    const s = await api.post('/api/records/suggestion', body);
    await api.put(`/api/records/issue/${issue.id}`, { suggestion: s.id, route: kToSuggestion });
    done();
  };
  return html`<div class="panel"><h3>${t('issues.toSuggestion')}</h3>
    <${RecordForm} fields=${fields} initial=${initial} onSubmit=${submit} submitLabel=${t('issues.toSuggestion')} /></div>`;
}

export function IssuesPage({ ctx }) {
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [converting, setConverting] = useState(null);
  const list = useApi('/api/records/issue', { q, page, pageSize: kPageSize });
  const routes = (kindFields(ctx.meta, 'issue').find((f) => f.name === 'route') || {}).choices || [];
  return html`<${Page} title=${t('nav.issues')} actions=${html`<a class="button" href=${hrefOf('entry', 'issue')}>${t('add')}</a>`}>
    <div class="toolbar"><input type="search" id="search" placeholder=${t('search')} value=${q}
      onInput=${(e) => { setQ(e.target.value); setPage(1); }} /></div>
    ${converting ? html`<${ToSuggestion} ctx=${ctx} issue=${converting} done=${() => { setConverting(null); list.reload(); }} />` : null}
    <${Loaded} result=${list}>${(d) => html`
      <${Table} rows=${d.records} columns=${[
        { key: 'date', label: t('col.date'), render: (r) => fmt(r.fields.receivedDate) },
        { key: 'text', label: t('col.text'), render: (r) => fmt(r.fields.text) },
        { key: 'deputy', label: t('col.deputy'), render: (r) => fmt((r.display || {}).deputy) },
        { key: 'route', label: t('col.route'), render: (r) => html`<${RouteCell} issue=${r} routes=${routes} done=${list.reload} />` },
        { key: 'suggestion', label: t('col.suggestion'), render: (r) => (r.fields.suggestion
          ? html`<a href=${hrefOf('suggestions', r.fields.suggestion)}>${fmt((r.display || {}).suggestion || r.fields.suggestion)}</a>`
          : html`<button onClick=${() => setConverting(r)}>${t('issues.toSuggestion')}</button>`) },
      ]} />
      <${Pager} page=${page} pageSize=${kPageSize} total=${d.total ?? d.count} setPage=${setPage} />`}</${Loaded}>
  </${Page}>`;
}
