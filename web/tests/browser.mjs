// Drives the web application in a real headless Chromium (Debian's /usr/bin/chromium, through
// playwright-core) against a running server, and prints one JSON object of what it saw.
//
//   node web/tests/browser.mjs <base-url> [role=key …]
//
// SKILLPROOF_WEB_TEST names a JSON file of inputs: {"screenshots": dir, "verify":
// {"tampered": path, "valid": path}, "search": {...}, "map": {...}, "institution": {...}}.
// Each scenario records its findings (or its error) and the run goes on; the Rust test
// (tests/it/web.rs) asserts on the output. Exit code 0 unless the browser could not start.
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, ...keyArgs] = process.argv.slice(2);
if (!base) {
  console.error('usage: node web/tests/browser.mjs <base-url> [role=key …]');
  process.exit(2);
}
const keys = Object.fromEntries(keyArgs.map((arg) => {
  const at = arg.indexOf('=');
  return [arg.slice(0, at), arg.slice(at + 1)];
}));
const input = process.env.SKILLPROOF_WEB_TEST ? JSON.parse(readFileSync(process.env.SKILLPROOF_WEB_TEST, 'utf8')) : {};
const shots = input.screenshots || null;
if (shots) mkdirSync(shots, { recursive: true });

const profile = mkdtempSync(join(tmpdir(), 'skillproof-chromium-'));
// A fresh profile each run (playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  deviceScaleFactor: 1,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const out = { base, pages: {}, console_errors: [], refused_requests: [], csp_violations: [], page_errors: [], failed_requests: [], javascript: {} };

async function newPage(name, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage();
  await page.setViewportSize(viewport);
  const context = { close: () => page.close() };
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const text = message.text();
      if (/Content Security Policy|Refused to/i.test(text)) out.csp_violations.push({ page: name, text });
      else if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) out.refused_requests.push({ page: name, text });
      else out.console_errors.push({ page: name, text });
    }
  });
  page.on('pageerror', (error) => out.page_errors.push({ page: name, text: String(error) }));
  page.on('requestfailed', (request) => out.failed_requests.push({ page: name, url: request.url(), error: request.failure()?.errorText }));
  page.on('response', async (response) => {
    const url = response.url();
    if (!url.endsWith('.js')) return;
    try {
      const sizes = await response.request().sizes();
      // Files come from the cache on later pages (0 bytes): keep the first, real transfer.
      const path = url.replace(base, '');
      const transferred = sizes.responseBodySize + sizes.responseHeadersSize;
      if (!out.javascript[path] || out.javascript[path].transferred < transferred) {
        out.javascript[path] = { transferred, encoding: (await response.allHeaders())['content-encoding'] || 'identity', first_page: name };
      }
    } catch { /* the page went away */ }
  });
  return { context, page };
}

async function setKey(page, key) {
  if (!key) return;
  await page.fill('#api-key', key);
  await page.click('#key-form button[type=submit]');
}

