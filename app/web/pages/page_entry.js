// 履职记录 / 接待 / 社情民意 entry for a clerk typing dozens from paper:
// keyboard only (Enter moves on, Enter on the last field saves), the form
// stays for the next one with the date and type kept, references are picked
// by typing names; what was saved is listed below, newest first.
import { html, useState } from './preact.js';
import { api } from './api.js';
import { t } from './i18n.js';
import { Page, Table, hrefOf, today, fmt } from './ui.js';
import { RecordForm, entryFields } from './form.js';

const kinds = [
  { kind: 'duty', key: 'entry.duty', sticky: ['township', 'date', 'type', 'place', 'organiser'] },
  { kind: 'reception', key: 'entry.reception', sticky: ['township', 'date', 'station', 'place'] },
  { kind: 'issue', key: 'entry.issue', sticky: ['township', 'receivedDate', 'reception', 'route'] },
];

export function EntryPage({ ctx }) {
  const which = kinds.find((k) => k.kind === ctx.route.parts[1]) || kinds[0];
  const [saved, setSaved] = useState([]);
  const fields = entryFields(ctx.meta, which.kind);
  const initial = {};
  for (const f of fields) if (f.type === 'date' && f.required) initial[f.name] = today();
  if (fields.some((f) => f.name === 'date')) initial.date = today();
  const save = async (body) => {
    const r = await api.post(`/api/records/${which.kind}`, body);
    setSaved((old) => [{ ...r, body, at: new Date().toLocaleTimeString() }, ...old]);
  };
  return html`<${Page} title=${t('nav.entry')}>
    <nav class="tabs">${kinds.map((k) => html`<a href=${hrefOf('entry', k.kind)} class=${k === which ? 'on' : ''}>${t(k.key)}</a>`)}</nav>
    ${fields.length === 0 ? html`<p class="empty">${t('entry.noMeta')}</p>` : html`
      <div class="panel entry"><${RecordForm} key=${which.kind} fields=${fields} initial=${initial}
        sticky=${which.sticky} keyboard=${true} onSubmit=${save} submitLabel=${t('entry.save')} /></div>`}
    <h2>${t('entry.saved', saved.length)}</h2>
    <${Table} rows=${saved} empty=${t('entry.none')} columns=${[
      { key: 'at', label: t('col.savedAt') },
      { key: 'label', label: t('col.record'), render: (r) => fmt(r.label || r.id) },
      { key: 'body', label: t('col.fields'), render: (r) => Object.values(r.body).join(' · ') }]} />
  </${Page}>`;
}
