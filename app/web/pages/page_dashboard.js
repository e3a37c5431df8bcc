// 县级看板: intake, then 办复率 / 满意率 / 解决率 per township and per unit,
// the outcome distribution, monthly duty activity and overdue by unit, for
// the chosen cohort (GET /api/dashboard).
import { html } from './preact.js';
import { t } from './i18n.js';
import { useApi, Loaded, Page, Table, fmt } from './ui.js';
import { Chart, barOption, pieOption, lineOption, nothingIn, preloadCharts } from './charts.js';

const rateKeys = ['handledRate', 'satisfiedRate', 'resolvedRate'];

function rateSeries() {
  return [
    { key: 'handledRate', label: t('rate.handled') },
    { key: 'satisfiedRate', label: t('rate.satisfied') },
    { key: 'resolvedRate', label: t('rate.resolved') },
  ];
}

// The intake figures: counts, and rates (keys ending in Rate) as percents.
function Intake({ intake }) {
  // A figure the summary does not give (null) is left out, not shown as a dash.
  const entries = Object.entries(intake || {}).filter(([, v]) => v !== null && v !== undefined &&
    !(typeof v === 'object' && (v.value === null || v.value === undefined)));
  const shown = (k, v) => {
    const value = typeof v === 'object' && v !== null ? v.value : v;
    return /Rate$/.test(k) && value !== null && value !== undefined ? `${value}%` : fmt(value);
  };
  return html`<div class="cards">${entries.map(([k, v]) => html`<div class="card">
    <b>${shown(k, v)}</b>${typeof v === 'object' && v !== null && v.label ? v.label : t(`intake.${k}`)}</div>`)}</div>`;
}

export function DashboardPage({ ctx }) {
  const dash = useApi('/api/dashboard', { cohort: ctx.cohort });
  preloadCharts();
  return html`<${Page} title=${t('nav.dashboard')} actions=${html`<button class="noprint" onClick=${() => window.print()}>${t('print')}</button>`}>
    <${Loaded} result=${dash}>${(d) => html`
      <p class="cohort-line">${t('cohort')}：<b>${d.cohortLabel || d.cohort || t('cohort.all')}</b></p>
      <${Intake} intake=${d.intake} />
      ${d.rates ? html`<div class="cards">${rateSeries().map((r) => html`<div class="card">
        <b>${d.rates[r.key] === null || d.rates[r.key] === undefined ? '—' : `${d.rates[r.key]}%`}</b>${r.label}</div>`)}</div>` : null}
      <div class="charts">
        <section><h2>${t('dash.byTownship')}</h2>
          <${Chart} id="chart-townships" empty=${nothingIn(d.townships, rateKeys)} option=${barOption(d.townships || [], 'township', rateSeries(), { percent: true })} /></section>
        <section><h2>${t('dash.byUnit')}</h2>
          <${Chart} id="chart-units" empty=${nothingIn(d.units, rateKeys)} height=${Math.max(320, (d.units || []).length * 28)}
            option=${barOption(d.units || [], 'unit', rateSeries(), { percent: true, horizontal: true })} /></section>
        <section><h2>${t('dash.outcomes')}</h2>
          <${Chart} id="chart-outcomes" empty=${nothingIn(d.outcomes, ['count'])} option=${pieOption(d.outcomes || [], 'label', 'count')} /></section>
        <section><h2>${t('dash.monthlyDuty')}</h2>
          <${Chart} id="chart-duty" empty=${nothingIn(d.monthlyDuty, ['count'])} option=${lineOption(d.monthlyDuty || [], 'month', 'count', t('dash.monthlyDuty'))} /></section>
        <section><h2>${t('dash.overdueByUnit')}</h2>
          <${Chart} id="chart-overdue" empty=${nothingIn(d.overdueByUnit, ['count'])} option=${barOption(d.overdueByUnit || [], 'unit', [{ key: 'count', label: t('overdue') }], { horizontal: true })} /></section>
      </div>
      <h2>${t('dash.townshipTable')}</h2>
      <${Table} rows=${d.townships} columns=${[
        { key: 'township', label: t('col.township') },
        ...rateSeries().map((s) => ({ key: s.key, label: s.label, num: true, render: (r) => (r[s.key] === null || r[s.key] === undefined ? '—' : `${r[s.key]}%`) }))]} />
    `}</${Loaded}>
  </${Page}>`;
}