// axe-core, run through the DevTools protocol (the page's CSP rightly refuses injected
// scripts): WCAG 2.1 A/AA rules, serious and critical findings only.
const AXE = readFileSync(new URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
out.accessibility = {};
async function audit(page, name) {
  const found = await page.evaluate(`${AXE}
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((result) => ({
        rules_passed: result.passes.length,
        violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((node) => node.target.join(' ')) })),
      }))`);
  out.accessibility[name] = found;
}

async function shot(page, name) {
  if (!shots) return null;
  const path = join(shots, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

async function scenario(name, body) {
  const started = Date.now();
  const result = {};
  try {
    out.pages[name] = { ok: true, ...(await body(result)) };
  } catch (error) {
    out.pages[name] = { ...result, ok: false, error: String(error?.stack || error) };
  }
  out.pages[name].seconds = (Date.now() - started) / 1000;
}

// ---------------------------------------------------------------- verify
await scenario('verify', async (result) => {
  const { context, page } = await newPage('verify');
  const response = await page.goto(`${base}/#/verify`);
  result.headers = await response.allHeaders();
  await page.waitForSelector('#verify-drop');
  for (const [which, path] of Object.entries(input.verify || {})) {
    await page.setInputFiles('#verify-file', path);
    const file = path.split('/').pop();
    await page.waitForSelector(`#verify-result[data-file="${file}"] .report`, { timeout: 30_000 });
    result[which] = await page.$eval('#verify-result .report', (report) => ({
      outcome: report.dataset.outcome,
      badge: report.querySelector('.badge')?.textContent,
      explanation: report.querySelector('.verdict p:nth-of-type(2)')?.textContent,
      packaging: report.querySelector('.verdict p.small')?.textContent,
      checks: [...report.querySelectorAll(':scope > .checks > .check')].map((check) => ({
        name: check.querySelector('.check-head strong')?.textContent,
        result: check.querySelector('.check-result')?.textContent,
        question: check.querySelector('.check-question')?.textContent,
        detail: check.querySelector('.check-detail')?.textContent || '',
      })),
    }));
    result[which].screenshot = await shot(page, `verify-${which}`);
    if (which === 'tampered') await audit(page, 'verify');
  }
  // Pasting a non-credential is explained, not a crash.
  await page.fill('#verify-text', 'this is not a credential');
  await page.click('#verify-submit');
  await page.waitForFunction(() => document.querySelector('#verify-result .report, #verify-result .notice.error'));
  result.garbage = await page.$eval('#verify-result', (node) => ({
    outcome: node.querySelector('.report')?.dataset.outcome || null,
    text: node.textContent.slice(0, 300),
  }));
  await context.close();
  return result;
});

// ---------------------------------------------------------------- search
await scenario('search', async (result) => {
  const { context, page } = await newPage('search');
  await page.goto(`${base}/#/search`);
  await page.waitForSelector('#search-form');
  // First meaningful paint: the search form on screen (the app's own mark), beside the
  // browser's first contentful paint.
  result.paint = await page.evaluate(() => ({
    first_contentful_paint_ms: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    search_form_ready_ms: performance.getEntriesByName('search-ready')[0]?.startTime ?? null,
    dom_content_loaded_ms: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? null,
  }));
  result.unavailable_banner = await page.$$eval('.page-search .notice.unavailable', (nodes) => nodes.length);
  await setKey(page, keys.employer);
  const skills = input.search?.skills || [];
  await page.click('#tab-build');
  const importance = ['must', 'should'];
  for (const [i, skill] of skills.slice(0, 2).entries()) {
    await page.selectOption('#importance', importance[i]);
    // Autocomplete: type part of the label, wait for the suggestion, choose it by keyboard.
    await page.fill('#skill-input', skill.label);
    await page.waitForSelector('[role=listbox]:not([hidden]) [role=option]', { timeout: 10_000 });
    result.suggestions = await page.$$eval('[role=listbox]:not([hidden]) [role=option]', (nodes) => nodes.map((node) => node.textContent));
    const index = await page.$$eval('[role=listbox]:not([hidden]) [role=option]', (nodes, id) => nodes.findIndex((node) => node.textContent.includes(id)), skill.id);
    for (let step = 0; step <= Math.max(0, index); step += 1) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
  }
  result.chips = await page.$$eval('#skill-chips .chip', (nodes) => nodes.map((node) => node.textContent));
  await page.click('#search-submit');
  await page.waitForSelector('#results-count, #search-results .notice.error', { timeout: 60_000 });
  result.submit_to_results_ms = await page.evaluate(() => performance.getEntriesByName('submit-to-results').at(-1)?.duration ?? null);
  result.error = await page.$eval('#search-results', (node) => node.querySelector('.notice.error')?.textContent || null);
  result.count_heading = await page.$eval('#search-results', (node) => node.querySelector('#results-count')?.textContent || null);
  result.hits = await page.$$eval('#hits .hit', (nodes) => nodes.map((node) => ({
    earner: node.dataset.earner,
    score: node.querySelector('.score')?.textContent,
    chart: Boolean(node.querySelector('canvas')) && node.querySelector('canvas').width > 0,
    evidence_skills: node.querySelectorAll('.evidence-skill').length,
  })));
  result.spec_chips = await page.$$eval('#search-spec .chip', (nodes) => nodes.map((node) => node.textContent));
  result.facets = await page.$$eval('#search-facets li', (nodes) => nodes.length);
  // Evidence of the first candidate's first skill.
  if (result.hits.length) {
    await page.click('#hits .hit:first-child .evidence-skill summary');
    result.evidence_rows = await page.$$eval('#hits .hit:first-child .evidence-skill[open] tbody tr', (rows) => rows.map((row) => [...row.cells].map((cell) => cell.textContent)));
    await shot(page, 'search-results');
    await audit(page, 'search');
    // The verification badge opens the proof chain in plain words.
    await page.click('#hits .hit:first-child .verify-badge');
    await page.waitForSelector('#proof-dialog .proof, #proof-dialog .notice.unavailable, #proof-dialog .notice.error', { timeout: 20_000 });
    result.proof = await page.$eval('#proof-dialog', (node) => ({
      text: node.textContent.slice(0, 600),
      credentials: node.querySelectorAll('.proof').length,
      checks: node.querySelectorAll('.proof .check').length,
      failed: node.querySelectorAll('.proof .check-fail').length,
    }));
    await shot(page, 'search-proof');
    await page.keyboard.press('Escape');
    // Shortlist two and export them as CSV.
    const toggles = await page.$$('#hits .shortlist-toggle');
    for (const toggle of toggles.slice(0, 2)) await toggle.check();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.click('#export-csv')]);
    const path = await download.path();
    result.export = { name: download.suggestedFilename(), text: readFileSync(path, 'utf8').slice(0, 200_000), status: await page.$eval('#export-status', (node) => node.textContent) };
    result.shortlisted = toggles.slice(0, 2).length ? await page.$$eval('#hits .shortlist-toggle:checked', (nodes) => nodes.map((node) => node.closest('.hit').dataset.earner)) : [];
    // Programs that teach what these candidates lack.
    await page.click('#find-programs');
    await page.waitForSelector('#program-list ol, #program-list .notice:not(.info)', { timeout: 30_000 });
    result.programs = await page.$$eval('#program-list li', (nodes) => nodes.map((node) => node.textContent));
    // Save the search, then run it again: nothing changed in between.
    await page.fill('#saved-name', 'Browser test search');
    await page.click('#save-search');
    await page.waitForSelector('#saved-list li button', { timeout: 20_000 });
    await page.click('#saved-list li:last-child button');
    await page.waitForFunction(() => /since last run|\(/.test(document.querySelector('#saved-list li:last-child span')?.textContent || ''), null, { timeout: 30_000 });
    result.saved_run = await page.$eval('#saved-list li:last-child', (node) => node.textContent);
    // Next page, when there is one.
    if (await page.$('#next-page:not([disabled])')) {
      await page.click('#next-page');
      await page.waitForFunction(() => document.querySelector('#hits .hit .hit-rank')?.textContent === '#11', null, { timeout: 30_000 });
      result.second_page_first_rank = await page.$eval('#hits .hit .hit-rank', (node) => node.textContent);
    }
  }
  // The same page on a phone-sized screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  if (shots) await page.screenshot({ path: join(shots, 'search-mobile.png'), fullPage: false });
  await context.close();
  return result;
});

// ---------------------------------------------------------------- map
await scenario('map', async (result) => {
  const { context, page } = await newPage('map');
  await page.goto(`${base}/#/verify`);
  await setKey(page, keys.board);
  const skill = input.map?.skill;
  await page.goto(`${base}/#/map?skill=${encodeURIComponent(skill || '')}&label=${encodeURIComponent(input.map?.label || '')}`);
  await page.waitForSelector('#map[data-ready=true]', { timeout: 60_000 });
  const read = () => page.evaluate(() => {
    const map = document.getElementById('map');
    return {
      features: Number(map.dataset.features),
      suppressed: Number(map.dataset.suppressed),
      measure: map.dataset.measure,
      paths: map.querySelectorAll('.leaflet-overlay-pane path').length,
      hatched: map.querySelectorAll('.leaflet-overlay-pane path[fill="url(#hatch-suppressed)"]').length,
      pattern: Boolean(map.querySelector('pattern#hatch-suppressed')),
      legend: [...document.querySelectorAll('#map-legend li')].map((node) => node.textContent),
      table_rows: document.querySelectorAll('#gaps-table tbody tr').length,
      trend_months: Number(document.getElementById('trend')?.dataset.months || 0),
      banner: document.getElementById('map-banner')?.textContent || '',
    };
  });
  result.cd = await read();
  // What the API answered, to compare with what was drawn.
  result.api = await page.evaluate(async ({ skill, key }) => {
    const get = (path) => fetch(path, { headers: { Authorization: `Bearer ${key}` } }).then((response) => response.json());
    const geo = await get(`/api/v1/analytics/geojson?level=cd&skill=${encodeURIComponent(skill)}&measure=gap`);
    const gaps = await get(`/api/v1/analytics/gaps?skills=${encodeURIComponent(skill)}`);
    const groups = await get('/api/v1/analytics/gaps');
    const levels = {};
    for (const cell of gaps.cells || []) levels[cell.level] = (levels[cell.level] || 0) + 1;
    return {
      features: geo.features?.length,
      suppressed: geo.features?.filter((f) => f.properties.suppressed).length,
      sample: geo.features?.slice(0, 2).map((f) => f.properties),
      gap_levels: levels,
      gap_sample: (gaps.cells || []).slice(0, 2),
      months: (gaps.demand_by_month || []).length,
      group_sample: (groups.cells || []).filter((cell) => cell.level === 'province').sort((x, y) => (y.gap ?? -1e9) - (x.gap ?? -1e9)).slice(0, 3),
    };
  }, { skill, key: keys.board });
  await shot(page, 'map-census-divisions');
  await audit(page, 'map');
  // Sort the table by verified holders.
  if (result.cd.table_rows) {
    await page.click('#gaps-table thead th:nth-child(2) button');
    result.sorted = await page.$eval('#gaps-table thead th:nth-child(2)', (node) => node.getAttribute('aria-sort'));
  }
  // Hover and click drill-down on the first region.
  // Hover a region for its tooltip; choose the top row of the table (the keyboard path to
  // the same drill-down a click on the map opens).
  const box = await page.$eval('#map', (node) => {
    // A point over a region (not the legend, not the water).
    const r = node.getBoundingClientRect();
    for (let fy = 0.3; fy < 0.95; fy += 0.05) {
      for (let fx = 0.2; fx < 0.8; fx += 0.05) {
        const x = r.x + r.width * fx;
        const y = r.y + r.height * fy;
        if (document.elementFromPoint(x, y)?.matches('path.leaflet-interactive')) return { x, y };
      }
    }
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  });
  await page.mouse.move(box.x, box.y);
  await page.mouse.move(box.x + 1, box.y + 1);
  result.tooltip = await page.waitForSelector('.leaflet-tooltip', { timeout: 5_000 }).then((node) => node.textContent()).catch(() => null);
  await page.mouse.click(box.x + 1, box.y + 1);
  await page.waitForFunction(() => document.querySelector('#drill h2')?.textContent !== 'Region details', null, { timeout: 10_000 });
  result.click_drill = await page.$eval('#drill h2', (node) => node.textContent);
  if (result.cd.table_rows) {
    await page.click('#gaps-table tbody tr:first-child button');
    await page.waitForFunction(() => document.querySelector('#drill h2')?.textContent === document.querySelector('#gaps-table tbody tr:first-child button').textContent, null, { timeout: 10_000 });
    await page.waitForTimeout(300);
    result.drill = await page.$eval('#drill', (node) => node.textContent.slice(0, 600));
  }
  for (const level of ['er', 'board']) {
    await page.selectOption('#map-level', level);
    await page.waitForFunction((wanted) => document.getElementById('map').dataset.level === wanted && document.querySelectorAll('.leaflet-overlay-pane path').length === Number(document.getElementById('map').dataset.features), level, { timeout: 30_000 });
    await page.waitForTimeout(300);
    result[level] = await read();
  }
  await shot(page, 'map-board-areas');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.click('#export-gaps')]);
  result.csv = readFileSync(await download.path(), 'utf8').split('\n').slice(0, 3);
  await context.close();
  return result;
});

