// A station's page: its facts, its reception days, the rota and the receptions held.
import { html } from './preact.js';
import { t } from './i18n.js';
import { useApi, Loaded, Page, Table, fmt } from './ui.js';
import { FieldList } from './records.js';

function Related({ kind, station, columns, empty }) {
  const list = useApi(`/api/records/${kind}`, { station, pageSize: 500 });
  return html`<${Loaded} result=${list}>${(d) => html`<${Table}
    rows=${(d.records || []).slice().sort((a, b) => String(b.fields.date || '').localeCompare(String(a.fields.date || '')))}
    columns=${columns} empty=${empty} />`}</${Loaded}>`;
}

export function StationPage({ ctx }) {
  const ref = ctx.route.parts[1];
  const station = useApi(`/api/records/station/${encodeURIComponent(ref)}`);
  const shown = (name) => (r) => fmt((r.display || {})[name] ?? r.fields[name]);
  return html`<${Loaded} result=${station}>${(s) => html`
    <${Page} title=${s.label} actions=${html`<button class="noprint" onClick=${() => window.print()}>${t('print')}</button>`}>
      <${FieldList} meta=${ctx.meta} kind="station" record=${s} />
      <h2>${t('station.days')}</h2>
      <p class="schedule">${fmt(s.fields.receptionSchedule)}</p>
      <h2>${t('station.rota')}</h2>
      <${Related} kind="rota" station=${s.id} empty=${t('station.noRota')} columns=${[
        { key: 'date', label: t('col.date'), render: shown('date') },
        { key: 'slot', label: t('col.slot'), render: shown('slot') },
        { key: 'deputy', label: t('col.deputy'), render: shown('deputy') }]} />
      <h2>${t('station.receptions')}</h2>
      <${Related} kind="reception" station=${s.id} empty=${t('station.noReceptions')} columns=${[
        { key: 'date', label: t('col.date'), render: shown('date') },
        { key: 'title', label: t('col.title'), render: shown('title') },
        { key: 'deputies', label: t('col.deputies'), render: shown('deputies') },
        { key: 'visitors', label: t('col.visitors'), num: true, render: shown('visitors') }]} />
    </${Page}>`}</${Loaded}>`;
}
