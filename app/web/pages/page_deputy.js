// A deputy's page: the year's 履职档案 (the archive report's row, the duty
// records and the record itself), printable.
import { html, useState } from './preact.js';
import { t } from './i18n.js';
import { useApi, Loaded, Page, Table, fmt } from './ui.js';
import { FieldList, History } from './records.js';

function ArchiveRow({ year, name, township }) {
  const report = useApi('/api/reports/archive', { year, township, cohort: 'all' });
  return html`<${Loaded} result=${report}>${(d) => {
    const nameAt = d.columns.findIndex((c) => (c.name || c) === 'name' || (c.label || c) === '姓名' || (c.label || c) === '代表');
    const row = d.rows.find((r) => (Array.isArray(r) ? r[Math.max(nameAt, 0)] : r.name) === name);
    if (!row) return html`<p class="empty">${t('deputy.noArchive', year)}</p>`;
    const cells = Array.isArray(row) ? row : d.columns.map((c) => row[c.name || c]);
    return html`<dl class="fields archive">${d.columns.map((c, i) => html`<dt>${c.label || c}</dt><dd>${fmt(cells[i])}</dd>`)}</dl>`;
  }}</${Loaded}>`;
}

function DutyList({ year, id }) {
  const list = useApi('/api/records/duty', { deputy: id, pageSize: 500 });
  return html`<${Loaded} result=${list}>${(d) => html`<${Table}
    rows=${(d.records || []).filter((r) => String((r.fields || {}).date || '').startsWith(String(year)))}
    columns=${[
      { key: 'date', label: t('col.date'), render: (r) => fmt(r.fields.date) },
      { key: 'type', label: t('col.type'), render: (r) => fmt(r.fields.type) },
      { key: 'title', label: t('col.title'), render: (r) => fmt(r.fields.title || r.label) },
      { key: 'place', label: t('col.place'), render: (r) => fmt(r.fields.place) }]}
    empty=${t('deputy.noDuty', year)} />`}</${Loaded}>`;
}

export function DeputyPage({ ctx }) {
  const ref = ctx.route.parts[1];
  const [year, setYear] = useState(Number(ctx.route.query.year) || new Date().getFullYear());
  const deputy = useApi(`/api/records/deputy/${encodeURIComponent(ref)}`);
  return html`<${Loaded} result=${deputy}>${(d) => html`
    <${Page} title=${t('deputy.title', d.label, year)} actions=${html`
      <label class="noprint">${t('year')} <input type="number" id="year" class="year" value=${year}
        onChange=${(e) => setYear(Number(e.target.value) || year)} /></label>
      <button class="noprint" onClick=${() => window.print()}>${t('print')}</button>`}>
      <h2>${t('deputy.facts')}</h2>
      <${FieldList} meta=${ctx.meta} kind="deputy" record=${d} />
      <h2>${t('deputy.archive', year)}</h2>
      <${ArchiveRow} year=${year} name=${d.label} township=${d.township} />
      <h2>${t('deputy.duty', year)}</h2>
      <${DutyList} year=${year} id=${d.id} />
      <div class="noprint"><h2>${t('history')}</h2><${History} history=${d.history} meta=${ctx.meta} kind="deputy" /></div>
    </${Page}>`}</${Loaded}>`;
}
