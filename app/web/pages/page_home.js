// 首页: open suggestions by state, overdue and near-deadline items, this
// month's duty records and receptions, sync state, conflicts waiting (GET /api/home).
import { html } from './preact.js';
import { t } from './i18n.js';
import { useApi, Loaded, Page, Table, hrefOf, link, fmt } from './ui.js';
import { suggestionColumns } from './page_suggestions.js';
import { neighbourColumns } from './page_sync.js';

export function HomePage({ ctx }) {
  const home = useApi('/api/home', { cohort: ctx.cohort });
  return html`<${Page} title=${t('nav.home')}>
    <${Loaded} result=${home}>${(d) => html`
      <div class="cards">
        <a class="card" href="#/entry/duty"><b id="month-duty">${fmt(d.month && d.month.duty)}</b>${t('home.monthDuty')}</a>
        <a class="card" href="#/entry/reception"><b>${fmt(d.month && d.month.receptions)}</b>${t('home.monthReceptions')}</a>
        <a class="card${d.conflicts ? ' warn' : ''}" href="#/conflicts"><b>${fmt(d.conflicts)}</b>${t('home.conflicts')}</a>
        <a class="card${d.notApplied ? ' warn' : ''}" href="#/conflicts"><b>${fmt(d.notApplied)}</b>${t('home.notApplied')}</a>
        <a class="card${d.forks ? ' warn' : ''}" href="#/conflicts"><b>${fmt(d.forks)}</b>${t('home.forks')}</a>
        ${d.duplicateNumbers ? html`<a class="card warn" href="#/conflicts"><b>${fmt(d.duplicateNumbers)}</b>${t('home.duplicateNumbers')}</a>` : null}
      </div>
      <h2>${t('home.byState')}</h2>
      <${Table} columns=${[
        { key: 'label', label: t('col.state'), render: (r) => link(`#/suggestions?state=${encodeURIComponent(r.state)}`, r.label) },
        { key: 'count', label: t('col.count'), num: true }]} rows=${d.byState} />
      <h2>${t('home.overdue')}</h2>
      <${Table} columns=${suggestionColumns()} rows=${d.overdue} empty=${t('home.noOverdue')} />
      <h2>${t('home.nearDeadline')}</h2>
      <${Table} columns=${suggestionColumns()} rows=${d.nearDeadline} empty=${t('home.noNear')} />
      <h2>${t('home.sync')} <small><a href=${hrefOf('sync')}>${t('home.toSync')}</a></small></h2>
      <${Table} columns=${neighbourColumns()} rows=${d.sync && d.sync.neighbours} empty=${t('sync.noNeighbours')} />
    `}</${Loaded}>
  </${Page}>`;
}
