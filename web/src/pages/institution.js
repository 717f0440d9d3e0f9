// Institution dashboard: an issuer's own credentials in the index, the demand for the skills
// they certify by region and month, their gaps against regional demand, and the issuer's
// data-quality report with the credentials to fix.
import { api, apiKey, explainError, hasRoute } from '../api.js';
import { formatNumber, h, notice, unavailable, words } from '../ui.js';

const ISSUER = 'skillproof.issuer';
const DEFECTS = {
  no_skills: 'No skill could be attached (no alignment, no recognisable skill in the text)',
  free_text_skills_only: 'Skills found only in free text, none in a signed alignment',
  no_description: 'The achievement has no description',
  no_achievement_id: 'The achievement has no id, so it cannot be grouped into a program',
  unstable_credential_id: 'The credential has no id of its own',
  no_status_list: 'No status list: it cannot be revoked',
  verification_warning: 'Verified, with warnings',
  no_location: 'No location, so it counts in no region',
};

const labelCache = new Map();

/** Labels for skill ids and region codes (public lookups, cached for the page's life). */
async function resolveLabels(skills, regions) {
  const jobs = [];
  for (const id of skills) {
    if (!labelCache.has(id)) jobs.push(api(`/skills/${encodeURIComponent(id)}`).then((found) => labelCache.set(id, found.label || id)).catch(() => labelCache.set(id, id)));
  }
  for (const code of regions) {
    const key = `region:${code}`;
    if (!labelCache.has(key)) jobs.push(api(`/regions/${encodeURIComponent(code)}`).then((found) => labelCache.set(key, found.name || code)).catch(() => labelCache.set(key, code)));
  }
  await Promise.all(jobs);
}
const skillLabel = (id) => labelCache.get(id) || id;
const regionLabel = (code) => labelCache.get(`region:${code}`) || code;

const count = (released) => (released?.suppressed ? 'hidden (1–4)' : formatNumber(released?.earners));

