// Planning-board map: a choropleth of Ontario (census divisions, economic regions or board
// areas) coloured by supply, demand or gap for one skill or skill group, with a legend,
// hatching for suppressed cells, hover and click drill-down, a sortable table of the top
// gaps, the monthly trend and CSV export.
import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import { api, apiKey, download, explainError, hasRoute } from '../api.js';
import { skillCombo } from '../skillpicker.js';
import { formatNumber, h, notice, unavailable, words } from '../ui.js';

const LEVELS = {
  cd: { label: 'Census divisions', geo: 'census_division', code: 'cduid', name: 'cd_name' },
  er: { label: 'Economic regions', geo: 'economic_region', code: 'eruid', name: 'er_name' },
  board: { label: 'Planning board areas', geo: 'planning_area', code: 'wpb_id', name: 'board_name' },
};
const MEASURES = {
  gap: 'Gap (vacancies minus verified holders)',
  supply: 'Supply (verified holders)',
  demand_vacancies: 'Demand (vacancies)',
  demand_postings: 'Demand (job postings)',
  vacancies_per_holder: 'Vacancies per holder',
};
// Colour-blind-safe sequential (blues) and diverging (teal ↔ orange) classes.
const SEQUENTIAL = ['#deebf7', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
const SURPLUS = ['#01665e', '#5ab4ac', '#c7eae5'];
const SHORTAGE = ['#f6e8c3', '#d8b365', '#8c510a'];
const NO_DATA = '#eef1f4';
const HATCH = 'url(#hatch-suppressed)';

const state = { level: 'cd', measure: 'gap', skill: null, skillLabel: '', sort: { key: 'gap', dir: -1 } };

export function mount(root) {
  const charts = [];
  const banner = h('div', { id: 'map-banner' });
  const mapBox = h('div', { id: 'map', role: 'region', 'aria-label': 'Map of Ontario regions' });
  const drill = h('section', { className: 'card drill', id: 'drill', 'aria-live': 'polite' },
    h('h2', {}, 'Region details'), h('p', { className: 'muted' }, 'Hover over a region to see its figures; click it (or choose it in the table) for its trend and sources.'));
  const table = h('section', { id: 'top-gaps' });
  const trendCanvas = h('canvas', { role: 'img', 'aria-label': 'Monthly demand trend' });
  const trend = h('section', { className: 'card', id: 'trend' }, h('h2', {}, 'Demand by month'), h('div', { className: 'trend-box' }, trendCanvas));
  const skillNow = h('p', { className: 'small', id: 'skill-now' });

  const levelSelect = h('select', { id: 'map-level', onchange: (event) => { state.level = event.target.value; draw(); } },
    Object.entries(LEVELS).map(([value, level]) => h('option', { value, selected: value === state.level }, level.label)));
  const measureSelect = h('select', { id: 'map-measure', onchange: (event) => { state.measure = event.target.value; draw(); } },
    Object.entries(MEASURES).map(([value, label]) => h('option', { value, selected: value === state.measure }, label)));

  root.append(
    h('h1', {}, 'Skills map'),
    h('p', { className: 'lead' }, 'Where are verified skills short? Supply counts people whose credentials prove the skill; demand counts job postings and vacancies. Areas with 1–4 people are hatched: their numbers are hidden to protect privacy.'),
    banner,
    h('div', { className: 'map-controls' },
      h('div', { className: 'field' }, skillCombo({ id: 'map-skill', label: 'Skill', onPick: (choice) => {
        if (!choice.id) return;
        state.skill = choice.id;
        state.skillLabel = choice.label;
        draw();
      } }), skillNow),
      h('div', { className: 'field' }, h('label', { for: 'map-level' }, 'Areas'), levelSelect),
      h('div', { className: 'field' }, h('label', { for: 'map-measure' }, 'Colour by'), measureSelect),
      h('button', { type: 'button', className: 'secondary', id: 'export-gaps', onclick: exportCsv }, 'Export CSV')),
    h('div', { className: 'map-layout' },
      h('div', {}, mapBox),
      h('div', {}, drill, trend)),
    table);

  const map = L.map(mapBox, { zoomSnap: 0.25, attributionControl: true, preferCanvas: false, keyboard: true, center: [50, -85], zoom: 4 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Boundaries: Statistics Canada 2021 (Open Government Licence – Canada)');
  let layer = null;
  let legend = null;
  let analytics = false;
  let drawn = 0;

  function ensureHatch() {
    const svg = mapBox.querySelector('.leaflet-overlay-pane svg');
    if (!svg || svg.querySelector('#hatch-suppressed')) return;
    const ns = 'http://www.w3.org/2000/svg';
    const defs = document.createElementNS(ns, 'defs');
    const pattern = document.createElementNS(ns, 'pattern');
    for (const [name, value] of Object.entries({ id: 'hatch-suppressed', patternUnits: 'userSpaceOnUse', width: 7, height: 7, patternTransform: 'rotate(45)' })) pattern.setAttribute(name, value);
    const back = document.createElementNS(ns, 'rect');
    for (const [name, value] of Object.entries({ width: 7, height: 7, fill: '#ffffff' })) back.setAttribute(name, value);
    const line = document.createElementNS(ns, 'line');
    for (const [name, value] of Object.entries({ x1: 0, y1: 0, x2: 0, y2: 7, stroke: '#5b6673', 'stroke-width': 3 })) line.setAttribute(name, value);
    pattern.append(back, line);
    defs.append(pattern);
    svg.prepend(defs);
  }

  function classes(values) {
    if (state.measure === 'gap') {
      const negative = values.filter((v) => v < 0);
      const positive = values.filter((v) => v > 0);
      const minimum = Math.min(0, ...negative);
      const maximum = Math.max(0, ...positive);
      return {
        colour(value) {
          if (value === 0) return '#f5f5f5';
          if (value < 0) {
            const share = value / minimum;
            return SURPLUS[share > 2 / 3 ? 0 : share > 1 / 3 ? 1 : 2];
          }
          const share = value / maximum;
          return SHORTAGE[share > 2 / 3 ? 2 : share > 1 / 3 ? 1 : 0];
        },
        legend: [
          ...(negative.length ? [[SURPLUS[0], `more holders than vacancies (to ${formatNumber(minimum)})`], [SURPLUS[2], 'slightly more holders']] : []),
          ['#f5f5f5', 'balanced (0)'],
          ...(positive.length ? [[SHORTAGE[0], 'slightly short'], [SHORTAGE[2], `short, up to ${formatNumber(maximum)} vacancies`]] : []),
        ],
      };
    }
    const sorted = [...values].sort((a, b) => a - b);
    const breaks = [0.2, 0.4, 0.6, 0.8].map((q) => sorted[Math.floor(q * (sorted.length - 1))]);
    const digits = state.measure === 'vacancies_per_holder' ? 2 : 0;
    const bins = [];
    let low = sorted[0];
    for (let i = 0; i < 5; i += 1) {
      const high = i < 4 ? breaks[i] : sorted[sorted.length - 1];
      bins.push([SEQUENTIAL[i], `${formatNumber(low, digits)} – ${formatNumber(high, digits)}`]);
      low = high;
    }
    return {
      colour(value) {
        const index = breaks.findIndex((limit) => value <= limit);
        return SEQUENTIAL[index === -1 ? 4 : index];
      },
      legend: sorted.length ? bins.filter((bin, i) => i === 0 || breaks[i - 1] !== (i < 4 ? breaks[i] : sorted[sorted.length - 1])) : [],
    };
  }

  function regionName(properties) {
    const level = LEVELS[state.level];
    return properties[level.name] || properties.name || properties.code || properties[level.code];
  }

  async function loadGeo() {
    const level = LEVELS[state.level];
    if (analytics && state.skill && apiKey()) {
      return api('/analytics/geojson', { query: { level: state.level, skill: state.skill, measure: state.measure } });
    }
    return api(`/regions/geojson/${level.geo}`);
  }

  const drillIntro = () => drill.replaceChildren(h('h2', {}, 'Region details'),
    h('p', { className: 'muted' }, 'Hover over a region to see its figures; click it (or choose it in the table) for its trend and sources.'));

  async function draw() {
    drillIntro();
    skillNow.textContent = state.skill ? `Showing: ${state.skillLabel || state.skill}` : 'No skill chosen: boundaries only.';
    let geo;
    try {
      geo = await loadGeo();
    } catch (error) {
      banner.replaceChildren(notice('error', explainError(error)));
      return;
    }
    if (layer) layer.remove();
    const features = geo.features || [];
    const values = features.map((f) => f.properties.value).filter((v) => typeof v === 'number');
    const scale = classes(values);
    const withValues = features.some((f) => 'value' in f.properties);
    layer = L.geoJSON(geo, {
      style: (feature) => {
        const p = feature.properties;
        const fill = p.suppressed ? HATCH : typeof p.value === 'number' ? scale.colour(p.value) : withValues ? NO_DATA : '#c9dbe8';
        return { color: '#37474f', weight: 1, fillColor: fill, fillOpacity: 1, className: p.suppressed ? 'region suppressed' : 'region' };
      },
      onEachFeature: (feature, path) => {
        const p = feature.properties;
        const name = regionName(p);
        path.bindTooltip(() => tooltip(p, name), { sticky: true });
        path.on('mouseover', () => path.setStyle({ weight: 3, color: '#111' }));
        path.on('mouseout', () => path.setStyle({ weight: 1, color: '#37474f' }));
        path.on('click', () => showRegion(p, name));
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    ensureHatch();
    drawn = features.length;
    mapBox.dataset.features = String(drawn);
    mapBox.dataset.suppressed = String(features.filter((f) => f.properties.suppressed).length);
    mapBox.dataset.measure = withValues ? state.measure : 'none';
    mapBox.dataset.level = state.level;
    if (legend) legend.remove();
    legend = L.control({ position: 'topright' });
    legend.onAdd = () => h('div', { className: 'legend', id: 'map-legend' },
      h('h4', {}, withValues ? MEASURES[state.measure] : 'Regions'),
      h('ul', {},
        withValues ? scale.legend.map(([colour, label]) => h('li', {}, swatch(colour), label)) : h('li', {}, swatch('#c9dbe8'), LEVELS[state.level].label),
        h('li', {}, h('span', { className: 'swatch swatch-suppressed' }), 'hidden: 1–4 people'),
        withValues ? h('li', {}, h('span', { className: 'swatch swatch-none' }), 'no figure') : null));
    legend.addTo(map);
    if (withValues) {
      renderTable(features);
      await renderTrend(null);
    }
  }

  function swatch(colour) {
    const node = h('span', { className: 'swatch' });
    node.style.background = colour;
    return node;
  }

  function tooltip(p, name) {
    return h('div', {},
      h('strong', {}, name),
      'value' in p ? h('div', {}, p.suppressed ? 'Hidden: fewer than 5 people' : `${MEASURES[state.measure]}: ${formatNumber(p.value, state.measure === 'vacancies_per_holder' ? 2 : 0)}`) : null,
      'supply_earners' in p && !p.suppressed ? h('div', {}, `Verified holders: ${formatNumber(p.supply_earners)}`) : null,
      'demand_vacancies' in p ? h('div', {}, `Vacancies: ${formatNumber(p.demand_vacancies)}`) : null);
  }

  async function showRegion(p, name) {
    const code = p.code || p[LEVELS[state.level].code];
    drill.replaceChildren(h('h2', {}, name),
      'value' in p ? h('dl', {},
        h('dt', {}, 'Verified holders'), h('dd', {}, p.suppressed ? 'hidden (1–4 people)' : formatNumber(p.supply_earners)),
        h('dt', {}, 'Vacancies'), h('dd', {}, formatNumber(p.demand_vacancies)),
        h('dt', {}, 'Gap'), h('dd', {}, p.suppressed ? 'hidden' : formatNumber(p.gap))) : h('p', { className: 'muted' }, `Code ${code}`));
    if (!analytics || !state.skill) return;
    await renderTrend(`${state.level}:${code}`, name);
    if (!p.suppressed && (await hasRoute('GET /api/v1/analytics/drill'))) {
      try {
        const sources = await api('/analytics/drill', { query: { skill: state.skill, region: `${state.level}:${code}`, side: 'supply', page_size: 10 } });
        const ids = sources.ids || sources.credential_ids || [];
        drill.append(h('h3', {}, 'Where the supply figure comes from'),
          h('p', { className: 'small' }, `${formatNumber(sources.total ?? ids.length)} verified credential(s)${ids.length ? '; the first:' : '.'}`),
          ids.length ? h('ul', { className: 'small' }, ids.slice(0, 10).map((id) => h('li', {}, typeof id === 'string' ? id : JSON.stringify(id)))) : null);
      } catch (error) {
        drill.append(notice('error', explainError(error)));
      }
    }
  }

  async function renderTrend(region, name) {
    for (const chart of charts.splice(0)) chart.destroy();
    trend.querySelector('h2').textContent = `Demand by month${name ? ` — ${name}` : ' — Ontario'}`;
    try {
      const answer = await api('/analytics/trends', { query: { skills: state.skill, region: region || undefined } });
      const months = [...new Set((answer.months || []).map((m) => m.month))].sort();
      const by = (key) => months.map((month) => (answer.months || []).filter((m) => m.month === month).reduce((sum, m) => sum + (m[key] || 0), 0));
      const { trendChart } = await import('../charts.js');
      charts.push(trendChart(trendCanvas, months, [
        { key: 'demand', label: 'Vacancies', values: by('vacancies') },
        { key: 'supply', label: 'Job postings', values: by('postings') },
      ]));
      trend.dataset.months = String(months.length);
    } catch (error) {
      trend.dataset.months = '0';
      trend.append(notice('error', explainError(error)));
    }
  }

  let rows = [];
  function renderTable(features) {
    // The figures drawn on the map, one row per area.
    rows = features.map((feature) => {
      const p = feature.properties;
      return {
        region: String(p.code ?? ''),
        name: regionName(p),
        supply: p.suppressed ? null : p.supply_earners,
        suppressed: Boolean(p.suppressed),
        vacancies: p.demand_vacancies,
        gap: p.suppressed ? null : p.gap,
        value: p.value,
      };
    });
    sortTable();
  }

  function sortTable() {
    const { key, dir } = state.sort;
    const sorted = [...rows].sort((a, b) => {
      const x = a[key];
      const y = b[key];
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (typeof x === 'string' ? x.localeCompare(y) : x - y) * dir;
    });
    const extra = ['demand_postings', 'vacancies_per_holder'].includes(state.measure);
    const columns = [['name', 'Area'], ['supply', 'Verified holders'], ['vacancies', 'Vacancies'], ['gap', 'Gap'], ...(extra ? [['value', MEASURES[state.measure]]] : [])];
    table.replaceChildren(h('h2', {}, `${LEVELS[state.level].label}: supply, demand and gap`),
      h('table', { className: 'table', id: 'gaps-table' },
        h('caption', { className: 'sr-only' }, 'Supply, demand and gap per area; choose a column heading to sort.'),
        h('thead', {}, h('tr', {}, columns.map(([column, label]) => h('th', {
          scope: 'col', className: column === 'name' ? '' : 'num',
          'aria-sort': key === column ? (dir > 0 ? 'ascending' : 'descending') : 'none',
        }, h('button', { type: 'button', onclick: () => { state.sort = { key: column, dir: key === column ? -dir : column === 'name' ? 1 : -1 }; sortTable(); } }, label, key === column ? (dir > 0 ? ' ▲' : ' ▼') : ''))))),
        h('tbody', {}, sorted.slice(0, 25).map((row) => h('tr', {},
          h('td', {}, h('button', { type: 'button', className: 'link', onclick: () => {
            const target = layer.getLayers().find((item) => String(item.feature.properties.code) === row.region);
            if (target) { map.fitBounds(target.getBounds(), { maxZoom: 8 }); showRegion(target.feature.properties, row.name); }
          } }, row.name)),
          h('td', { className: 'num' }, row.suppressed ? 'hidden' : formatNumber(row.supply)),
          h('td', { className: 'num' }, formatNumber(row.vacancies)),
          h('td', { className: 'num' }, row.suppressed ? 'hidden' : formatNumber(row.gap)),
          extra ? h('td', { className: 'num' }, row.suppressed ? 'hidden' : formatNumber(row.value, state.measure === 'vacancies_per_holder' ? 2 : 0)) : null)))));
  }

  async function exportCsv() {
    if (!analytics || !state.skill) {
      banner.replaceChildren(notice('error', 'Choose a skill first (and use a planning-board key) to export its figures.'));
      return;
    }
    try {
      const text = await api('/analytics/gaps.csv', { query: { skills: state.skill }, accept: 'text/csv', as: 'text' });
      download(`skill-gaps-${words(state.skillLabel || 'skill').replaceAll(' ', '-')}.csv`, text, 'text/csv');
      banner.replaceChildren(notice('ok', 'The CSV was downloaded.'));
    } catch (error) {
      banner.replaceChildren(notice('error', explainError(error)));
    }
  }

  (async () => {
    analytics = await hasRoute('GET /api/v1/analytics/geojson');
    if (!analytics) banner.replaceChildren(unavailable('Supply, demand and gap figures', 'GET /analytics/geojson'));
    else if (!apiKey()) banner.replaceChildren(notice('info', 'Figures need a planning-board key: paste it at the top of the page. The boundaries are shown meanwhile.'));
    const preset = new URLSearchParams(location.hash.split('?')[1] || '');
    if (preset.get('skill')) {
      state.skill = preset.get('skill');
      state.skillLabel = preset.get('label') || state.skill;
    }
    await draw();
    mapBox.dataset.ready = 'true';
  })();

  return { unmount: () => { for (const chart of charts.splice(0)) chart.destroy(); map.remove(); } };
}