// ---------------------------------------------------------------- institution
await scenario('institution', async (result) => {
  const { context, page } = await newPage('institution');
  await page.goto(`${base}/#/institution`);
  await setKey(page, keys.institution);
  await page.fill('#issuer', input.institution?.issuer || '');
  await page.click('#issuer-submit');
  await page.waitForSelector('#institution-out[data-loaded=true], #institution-out .notice.error', { timeout: 60_000 });
  result.error = await page.$eval('#institution-out', (node) => node.querySelector(':scope > .notice.error')?.textContent || null);
  result.skills_rows = await page.$$eval('#issuer-skills tbody tr', (rows) => rows.length);
  result.region_rows = await page.$$eval('#issuer-regions tbody tr', (rows) => rows.length);
  result.demand = await page.$('#issuer-demand') !== null;
  result.achievements = await page.$$eval('#achievement option', (nodes) => nodes.length);
  result.gap_rows = await page.$$eval('#achievement-gaps tbody tr', (rows) => rows.length);
  result.quality = await page.$eval('#institution-out', (node) => (node.querySelector('#issuer-quality') ? 'shown' : node.querySelector('.notice.unavailable') ? 'unavailable' : 'missing'));
  result.unavailable = await page.$$eval('#institution-out .notice.unavailable', (nodes) => nodes.map((node) => node.textContent));
  await page.waitForTimeout(200);
  await shot(page, 'institution');
  await audit(page, 'institution');
  // Another issuer's dashboard is refused for this key, and said so.
  await page.fill('#issuer', 'did:web:someone-else.example');
  await page.click('#issuer-submit');
  await page.waitForSelector('#institution-out .notice.error', { timeout: 20_000 });
  result.other_issuer = await page.$eval('#institution-out .notice.error', (node) => node.textContent);
  await context.close();
  return result;
});

await browser.close();
rmSync(profile, { recursive: true, force: true });
out.javascript_total = Object.values(out.javascript).reduce((sum, entry) => sum + entry.transferred, 0);
console.log(JSON.stringify(out, null, 2));