export function mount(root) {
  const charts = [];
  const issuerInput = h('input', { type: 'text', id: 'issuer', value: sessionStorage.getItem(ISSUER) || '', placeholder: 'did:web:college.example', size: 40 });
  const out = h('div', { id: 'institution-out', 'aria-live': 'polite' });
  root.append(
    h('h1', {}, 'Institution dashboard'),
    h('p', { className: 'lead' }, 'What your credentials add up to: who holds them, which skills they certify, where those skills are in demand, and what in your published data needs fixing. Counts of 1–4 people are hidden.'),
    h('form', { className: 'card row', id: 'issuer-form', onsubmit: (event) => { event.preventDefault(); load(); } },
      h('div', { className: 'field' }, h('label', { for: 'issuer' }, 'Your issuer id'), issuerInput),
      h('button', { type: 'submit', id: 'issuer-submit' }, 'Show dashboard')),
    out);

  async function load() {
    for (const chart of charts.splice(0)) chart.destroy();
    const issuer = issuerInput.value.trim();
    if (!issuer) return;
    sessionStorage.setItem(ISSUER, issuer);
    if (!apiKey()) {
      out.replaceChildren(notice('error', 'The dashboard needs your institution’s API key. Paste it at the top of the page and choose “Use key”.'));
      return;
    }
    out.replaceChildren(notice('info', 'Loading…'));
    const path = `/institutions/issuers/${encodeURIComponent(issuer)}`;
    const [report, demand, quality] = await Promise.all([
      api(`${path}/report`).catch((error) => ({ error })),
      hasRoute('GET /api/v1/institutions/issuers/{issuer}/demand').then((present) => (present ? api(`${path}/demand`).catch((error) => ({ error })) : null)),
      hasRoute('GET /api/v1/institutions/issuers/{issuer}/quality').then((present) => (present ? api(`${path}/quality`).catch((error) => ({ error })) : null)),
    ]);
    if (report.error) {
      out.replaceChildren(notice('error', explainError(report.error)));
      return;
    }
    out.replaceChildren(
      overview(report, demand),
      demand === null ? unavailable('Demand for your credentials’ skills', 'GET /institutions/issuers/{issuer}/demand')
        : demand.error ? notice('error', explainError(demand.error)) : await demandView(demand),
      qualityView(quality));
    out.dataset.loaded = 'true';
  }

  function overview(report, demand) {
    const achievements = demand && !demand.error ? demand.achievements?.length : null;
    return h('section', { id: 'issuer-overview' },
      h('div', { className: 'kpis' },
        h('div', { className: 'kpi' }, h('b', {}, formatNumber(report.skills?.length)), 'skills certified'),
        h('div', { className: 'kpi' }, h('b', {}, formatNumber(report.census_divisions?.filter((row) => !row.suppressed).length)), 'census divisions with holders'),
        achievements !== null ? h('div', { className: 'kpi' }, h('b', {}, formatNumber(achievements)), 'programs and badges') : null,
        h('div', { className: 'kpi' }, h('b', {}, `< ${report.k_anonymity}`), 'people: counts hidden')),
      h('div', { className: 'two' },
        releasedTable('Holders per skill', 'Skill', report.skills, 'issuer-skills'),
        h('div', {},
          releasedTable('Holders per census division', 'Census division', report.census_divisions, 'issuer-regions'),
          releasedTable('Holders per kind of credential', 'Kind', report.kinds, 'issuer-kinds'))));
  }

  function releasedTable(title, column, rows = [], id) {
    return h('section', { className: 'card', id },
      h('h2', {}, title),
      rows.length ? h('table', { className: 'table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, column), h('th', { scope: 'col', className: 'num' }, 'People'))),
        h('tbody', {}, rows.slice(0, 15).map((row) => h('tr', { className: row.suppressed ? 'suppressed' : '' },
          h('td', {}, row.label || words(row.value)), h('td', { className: 'num' }, count(row))))))
        : h('p', { className: 'muted' }, 'Nothing yet.'),
      rows.length > 15 ? h('p', { className: 'small muted' }, `and ${rows.length - 15} more`) : null);
  }

  async function demandView(demand) {
    const achievements = demand.achievements || [];
    if (!achievements.length) return notice('info', 'None of your credentials is in the index yet.');
    const detail = h('div', { id: 'achievement-detail' });
    const select = h('select', { id: 'achievement', onchange: () => show(achievements[Number(select.value)]) },
      achievements.map((achievement, index) => h('option', { value: index }, `${achievement.name} (${count(achievement.holders)} holders)`)));
    const { barChart, trendChart } = await import('../charts.js');
    const skillIds = new Set();
    const regionCodes = new Set();
    for (const achievement of achievements) {
      for (const id of achievement.skills || []) skillIds.add(id);
      for (const cell of achievement.gaps || []) { skillIds.add(cell.skill); if (cell.level !== 'province') regionCodes.add(cell.region); }
      for (const skill of achievement.demand || []) for (const row of skill.demand || []) if (row.level !== 'province') regionCodes.add(row.region);
    }
    await resolveLabels([...skillIds].slice(0, 60), [...regionCodes].slice(0, 60));
    function show(achievement) {
      for (const chart of charts.splice(0)) chart.destroy();
      const months = new Map();
      const regions = new Map();
      for (const skill of achievement.demand || []) {
        for (const row of skill.demand || []) {
          months.set(row.month, (months.get(row.month) || 0) + row.vacancies);
          if (row.level !== 'province') regions.set(row.region, (regions.get(row.region) || 0) + row.vacancies);
        }
      }
      const monthKeys = [...months.keys()].sort();
      const topRegions = [...regions.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
      const monthCanvas = h('canvas', { role: 'img', 'aria-label': 'Vacancies asking for these skills, by month' });
      const regionCanvas = h('canvas', { role: 'img', 'aria-label': 'Vacancies asking for these skills, by region' });
      const gaps = (achievement.gaps || []).filter((cell) => cell.level !== 'province').sort((a, b) => (b.gap ?? -Infinity) - (a.gap ?? -Infinity)).slice(0, 12);
      detail.replaceChildren(
        h('p', { className: 'small' }, h('strong', {}, 'Skills it certifies: '), (achievement.skills || []).map(skillLabel).join(', ') || '—', achievement.skills_truncated ? ' …' : ''),
        h('div', { className: 'two' },
          h('section', { className: 'card' }, h('h3', {}, 'Vacancies for these skills by month'), h('div', { className: 'trend-box' }, monthCanvas)),
          h('section', { className: 'card' }, h('h3', {}, 'Where they are in demand'), h('div', { className: 'trend-box' }, regionCanvas))),
        h('section', { className: 'card', id: 'achievement-gaps' },
          h('h3', {}, 'Gaps against regional demand'),
          h('p', { className: 'small muted' }, 'Gap = vacancies minus verified holders of the skill (all issuers). A large gap is room for this program to grow.'),
          gaps.length ? h('table', { className: 'table' },
            h('thead', {}, h('tr', {}, ['Skill', 'Area', 'Holders', 'Vacancies', 'Gap'].map((title, i) => h('th', { scope: 'col', className: i > 1 ? 'num' : '' }, title)))),
            h('tbody', {}, gaps.map((cell) => h('tr', {},
              h('td', {}, skillLabel(cell.skill)), h('td', {}, regionLabel(cell.region)),
              h('td', { className: 'num' }, count(cell.supply)), h('td', { className: 'num' }, formatNumber(cell.demand_vacancies)),
              h('td', { className: 'num' }, cell.gap === null || cell.gap === undefined ? 'hidden' : formatNumber(cell.gap))))))
            : h('p', { className: 'muted' }, 'No regional figures.')));
      charts.push(trendChart(monthCanvas, monthKeys, [{ key: 'demand', label: 'Vacancies', values: monthKeys.map((key) => months.get(key)) }]));
      charts.push(barChart(regionCanvas, topRegions.map(([region]) => regionLabel(region)), [{ key: 'supply', label: 'Vacancies', values: topRegions.map(([, value]) => value) }], { horizontal: true }));
    }
    show(achievements[0]);
    return h('section', { id: 'issuer-demand' },
      h('h2', {}, 'Demand for your programs’ skills'),
      h('div', { className: 'field' }, h('label', { for: 'achievement' }, 'Program or badge'), select),
      detail,
      demand.achievements_not_shown ? h('p', { className: 'small muted' }, `${demand.achievements_not_shown} more not shown.`) : null);
  }

  function qualityView(quality) {
    if (quality === null) return unavailable('The data-quality report', 'GET /institutions/issuers/{issuer}/quality');
    if (quality.error) return notice('error', explainError(quality.error));
    const counts = Object.entries(quality.counts || {}).filter(([, value]) => value > 0);
    return h('section', { className: 'card', id: 'issuer-quality' },
      h('h2', {}, 'Data quality'),
      h('p', {}, `${formatNumber(quality.credentials)} of your credentials are indexed. `, counts.length ? 'These need attention:' : 'No problems found.'),
      counts.length ? h('ul', {}, counts.map(([kind, value]) => h('li', {}, `${DEFECTS[kind] || words(kind)}: ${formatNumber(value)}`))) : null,
      (quality.defects || []).length ? h('details', {},
        h('summary', {}, `The credentials to fix (${quality.defects.length})`),
        h('table', { className: 'table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Credential'), h('th', { scope: 'col' }, 'Problem'), h('th', { scope: 'col' }, 'Detail'))),
          h('tbody', {}, quality.defects.map((defect) => h('tr', {},
            h('td', {}, /^https?:\/\//.test(defect.credential_id) ? h('a', { href: defect.credential_id, rel: 'noopener noreferrer' }, defect.credential_id) : defect.credential_id),
            h('td', {}, DEFECTS[defect.kind] || words(defect.kind)),
            h('td', {}, defect.detail || '')))))) : null,
      (quality.not_recorded || []).length ? h('p', { className: 'small muted' }, 'Not judged (the index keeps no record of it): ', quality.not_recorded.join('; ')) : null);
  }

  if (issuerInput.value) load();
  return { unmount: () => { for (const chart of charts.splice(0)) chart.destroy(); } };
}
