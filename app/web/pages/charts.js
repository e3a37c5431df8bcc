// ECharts (inside the binary, loaded only by the pages that chart) with the
// system's CJK font; one bar chart, one pie.
import { html, useRef, useEffect } from './preact.js';
import { t } from './i18n.js';

let loading = null;
function echarts() {
  if (!loading) loading = import('./echarts.js');
  return loading;
}

// Starts loading ECharts (a megabyte of script) while the page's data are
// still on their way, rather than after.
export function preloadCharts() { echarts(); }

const kFont = '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", sans-serif';

// option: an ECharts option; the chart follows its changes and the window's
// size. empty: nothing to chart (the words say so instead of blank axes).
export function Chart({ option, id, height, empty }) {
  const el = useRef(null);
  useEffect(() => {
    let chart = null;
    let live = true;
    const resize = () => chart && chart.resize();
    echarts().then((e) => {
      if (!live || !el.current) return;
      chart = e.init(el.current, null, { renderer: 'canvas' });
      chart.setOption({ textStyle: { fontFamily: kFont }, animation: false, ...option });
      window.addEventListener('resize', resize);
    });
    return () => {
      live = false;
      window.removeEventListener('resize', resize);
      if (chart) chart.dispose();
    };
  }, [JSON.stringify(option), empty]);
  if (empty) return html`<p class="empty chart-empty" id=${id}>${t('chart.empty')}</p>`;
  return html`<div class="chart" id=${id} ref=${el} style=${`height:${height || 320}px`}></div>`;
}

// Bars per category for several series: rows [{name, ...}], series [{key, label}].
export function barOption(rows, nameKey, series, { percent, horizontal } = {}) {
  const names = rows.map((r) => r[nameKey]);
  const valueAxis = { type: 'value', max: percent ? 100 : undefined, minInterval: percent ? 0 : 1, axisLabel: { formatter: percent ? '{value}%' : '{value}' } };
  const categoryAxis = { type: 'category', data: names, axisLabel: { interval: 0, rotate: horizontal ? 0 : (names.length > 6 ? 50 : 0) } };
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: series.map((s) => ({ type: 'bar', name: s.label, barMaxWidth: 28, data: rows.map((r) => r[s.key]) })),
  };
}

// Whether no row has a number (other than 0) under any of `keys`.
export function nothingIn(rows, keys) {
  return !(rows || []).some((r) => keys.some((k) => typeof r[k] === 'number' && r[k] !== 0));
}

export function pieOption(rows, nameKey, valueKey) {
  return {
    tooltip: { trigger: 'item', formatter: '{b}: {c}（{d}%）' },
    legend: { bottom: 0 },
    series: [{ type: 'pie', radius: ['35%', '65%'],
      data: rows.filter((r) => r[valueKey]).map((r) => ({ name: r[nameKey], value: r[valueKey] })) }],
  };
}

export function lineOption(rows, nameKey, valueKey, label) {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, bottom: 8, top: 24, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => r[nameKey]) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'line', name: label, data: rows.map((r) => r[valueKey]), areaStyle: {} }],
  };
}
