// Employer search: paste a job ad or build the requirement from skill chips, see what the
// server understood (and edit it), then candidates ranked by verified evidence.
import { api, apiKey, download, explainError, hasRoute } from '../api.js';
import { chipList, IMPORTANCE, skillCombo } from '../skillpicker.js';
import { csv, formatDate, formatNumber, h, notice, unavailable, words } from '../ui.js';
import { checkList, OUTCOMES } from './verify.js';

const PAGE_SIZE = 10;
const state = {
  mode: 'text',
  text: '',
  title: '',
  skills: [],
  place: '',
  radius: '',
  filters: { regions: [], issuers: [], kinds: [] },
  offset: 0,
  shortlist: new Map(),
  last: null,
};

const short = (earner) => (earner.length > 42 ? `${earner.slice(0, 24)}…${earner.slice(-12)}` : earner);

export function mount(root) {
  performance.mark('search-mount');
  const charts = [];
  const form = h('form', { className: 'card', id: 'search-form', 'aria-label': 'Job requirement' });
  const spec = h('section', { className: 'spec', id: 'search-spec', 'aria-live': 'polite' });
  const results = h('section', { id: 'search-results', 'aria-live': 'polite', 'aria-busy': 'false' });
  const facets = h('aside', { className: 'facets', id: 'search-facets', 'aria-label': 'Narrow the results' });
  const shortlistBox = h('section', { className: 'card shortlist', id: 'shortlist', 'aria-label': 'Shortlist' });
  const banner = h('div');
  const programs = h('section', { className: 'card', id: 'programs', 'aria-live': 'polite' });
  const saved = h('section', { className: 'card', id: 'saved-searches', 'aria-live': 'polite' });

  root.append(
    h('h1', {}, 'Find candidates'),
    h('p', { className: 'lead' }, 'Describe the job and see people whose skills are backed by verified credentials, with the evidence for each skill. Only people who agreed to be found are shown.'),
    banner,
    h('div', { className: 'search-layout' },
      h('div', {}, form, spec, facets, shortlistBox, saved),
      results),
  );

  function renderForm() {
    const tabs = h('div', { className: 'tabs', role: 'tablist', 'aria-label': 'How to describe the job' },
      ...[['text', 'Paste a job ad'], ['build', 'Pick skills']].map(([mode, label]) => h('button', {
        type: 'button', role: 'tab', id: `tab-${mode}`, 'aria-selected': String(state.mode === mode),
        onclick: () => { state.mode = mode; renderForm(); },
      }, label)));
    const body = state.mode === 'text'
      ? h('div', { className: 'field' },
        h('label', { for: 'job-text' }, 'Job ad'),
        h('textarea', { id: 'job-text', rows: 9, value: state.text, placeholder: 'Paste the text of the job ad…', oninput: (event) => { state.text = event.target.value; } }),
        h('p', { className: 'small muted' }, 'We find the skills it asks for; you can adjust them afterwards.'))
      : buildFields();
    form.replaceChildren(tabs, body,
      h('div', { className: 'row' },
        h('div', { className: 'field' }, h('label', { for: 'place' }, 'Location'),
          h('input', { type: 'text', id: 'place', value: state.place, placeholder: 'e.g. Hamilton or N3T', oninput: (event) => { state.place = event.target.value; } })),
        h('div', { className: 'field' }, h('label', { for: 'radius' }, 'Within (km)'),
          h('input', { type: 'number', id: 'radius', min: 1, max: 1000, value: state.radius, style: undefined, size: 5, oninput: (event) => { state.radius = event.target.value; } }))),
      h('button', { type: 'submit', id: 'search-submit' }, 'Find candidates'));
  }

  function buildFields() {
    let importance = 'must';
    const chips = h('div', { id: 'skill-chips' }, chipList(state.skills, (index) => { state.skills.splice(index, 1); renderForm(); }));
    return h('div', {},
      h('div', { className: 'field' }, h('label', { for: 'job-title' }, 'Job title (optional)'),
        h('input', { type: 'text', id: 'job-title', value: state.title, oninput: (event) => { state.title = event.target.value; } })),
      h('div', { className: 'field' },
        h('label', { for: 'importance' }, 'Next skill is'),
        h('select', { id: 'importance', onchange: (event) => { importance = event.target.value; } },
          Object.entries(IMPORTANCE).map(([value, label]) => h('option', { value }, label)))),
      skillCombo({
        id: 'skill-input', label: 'Add a skill',
        onPick: (choice) => {
          state.skills.push({ id: choice.id, label: choice.label, importance });
          chips.replaceChildren(chipList(state.skills, (index) => { state.skills.splice(index, 1); renderForm(); }));
          document.getElementById('skill-input')?.focus();
        },
      }),
      chips);
  }

  function request() {
    const body = { limit: PAGE_SIZE, offset: state.offset };
    const filters = {};
    if (state.filters.regions.length) filters.regions = state.filters.regions.map(({ level, code }) => ({ level, code }));
    if (state.filters.issuers.length) filters.issuers = state.filters.issuers.map((issuer) => issuer.value);
    if (state.filters.kinds.length) filters.kinds = state.filters.kinds.map((kind) => kind.value);
    if (Object.keys(filters).length) body.filters = filters;
    const place = state.place.trim();
    const location = place ? (Number(state.radius) > 0 ? { region: place, radius_km: Number(state.radius) } : place) : undefined;
    if (state.mode === 'text') {
      if (location) {
        body.job = { text: state.text, location };
      } else {
        body.job_text = state.text;
      }
    } else {
      const pick = (importance) => state.skills.filter((skill) => skill.importance === importance).map((skill) => skill.id || skill.label);
      body.job = {
        ...(state.title.trim() ? { title: state.title.trim() } : {}),
        required: pick('must'), preferred: pick('should'), excluded: pick('must_not'),
        ...(location ? { location } : {}),
      };
    }
    return body;
  }

  async function run() {
    const nothing = state.mode === 'text' ? !state.text.trim() : state.skills.length === 0;
    if (nothing) {
      results.replaceChildren(notice('error', state.mode === 'text' ? 'Paste a job ad first.' : 'Add at least one skill first.'));
      return;
    }
    if (!apiKey()) {
      results.replaceChildren(notice('error', 'Searching needs an employer API key. Paste it at the top of the page and choose “Use key”.'));
      return;
    }
    performance.clearMarks('search-submit');
    performance.mark('search-submit');
    results.setAttribute('aria-busy', 'true');
    results.replaceChildren(notice('info', 'Searching…'));
    try {
      const answer = await api('/search/candidates', { method: 'POST', body: request() });
      state.last = answer;
      renderSpec(answer.spec);
      await renderResults(answer.page);
      performance.mark('search-results');
      performance.measure('submit-to-results', 'search-submit', 'search-results');
    } catch (error) {
      results.replaceChildren(notice('error', explainError(error)));
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.offset = 0;
    run();
  });

  function renderSpec(parsed) {
    if (!parsed) { spec.replaceChildren(); return; }
    const groups = [['required', 'must'], ['preferred', 'should'], ['excluded', 'must_not']];
    const items = groups.flatMap(([field, importance]) => (parsed[field] || []).map((skill) => ({ id: skill.id, label: skill.label, importance, source: skill.source, span: skill.span })));
    const region = parsed.location?.region;
    spec.replaceChildren(h('div', { className: 'card' },
      h('h2', {}, 'What we understood'),
      parsed.title ? h('p', {}, h('strong', {}, 'Job: '), parsed.title) : null,
      parsed.occupation ? h('p', {}, h('strong', {}, 'Occupation: '), parsed.occupation.label || parsed.occupation.id) : null,
      items.length ? chipList(items, (index) => {
        items.splice(index, 1);
        editSpec(items, parsed);
      }) : h('p', { className: 'muted' }, 'No skills were recognised.'),
      region ? h('p', { className: 'small' }, h('strong', {}, 'Where: '), region.name || region.code || JSON.stringify(region), parsed.location.radius_km ? ` within ${parsed.location.radius_km} km` : '') : null,
      (parsed.unresolved || []).length ? h('p', { className: 'small missing' }, 'Not recognised: ', parsed.unresolved.map((item) => `“${item.input}” (${item.reason})`).join('; ')) : null,
      h('button', { type: 'button', className: 'secondary', id: 'edit-spec', onclick: () => editSpec(items, parsed) }, 'Edit these skills')));
  }

  function editSpec(items, parsed) {
    state.mode = 'build';
    state.skills = items.map(({ id, label, importance }) => ({ id, label, importance }));
    if (parsed.title) state.title = parsed.title;
    renderForm();
    document.getElementById('skill-input')?.focus();
  }

  async function renderResults(page) {
    for (const chart of charts.splice(0)) chart.destroy();
    renderFacets(page.facets);
    const first = page.total ? page.offset + 1 : 0;
    const last = page.offset + page.hits.length;
    const excluded = page.excluded || {};
    const head = h('div', { className: 'results-head' },
      h('h2', { id: 'results-count' }, page.total ? `${formatNumber(page.total)} candidates` : 'No candidates match'),
      h('p', { className: 'small muted' },
        page.total ? `Showing ${first}–${last}. ` : '',
        excluded.missing_must ? `${formatNumber(excluded.missing_must)} lacked a must-have skill. ` : '',
        excluded.holding_must_not ? `${formatNumber(excluded.holding_must_not)} held an excluded skill.` : ''));
    const list = h('ol', { className: 'hits', id: 'hits', start: first });
    results.replaceChildren(...[head, activeFilters(), list, pager(page), programsCard(page)].filter(Boolean));
    if (!page.hits.length) {
      list.replaceWith(notice('info', 'Nobody has verified evidence for all the must-have skills here. Try fewer must-haves, a wider area, or fewer filters.'));
      return;
    }
    const { heldMissingChart } = await import('../charts.js');
    for (const hit of page.hits) {
      const canvas = h('canvas', { role: 'img', 'aria-label': `Skills held and missing for candidate ${hit.rank}` });
      const item = hitView(hit, canvas);
      list.append(item);
      const rows = [
        ...hit.matched.map((match) => ({ label: match.label, held: Math.min(1, match.credit), missing: Math.max(0, 1 - match.credit) })),
        ...hit.missing.map((miss) => ({ label: miss.label, held: 0, missing: 1 })),
      ];
      charts.push(heldMissingChart(canvas, rows));
    }
  }

  function hitView(hit, canvas) {
    const verification = hit.verification || {};
    const saved = state.shortlist.has(hit.earner);
    return h('li', { className: 'hit', dataset: { earner: hit.earner } },
      h('div', { className: 'hit-head' },
        h('span', { className: 'hit-rank' }, `#${hit.rank}`),
        h('span', { className: 'hit-name', title: hit.earner }, short(hit.earner)),
        h('span', { className: 'score' }, formatNumber(hit.score, 2), h('small', {}, ' score')),
        h('button', {
          type: 'button', className: `badge ${verification.all_verified ? 'badge-ok' : 'badge-warn'} verify-badge`,
          'aria-haspopup': 'dialog',
          onclick: () => proofDialog(hit),
        }, verification.all_verified ? `✓ Verified · ${verification.credentials} credential${verification.credentials === 1 ? '' : 's'}` : 'Check proofs'),
        hit.locations?.length ? h('span', { className: 'small muted' }, hit.locations.join(', '), hit.distance_km != null ? ` · ${formatNumber(hit.distance_km)} km` : '') : null,
        h('label', { className: 'small' },
          h('input', { type: 'checkbox', className: 'shortlist-toggle', checked: saved, onchange: (event) => toggleShortlist(hit, event.target.checked) }),
          ' Shortlist')),
      h('div', { className: 'hit-body' },
        h('div', { className: 'chart-box' }, canvas),
        h('div', { className: 'evidence' },
          hit.matched.map((match) => h('details', { className: 'evidence-skill' },
            h('summary', {}, `${match.label} — ${words(match.match_kind)} (${IMPORTANCE[match.importance] || match.importance})`),
            h('table', {},
              h('thead', {}, h('tr', {}, ['Issuer', 'Credential', 'How the skill was found', 'Confidence', 'Issued', 'Valid until'].map((title) => h('th', { scope: 'col' }, title)))),
              h('tbody', {}, match.evidence.map((evidence) => h('tr', {},
                h('td', {}, evidence.issuer?.name || evidence.issuer?.id || '—'),
                h('td', {}, evidence.achievement?.name || evidence.credential_id),
                h('td', {}, words(evidence.method), evidence.span ? h('div', { className: 'muted' }, `“${evidence.span}”`) : null),
                h('td', {}, `${Math.round((evidence.confidence || 0) * 100)}%`),
                h('td', {}, formatDate(evidence.issued_at)),
                h('td', {}, evidence.valid_until ? formatDate(evidence.valid_until) : 'no end'))))))),
          hit.missing.length ? h('p', { className: 'missing small' }, 'Missing: ', hit.missing.map((miss) => miss.label).join(', ')) : null)));
  }

  async function proofDialog(hit) {
    const body = h('div', { className: 'dialog-body' }, notice('info', 'Loading the proof chain…'));
    const dialog = h('dialog', { 'aria-label': 'Proof chain', id: 'proof-dialog' },
      h('div', { className: 'dialog-body' },
        h('div', { className: 'dialog-head' },
          h('h2', {}, 'How these credentials were checked'),
          h('button', { type: 'button', className: 'secondary', onclick: () => dialog.close() }, 'Close'))),
      body);
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    const overview = hit.verification || {};
    const intro = h('p', {}, overview.all_verified
      ? `All ${overview.credentials} credential(s) from ${overview.issuers} issuer(s) passed verification: each signature matches its content, each signing key is published by its issuer, and each was valid and not revoked when last checked${overview.latest_verified_at ? ` (${formatDate(overview.latest_verified_at)})` : ''}.`
      : 'Not every credential behind this result could be fully verified; see each one below.');
    if (!(await hasRoute('GET /api/v1/candidates/{earner}'))) {
      body.replaceChildren(intro, unavailable('The detailed proof chain', 'GET /candidates/{earner}'));
      return;
    }
    try {
      const detail = await api(`/candidates/${encodeURIComponent(hit.earner)}`);
      body.replaceChildren(intro, ...(detail.credentials || []).map(credentialProof));
    } catch (error) {
      body.replaceChildren(intro, notice('error', explainError(error)));
    }
  }

  function credentialProof(credential) {
    const chain = credential.proof_chain || {};
    const outcome = credential.verification?.outcome || 'verified';
    return h('section', { className: `report ${outcome === 'verified' ? 'report-ok' : 'report-failed'} proof` },
      h('p', { className: 'verdict-title' }, credential.achievement?.name || credential.credential_id,
        h('span', { className: 'muted' }, ` from ${credential.issuer?.name || credential.issuer?.id || 'unknown issuer'}`)),
      h('p', {}, OUTCOMES[outcome] || words(outcome)),
      (chain.proofs || []).length ? h('p', { className: 'small' }, 'Signed with ', chain.proofs.map((proof) => `${proof.cryptosuite || proof.type}${proof.verification_method ? ` by key ${proof.verification_method}` : ''}`).join('; '), '.') : null,
      (chain.checks || []).length ? checkList({ checks: chain.checks }) : null,
      h('p', { className: 'small muted' }, [
        credential.format ? `Format: ${words(credential.format)}` : '',
        chain.verified_at ? `checked ${formatDate(chain.verified_at)}` : '',
        credential.issued_at ? `issued ${formatDate(credential.issued_at)}` : '',
        credential.valid_until ? `valid until ${formatDate(credential.valid_until)}` : '',
        credential.credential_id,
      ].filter(Boolean).join(' · ')));
  }

  function renderFacets(found) {
    if (!found) { facets.replaceChildren(); return; }
    const group = (title, values, kind) => (values?.length ? h('div', {},
      h('h3', {}, title),
      h('ul', {}, values.slice(0, 8).map((value) => h('li', {},
        kind ? h('button', { type: 'button', className: 'link', onclick: () => addFilter(kind, value, found.level) }, value.label || value.value) : h('span', {}, value.label || value.value),
        h('span', { className: 'muted' }, formatNumber(value.earners)))))) : null);
    facets.replaceChildren(h('div', { className: 'card' },
      h('h2', {}, 'Narrow down'),
      group('Area', found.regions, 'regions'),
      group('Issuer', found.issuers, 'issuers'),
      group('Kind of credential', found.kinds, 'kinds'),
      group('Skills held', found.skills, null),
      found.partial ? h('p', { className: 'small muted' }, 'Counts cover the best-scoring candidates only.') : null));
  }

  function addFilter(kind, value, level) {
    const list = state.filters[kind];
    if (!list.some((item) => item.value === value.value)) list.push({ ...value, level, code: value.value });
    state.offset = 0;
    run();
  }

  function activeFilters() {
    const all = Object.entries(state.filters).flatMap(([kind, values]) => values.map((value, index) => ({ kind, value, index })));
    if (!all.length) return null;
    return h('ul', { className: 'chips', 'aria-label': 'Active filters' }, all.map(({ kind, value, index }) => h('li', { className: 'chip chip-should' },
      h('span', {}, `${words(kind)}: ${value.label || value.value}`),
      h('button', { type: 'button', 'aria-label': `Remove filter ${value.label || value.value}`, onclick: () => { state.filters[kind].splice(index, 1); state.offset = 0; run(); } }, '×'))));
  }

  function pager(page) {
    if (page.total <= page.limit) return null;
    const last = Math.min(page.total, page.max_results || page.total);
    return h('nav', { className: 'pager', 'aria-label': 'Pages of results' },
      h('button', { type: 'button', className: 'secondary', disabled: page.offset === 0, onclick: () => { state.offset = Math.max(0, page.offset - page.limit); run(); } }, '← Previous'),
      h('span', {}, `Page ${Math.floor(page.offset / page.limit) + 1} of ${Math.ceil(last / page.limit)}`),
      h('button', { type: 'button', className: 'secondary', id: 'next-page', disabled: page.offset + page.limit >= last, onclick: () => { state.offset = page.offset + page.limit; run(); } }, 'Next →'));
  }

  function toggleShortlist(hit, on) {
    if (on) state.shortlist.set(hit.earner, hit);
    else state.shortlist.delete(hit.earner);
    renderShortlist();
  }

  function renderShortlist() {
    const entries = [...state.shortlist.values()];
    shortlistBox.replaceChildren(
      h('h2', {}, `Shortlist (${entries.length})`),
      entries.length ? h('ul', { className: 'small' }, entries.map((hit) => h('li', { title: hit.earner }, short(hit.earner), ` — ${formatNumber(hit.score, 2)}`))) : h('p', { className: 'small muted' }, 'Tick “Shortlist” on a candidate to keep them here.'),
      h('div', { className: 'row' },
        h('button', { type: 'button', id: 'export-csv', disabled: !entries.length, onclick: () => exportShortlist('csv') }, 'Export CSV'),
        h('button', { type: 'button', className: 'secondary', id: 'export-bundle', disabled: !entries.length, onclick: () => exportShortlist('bundle') }, 'Download signed credentials')),
      h('p', { className: 'small muted', id: 'export-status', role: 'status' }));
  }

  async function exportShortlist(format) {
    const status = document.getElementById('export-status');
    const entries = [...state.shortlist.values()];
    const earners = entries.map((hit) => hit.earner);
    if (await hasRoute('POST /api/v1/shortlist/export')) {
      try {
        const blob = await api('/shortlist/export', { method: 'POST', query: { format }, body: { earners }, as: 'blob' });
        download(format === 'csv' ? 'shortlist.csv' : 'shortlist-credentials.json', blob);
        status.textContent = `Exported ${earners.length} candidate(s).`;
        return;
      } catch (error) {
        status.textContent = explainError(error);
        return;
      }
    }
    if (format !== 'csv') {
      status.textContent = 'Downloading the signed credentials is not available on this server yet.';
      return;
    }
    // The server has no export route yet: the CSV is made here from the results shown.
    const rows = [['rank', 'earner', 'score', 'skills held', 'skills missing', 'credentials', 'issuers', 'all verified']];
    for (const hit of entries) {
      rows.push([hit.rank, hit.earner, hit.score.toFixed(4), hit.matched.map((m) => m.label).join('; '), hit.missing.map((m) => m.label).join('; '), hit.verification?.credentials, hit.verification?.issuers, hit.verification?.all_verified]);
    }
    download('shortlist.csv', csv(rows), 'text/csv');
    status.textContent = `Exported ${earners.length} candidate(s).`;
  }

  /** Programs that teach the skills the candidates shown most often lack. */
  function programsCard(page) {
    const lacking = new Map();
    for (const hit of page.hits) for (const miss of [...hit.missing, ...(hit.not_held || [])]) lacking.set(miss.requirement, (lacking.get(miss.requirement) || 0) + 1);
    const ids = [...lacking.entries()].sort((a, b) => b[1] - a[1])
      .flatMap(([requirement]) => (page.requirements.find((r) => r.id === requirement)?.skills || []).slice(0, 1).map((skill) => skill.id))
      .slice(0, 5);
    // Nobody here lacks a skill: programs that teach the job's skills, to grow the pool.
    const wanted = ids.length ? ids : page.requirements.filter((r) => r.importance !== 'must_not')
      .flatMap((r) => r.skills.slice(0, 1).map((skill) => skill.id)).slice(0, 5);
    if (!wanted.length) { programs.replaceChildren(); return null; }
    programs.replaceChildren(
      h('h2', {}, ids.length ? 'Programs that teach the missing skills' : 'Programs that teach these skills'),
      h('p', { className: 'small muted' }, ids.length
        ? 'Where people could learn what these candidates lack: programs whose verified graduates hold those skills.'
        : 'Where more people with these skills come from: programs whose verified graduates hold them.'),
      h('button', { type: 'button', className: 'secondary', id: 'find-programs', onclick: () => findPrograms(wanted) }, 'Find programs'));
    return programs;
  }

  async function findPrograms(ids) {
    const out = h('div', { id: 'program-list' }, notice('info', 'Looking for programs…'));
    programs.querySelector('#program-list')?.remove();
    programs.append(out);
    if (!(await hasRoute('POST /api/v1/search/programs'))) { out.replaceChildren(unavailable('Program search', 'POST /search/programs')); return; }
    try {
      const page = await api('/search/programs', { method: 'POST', body: { skills: ids, limit: 5 } });
      out.replaceChildren(...[page.programs.length ? h('ol', { className: 'small' }, page.programs.map((program) => h('li', {},
        h('strong', {}, program.name), ` — ${program.issuer_name || program.issuer}`,
        h('span', { className: 'muted' }, ` · ${words(program.kind)}${program.credit ? ', for credit' : ''} · ${formatNumber(program.holders)} verified graduates`))))
        : notice('info', 'No program with enough verified graduates teaches these skills yet.'),
      page.suppressed_programs ? h('p', { className: 'small muted' }, `${page.suppressed_programs} smaller program(s) not shown for privacy.`) : null].filter(Boolean));
    } catch (error) {
      out.replaceChildren(notice('error', explainError(error)));
    }
  }

  /** Saved searches: keep this search, run it again later to see who is new or changed. */
  async function renderSaved(message) {
    if (!(await hasRoute('GET /api/v1/saved-searches'))) { saved.replaceChildren(unavailable('Saved searches', 'GET /saved-searches')); return; }
    const name = h('input', { type: 'text', id: 'saved-name', placeholder: 'e.g. Health educators, Toronto' });
    const list = h('ul', { className: 'small', id: 'saved-list' });
    saved.replaceChildren(...[h('h2', {}, 'Saved searches'),
      h('form', { className: 'row', onsubmit: async (event) => {
        event.preventDefault();
        if (!state.last) { renderSaved('Run a search first, then save it.'); return; }
        try {
          const { limit, offset, ...search } = request();
          await api('/saved-searches', { method: 'POST', body: { name: name.value.trim() || 'Untitled search', search } });
          renderSaved('Saved.');
        } catch (error) { renderSaved(explainError(error)); }
      } }, h('div', { className: 'field' }, h('label', { for: 'saved-name' }, 'Name this search'), name), h('button', { type: 'submit', id: 'save-search' }, 'Save')),
      message ? h('p', { className: 'small', role: 'status' }, message) : null,
      list].filter(Boolean));
    if (!apiKey()) return;
    try {
      const found = await api('/saved-searches');
      list.replaceChildren(...(found.searches || []).map((item) => h('li', {},
        h('strong', {}, item.name), ' ',
        h('button', { type: 'button', className: 'link', onclick: async (event) => {
          const status = event.target.nextElementSibling;
          status.textContent = ' running…';
          try {
            const run = await api(`/saved-searches/${encodeURIComponent(item.id)}/run`, { method: 'POST' });
            status.textContent = ` ${run.new.length} new, ${run.changed.length} changed, ${run.removed.length} gone, ${run.revoked.length} revoked credential(s) since last run.`;
          } catch (error) { status.textContent = ` ${explainError(error)}`; }
        } }, 'Run again'), h('span', { className: 'muted' }))));
    } catch (error) {
      list.replaceChildren(h('li', {}, explainError(error)));
    }
  }

  renderForm();
  renderShortlist();
  renderSaved();
  if (state.last) {
    renderSpec(state.last.spec);
    renderResults(state.last.page);
  }
  hasRoute('POST /api/v1/search/candidates').then((present) => {
    if (!present) banner.replaceChildren(unavailable('Candidate search', 'POST /search/candidates'));
  });
  performance.mark('search-ready');
  return { unmount: () => { for (const chart of charts.splice(0)) chart.destroy(); } };
}
