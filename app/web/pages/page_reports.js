// 报表: every report as a table for the chosen cohort (and year, township),
// with XLSX and CSV downloads of the same, and print.
import { html } from './preact.js';
import { t } from './i18n.js';
import { withQuery } from './api.js';
import { useApi, Loaded, Page, Table, fmt } from './ui.js';

function setParam(ctx, name, value) {
  const q = new URLSearchParams({ ...ctx.route.query, [name]: value });
  if (!value) q.delete(name);
  location.hash = `#/reports/${encodeURIComponent(ctx.route.parts[1] || 'summary')}?${q}`;
}

function Report({ ctx, name }) {
  const params = { cohort: ctx.cohort, year: ctx.route.query.year, township: ctx.route.query.township };
  const report = useApi(`/api/reports/${encodeURIComponent(name)}`, params);
  const download = (format) => withQuery(`/api/reports/${encodeURIComponent(name)}`, { ...params, format });
  return html`<${Loaded} result=${report}>${(d) => {
    // Columns are names ("办复率") or {name,label,type}. A rate is a number of
    // percent: in a column named as one, or in the value column of a row
    // named as one (the summary's 指标 / 数值).
    const cell = (row, c, i) => (Array.isArray(row) ? row[i] : row[typeof c === 'string' ? c : c.name]);
    const columns = (d.columns || []).map((c, i) => {
      const label = typeof c === 'string' ? c : c.label || c.name;
      const rateColumn = (typeof c === 'object' && c.type === 'rate') || /率/.test(label);
      const values = (d.rows || []).map((r) => cell(r, c, i));
      return {
        key: i, label,
        num: values.some((v) => typeof v === 'number') && values.every((v) => v === null || typeof v === 'number'),
        render: (row) => {
          const v = cell(row, c, i);
          const rate = rateColumn || (label === '数值' && typeof cell(row, d.columns[0], 0) === 'string' && /率/.test(cell(row, d.columns[0], 0)));
          return rate && typeof v === 'number' ? `${v}%` : fmt(v);
        },
      };
    });
    return html`<div class="report">
      <div class="toolbar noprint">
        <a class="button" id="download-xlsx" href=${download('xlsx')} download>${t('report.xlsx')}</a>
        <a class="button" id="download-csv" href=${download('csv')} download>${t('report.csv')}</a>
        <button onClick=${() => window.print()}>${t('print')}</button>
      </div>
      <h2 class="report-title">${d.title}</h2>
      <p class="cohort-line">${t('cohort')}：${d.cohortLabel || d.cohort || t('cohort.all')}${d.township ? ` · ${d.township}` : ''}</p>
      <${Table} columns=${columns} rows=${d.rows} />
      ${(d.notes || []).length ? html`<ul class="notes">${d.notes.map((n) => html`<li>${n}</li>`)}</ul>` : null}
    </div>`;
  }}</${Loaded}>`;
}

export function ReportsPage({ ctx }) {
  const list = useApi('/api/reports');
  const name = ctx.route.parts[1] || 'summary';
  return html`<${Page} title=${t('nav.reports')}>
    <div class="filters noprint">
      <${Loaded} result=${list}>${(d) => html`<label>${t('report.which')}<select id="report" value=${name}
        onChange=${(e) => { location.hash = `#/reports/${encodeURIComponent(e.target.value)}`; }}>
        ${d.reports.map((r) => html`<option value=${r.name}>${r.title}</option>`)}</select></label>`}</${Loaded}>
      <label>${t('year')}<input id="report-year" class="year" value=${ctx.route.query.year || ''}
        placeholder=${String(new Date().getFullYear())} onChange=${(e) => setParam(ctx, 'year', e.target.value.trim())} /></label>
      <label>${t('col.township')}<input id="report-township" value=${ctx.route.query.township || ''}
        onChange=${(e) => setParam(ctx, 'township', e.target.value.trim())} /></label>
    </div>
    <${Report} key=${name} ctx=${ctx} name=${name} />
  </${Page}>`;
}
