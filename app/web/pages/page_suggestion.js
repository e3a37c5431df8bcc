// A suggestion: its fields, the timeline of every change (who, which node,
// when, whether the signature held) and a button for each action the API
// says this node may take now; each action's form comes from its fields.
import { html, useState } from './preact.js';
import { api } from './api.js';
import { t } from './i18n.js';
import { useApi, Loaded, Page, Table, fmt } from './ui.js';
import { RecordForm } from './form.js';
import { FieldList, verifiedText } from './records.js';

// An action's fields in full (type, choices) from /api/meta, else as the suggestion lists them.
function actionFields(meta, action) {
  const known = meta && meta.actions ? meta.actions.find((a) => a.name === action.name) : null;
  return known && known.fields ? known.fields : action.fields || [];
}

function Actions({ actions, sref, done, meta }) {
  const [open, setOpen] = useState(null);
  if (!actions || actions.length === 0) return html`<p class="empty">${t('sugg.noActions')}</p>`;
  const act = async (body) => {
    await api.post(`/api/suggestions/${encodeURIComponent(sref)}/actions/${open.name}`, body);
    setOpen(null);
    done();
  };
  return html`<div class="actions">
    ${actions.map((a) => html`<button id=${`action-${a.name}`} class=${open && open.name === a.name ? 'on' : ''}
      onClick=${() => setOpen(open && open.name === a.name ? null : a)}>${a.label}</button>`)}
    ${open ? html`<div class="panel"><h3>${open.label}</h3>
      <${RecordForm} key=${open.name} fields=${actionFields(meta, open)} onSubmit=${act} submitLabel=${t('confirm', open.label)} /></div>` : null}
  </div>`;
}

// The suggestion's record with its references (lead deputy, session, ...) by name.
function withNames(d) {
  const r = d.record || { fields: {} };
  return { ...r, display: { ...(r.display || {}), ...(d.display || {}),
                            ...(d.leadName ? { lead: d.leadName } : {}) } };
}

export function SuggestionPage({ ctx }) {
  const ref = ctx.route.parts[1];
  const s = useApi(`/api/suggestions/${encodeURIComponent(ref)}`);
  return html`<${Loaded} result=${s}>${(d) => html`
    <${Page} title=${html`${d.number ? html`<span class="number">${d.number}</span> ` : ''}${d.title}`}
      actions=${html`<span class="tag">${d.stateLabel}</span>${d.overdue ? html`<span class="tag bad">${t('overdue')}</span>` : ''}`}>
      <div class="noprint"><${Actions} actions=${d.actions} sref=${ref} done=${s.reload} meta=${ctx.meta} /></div>
      <h2>${t('sugg.fields')}</h2>
      <${FieldList} meta=${ctx.meta} kind="suggestion" record=${withNames(d)} />
      <h2>${t('sugg.timeline')}</h2>
      <${Table} rows=${d.timeline} columns=${[
        { key: 'at', label: t('col.at') },
        { key: 'actionLabel', label: t('col.action'), render: (e) => fmt(e.actionLabel || e.action) },
        { key: 'nodeName', label: t('col.node'), render: (e) => fmt(e.nodeName || e.node) },
        { key: 'township', label: t('col.township') },
        { key: 'verified', label: t('col.verified'), render: (e) => verifiedText(e.verified) },
        { key: 'applied', label: t('col.applied'), render: (e) => (e.applied === false ? html`<span class="tag bad">${t('notApplied')}</span> ${e.reason || ''}` : t('applied')) },
      ]} />
    </${Page}>`}</${Loaded}>`;
}
