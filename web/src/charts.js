// Chart.js with only the parts the pages use (tree-shaken), loaded on demand.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LineController, LineElement,
  LinearScale, PointElement, Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.color = '#1b2430';
Chart.defaults.animation = false;

export const COLORS = { held: '#0a6e4f', missing: '#c0392b', supply: '#0b4f6c', demand: '#b35c00', gap: '#6a3d9a' };

/** Held vs missing requirements of one candidate, as a horizontal stacked bar chart. */
export function heldMissingChart(canvas, rows) {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((row) => (row.label.length > 38 ? `${row.label.slice(0, 36)}…` : row.label)),
      datasets: [
        { label: 'Held (credit)', data: rows.map((row) => row.held), backgroundColor: COLORS.held },
        { label: 'Missing', data: rows.map((row) => row.missing), backgroundColor: COLORS.missing },
      ],
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, min: 0, max: 1, ticks: { callback: (value) => `${Math.round(value * 100)}%` } },
        y: { stacked: true },
      },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
    },
  });
}

/** Monthly series as a line chart. */
export function trendChart(canvas, months, series) {
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: months,
      datasets: series.map((one) => ({
        label: one.label, data: one.values, borderColor: COLORS[one.key] || '#333',
        backgroundColor: COLORS[one.key] || '#333', spanGaps: false, tension: 0.2,
      })),
    },
    options: {
      responsive: true, maintainAspectRatio: false,
      scales: { y: { beginAtZero: true } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

/** Bars per category (e.g. demand by region). */
export function barChart(canvas, labels, series, { horizontal = false } = {}) {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: series.map((one) => ({ label: one.label, data: one.values, backgroundColor: COLORS[one.key] || '#0b4f6c' })),
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x', responsive: true, maintainAspectRatio: false,
      plugins: { legend: { position: 'bottom' } },
    },
  });
}
