// 同步: neighbours (last contact, changes waiting each way), sync now, a
// bundle to download for a USB stick, and importing one with a progress bar
// (the upload's progress, then the job's) and what it brought.
import { html, useState } from './preact.js';
import { api, upload, followJob } from './api.js';
import { t } from './i18n.js';
import { useApi, Loaded, Page, Table, ErrorBox, Progress, fmt } from './ui.js';

export function neighbourColumns(syncNow) {
  const cols = [
    { key: 'name', label: t('col.node'), render: (n) => fmt(n.name || n.node) },
    { key: 'address', label: t('col.address') },
    { key: 'lastContact', label: t('col.lastContact'), render: (n) => fmt(n.lastContact) },
    { key: 'toSend', label: t('col.toSend'), num: true },
    { key: 'toReceive', label: t('col.toReceive'), num: true },
    { key: 'state', label: t('col.syncState'), render: (n) => html`${fmt(n.stateLabel || n.state)}${n.lastError ? html`<div class="problem">${n.lastError}</div>` : ''}` },
  ];
  // A neighbour is named by its key once a session told it, else by its address.
  if (syncNow) cols.push({ key: 'do', label: '', render: (n) => html`
    <button onClick=${() => syncNow(n.node || n.address)}>${t('sync.now')}</button>
    ${n.node ? html`<a class="button" href=${`/api/bundles/export?node=${encodeURIComponent(n.node)}`} download>${t('sync.exportFor')}</a>` : null}` });
  return cols;
}

function JobResult({ job }) {
  if (!job) return null;
  const r = job.result || {};
  if (job.state === 'failed') return html`<div class="error" role="alert">${job.message || t('job.failed')}</div>`;
  if (job.state !== 'done') return null;
  return html`<div class="ok" role="status" id="job-result">${job.message || t('job.done')}
    <ul>${['received', 'sent', 'applied', 'notApplied', 'duplicates', 'forks'].filter((k) => r[k] !== undefined)
      .map((k) => html`<li>${t(`job.${k}`, r[k])}</li>`)}</ul>
    ${(r.notes || []).length ? html`<ul>${r.notes.map((n) => html`<li>${typeof n === 'string' ? n : JSON.stringify(n)}</li>`)}</ul>` : null}
    ${r.notApplied ? html`<a href="#/conflicts">${t('job.seeNotApplied')}</a>` : null}</div>`;
}

export function SyncPage() {
  const sync = useApi('/api/sync');
  const [progress, setProgress] = useState(null);
  const [job, setJob] = useState(null);
  const [error, setError] = useState(null);
  const track = async (start) => {
    setError(null);
    setJob(null);
    try {
      const started = await start();
      const last = await followJob(started.job, (j) => {
        setJob(j);
        setProgress({ value: j.total ? j.done / j.total : 0, label: j.message || t('job.running') });
      });
      // The bar stays, full, beside the result: a small bundle is done in a blink.
      setProgress(last.state === 'done' ? { value: 1, label: t('job.done') } : null);
      setJob(last);
      sync.reload();
    } catch (e) {
      setProgress(null);
      setError(e);
    }
  };
  const syncNow = (node) => track(() => api.post('/api/sync/now', node ? { node } : {}));
  const importFile = (file) => track(async () => {
    setProgress({ value: 0, label: t('sync.uploading') });
    return upload('/api/bundles/import', file, (v) => setProgress({ value: v, label: t('sync.uploading') }));
  });
  return html`<${Page} title=${t('nav.sync')} actions=${html`
    <button id="sync-now" onClick=${() => syncNow()}>${t('sync.nowAll')}</button>
    <a class="button" id="export" href="/api/bundles/export" download>${t('sync.export')}</a>`}>
    <${Loaded} result=${sync}>${(d) => html`
      <${Table} columns=${neighbourColumns(syncNow)} rows=${d.neighbours} empty=${t('sync.noNeighbours')} />
      ${d.discovery !== undefined ? html`<p class="muted">${t('sync.discovery')}：${fmt(d.discovery)}</p>` : null}`}</${Loaded}>
    <h2>${t('sync.import')}</h2>
    <p class="muted">${t('sync.importHint')}</p>
    <input type="file" id="bundle-file" onChange=${(e) => e.target.files[0] && importFile(e.target.files[0])} />
    ${progress ? html`<${Progress} value=${progress.value} label=${progress.label} />` : null}
    <${ErrorBox} error=${error} />
    <${JobResult} job=${job} />
  </${Page}>`;
}
