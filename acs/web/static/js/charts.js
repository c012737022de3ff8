// Small inline-SVG charts: a time-series line chart and a horizontal bar chart. Each chart
// has a role="img" with a text summary for screen readers, and sizes with its container
// (viewBox + width 100%).

import {h, s} from './dom.js';
import {formatNumber, formatClock} from './format.js';

// Rounds `max` up to a "nice" axis maximum: 1, 2, 5 x 10^n.
function niceMax(max) {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    if (max <= step * power) return step * power;
  }
  return 10 * power;
}

// series: [{name, points: [{t: Date, v: number}]}] (same timestamps for every series).
// Returns a <figure> with the SVG and a legend.
export function lineChart(series, {title, width = 640, height = 220, unit = ''} = {}) {
  const margin = {top: 12, right: 14, bottom: 26, left: 46};
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const all = series.flatMap((one) => one.points);
  const times = all.map((p) => p.t.getTime());
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const yMax = niceMax(Math.max(0, ...all.map((p) => p.v)));
  const x = (t) => margin.left + (t1 === t0 ? innerW : ((t - t0) / (t1 - t0)) * innerW);
  const y = (v) => margin.top + innerH - (v / yMax) * innerH;

  const summary = series.map((one) => {
    const values = one.points.map((p) => p.v);
    const last = values.length ? values[values.length - 1] : 0;
    return `${one.name}: latest ${formatNumber(last)}${unit}, peak ${formatNumber(Math.max(0, ...values))}${unit}`;
  }).join('; ');
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
                        'aria-label': `${title}. ${summary}`},
    s('title', {}, title));

  for (let i = 0; i <= 4; i += 1) {
    const v = (yMax / 4) * i;
    const yy = y(v);
    svg.append(s('line', {class: 'grid-line', x1: margin.left, x2: width - margin.right, y1: yy, y2: yy}));
    svg.append(s('text', {x: margin.left - 6, y: yy + 4, 'text-anchor': 'end'},
                 formatNumber(Math.round(v * 100) / 100)));
  }
  if (all.length) {
    const ticks = 6;
    for (let i = 0; i <= ticks; i += 1) {
      const t = t0 + ((t1 - t0) / ticks) * i;
      svg.append(s('text', {x: x(t), y: height - 8, 'text-anchor': i === 0 ? 'start' : i === ticks ? 'end' : 'middle'},
                   formatClock(new Date(t)).slice(0, 5)));
    }
  }
  svg.append(s('line', {class: 'axis', x1: margin.left, x2: width - margin.right,
                        y1: margin.top + innerH, y2: margin.top + innerH}));
  series.forEach((one, index) => {
    if (!one.points.length) return;
    const d = one.points.map((p, i) => `${i ? 'L' : 'M'}${x(p.t.getTime()).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    svg.append(s('path', {class: `series-${index}`, d, 'vector-effect': 'non-scaling-stroke'},
                 s('title', {}, one.name)));
  });

  const legend = h('div', {class: 'legend', 'aria-hidden': 'true'},
    series.map((one, index) => h('span', {}, h('span', {class: `swatch s${index}`}), one.name)));
  return h('figure', {class: 'chart-figure'}, svg, legend);
}

// items: [{label, value, href?}] drawn as horizontal bars, largest first as given.
export function barChart(items, {title, width = 520, barHeight = 22, gap = 6} = {}) {
  const valueWidth = 70;
  const labelWidth = Math.min(170, Math.round(width * 0.36));
  const height = Math.max(1, items.length) * (barHeight + gap) + gap;
  const max = Math.max(1, ...items.map((item) => item.value));
  const innerW = width - labelWidth - valueWidth;
  const summary = items.map((item) => `${item.label} ${formatNumber(item.value)}`).join(', ');
  const svg = s('svg', {class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
                        'aria-label': `${title}: ${summary || 'no data'}`},
    s('title', {}, title));
  items.forEach((item, i) => {
    const yy = gap + i * (barHeight + gap);
    const maxChars = Math.max(6, Math.floor(labelWidth / 7.5));
    const label = item.label.length > maxChars ? `${item.label.slice(0, maxChars - 1)}…` : item.label;
    svg.append(s('text', {class: 'bar-label', x: labelWidth - 8, y: yy + barHeight / 2 + 4, 'text-anchor': 'end'},
                 s('title', {}, item.label), label));
    const w = Math.max(item.value > 0 ? 2 : 0, (item.value / max) * innerW);
    svg.append(s('rect', {class: 'bar', x: labelWidth, y: yy, width: w.toFixed(1), height: barHeight, rx: 3},
                 s('title', {}, `${item.label}: ${formatNumber(item.value)}`)));
    svg.append(s('text', {class: 'bar-value', x: labelWidth + w + 6, y: yy + barHeight / 2 + 4},
                 formatNumber(item.value)));
  });
  return svg;
}
