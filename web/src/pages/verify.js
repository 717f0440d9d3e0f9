// Verify a credential: drop or choose a file (JSON, JSON-LD, a baked PNG/SVG badge) or paste a
// JWT or JSON, and see every check the server ran explained in plain words.
import { api, explainError } from '../api.js';
import { formatDate, h, notice, words } from '../ui.js';

/** What each outcome means (the same words as the command-line verifier). */
export const OUTCOMES = {
  verified: 'Signature, issuer key, dates and status all check out.',
  malformed: 'The file is not a well-formed credential.',
  too_large: 'The file exceeds a size or nesting limit.',
  unsupported: 'This kind of credential or proof is not supported.',
  unknown_context: 'It uses a JSON-LD context that is not in the pinned set.',
  data_loss: 'Some signed fields have no defined meaning and would be lost.',
  no_proof: 'It carries no proof at all.',
  invalid_signature: 'The signature does not match the content: it was altered or mis-signed.',
  key_resolution_failed: 'The signing key could not be found.',
  unbound_key: 'The signing key is not published by the issuer for issuing credentials.',
  origin_mismatch: 'The hosted badge is served from a site the issuer does not allow.',
  wrong_proof_purpose: 'The proof was made for another purpose.',
  challenge_mismatch: 'The presentation was made for another challenge or domain.',
  claim_mismatch: 'The token’s claims disagree with the credential inside it.',
  expired: 'It has expired.',
  not_yet_valid: 'It is not valid yet.',
  revoked: 'The issuer revoked it.',
  suspended: 'The issuer suspended it.',
  status_unknown: 'Its revocation status could not be confirmed.',
  holder_mismatch: 'The presenter is not the person the credential was issued to.',
  anchor_not_checked: 'Its content is intact, but the blockchain anchor was not checked.',
};

/** What each check looks at, for people. */
export const CHECKS = {
  parse: 'Can the file be read as a credential (JSON, JWT, or a badge image with one inside)?',
  context: 'Are the vocabularies it uses the known, pinned ones, so every signed field keeps its meaning?',
  signature: 'Does the digital signature match the content exactly, byte for byte?',
  key_binding: 'Is the signing key one the issuer has published for issuing credentials?',
  proof_purpose: 'Was the signature made for issuing credentials (not for something else)?',
  claims: 'Do the token’s claims agree with the credential inside it?',
  validity: 'Is today within the credential’s valid-from and valid-until dates?',
  status: 'Has the issuer revoked or suspended it?',
  holder: 'Is the person presenting it the person it was issued to?',
  schema: 'Does it follow its declared data schema? (A data-quality note, not a failure.)',
  nested: 'Do the credentials inside it verify one by one?',
  anchor: 'Is it anchored where it claims (blockchain)?',
};

const RESULT_WORDS = { pass: 'Passed', fail: 'Failed', warn: 'Note', skip: 'Not applicable' };
const RESULT_ICONS = { pass: '✓', fail: '✗', warn: '!', skip: '–' };

/** The list of checks of a report, explained. */
export function checkList(report) {
  return h('ol', { className: 'checks' }, (report.checks || []).map((check) => h('li', {
    className: `check check-${check.result}`,
  },
  h('span', { className: 'check-icon', 'aria-hidden': 'true' }, RESULT_ICONS[check.result] || '?'),
  h('div', {},
    h('p', { className: 'check-head' },
      h('strong', {}, words(check.check)), ' — ',
      h('span', { className: 'check-result' }, RESULT_WORDS[check.result] || check.result)),
    h('p', { className: 'check-question' }, CHECKS[check.check] || ''),
    check.detail ? h('p', { className: 'check-detail' }, check.detail) : null))));
}

/** A full verification report, explained. */
export function reportView(report, depth = 0) {
  const ok = report.verified === true;
  return h('section', { className: `report ${ok ? 'report-ok' : 'report-failed'}`, 'aria-label': depth ? 'Inner credential' : 'Result', 'data-outcome': report.outcome },
    h('div', { className: 'verdict' },
      h('span', { className: `badge ${ok ? 'badge-ok' : 'badge-failed'}` }, ok ? 'Verified' : 'Not verified'),
      h('div', {},
        h('p', { className: 'verdict-title' }, report.achievement || 'Credential',
          report.issuer_name || report.issuer ? h('span', { className: 'muted' }, ` from ${report.issuer_name || report.issuer}`) : null),
        h('p', {}, OUTCOMES[report.outcome] || words(report.outcome)),
        h('p', { className: 'muted small' },
          `Format: ${words(report.format)}`, report.container ? ` · packaged as ${words(report.container)}` : '',
          report.issuer ? ` · issuer id ${report.issuer}` : ''))),
    (report.proofs || []).length
      ? h('p', { className: 'small muted' }, `Proofs: ${report.proofs.map((proof) => [proof.cryptosuite || proof.type, proof.verification_method ? `by key ${proof.verification_method}` : '', proof.created ? `signed ${formatDate(proof.created)}` : '', `(${words(proof.outcome)})`].filter(Boolean).join(' ')).join('; ')}`)
      : null,
    h('h3', {}, 'What was checked'),
    checkList(report),
    (report.nested || []).length ? h('div', { className: 'nested' },
      h('h3', {}, `Credentials inside (${report.nested.length})`),
      report.nested.map((inner) => reportView(inner, depth + 1))) : null);
}

export function mount(root) {
  const output = h('div', { id: 'verify-result', 'aria-live': 'polite' });
  const file = h('input', { type: 'file', id: 'verify-file', accept: '.json,.jsonld,.jwt,.txt,.png,.svg,application/json,image/png,image/svg+xml' });
  const pasted = h('textarea', { id: 'verify-text', rows: 5, spellcheck: false, placeholder: 'eyJhbGciOi… or { "@context": … }' });
  const drop = h('div', { className: 'dropzone', id: 'verify-drop' },
    h('p', {}, h('strong', {}, 'Drop a credential file here'), ' — a JSON or JSON-LD credential, a baked badge image (PNG or SVG), or a JWT.'),
    h('label', { className: 'button secondary', for: 'verify-file' }, 'Choose a file…'),
    file);

  async function check(bytes, name) {
    delete output.dataset.file;
    output.replaceChildren(notice('info', `Checking ${name}…`));
    try {
      const report = await api('/verify', { method: 'POST', body: bytes });
      output.replaceChildren(reportView(report));
      output.dataset.file = name;
    } catch (error) {
      output.replaceChildren(notice('error', explainError(error)));
    }
  }

  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (chosen) await check(await chosen.arrayBuffer(), chosen.name);
  });
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (event) => { event.preventDefault(); drop.classList.add('over'); });
  }
  for (const type of ['dragleave', 'drop']) {
    drop.addEventListener(type, () => drop.classList.remove('over'));
  }
  drop.addEventListener('drop', async (event) => {
    event.preventDefault();
    const dropped = event.dataTransfer?.files?.[0];
    if (dropped) await check(await dropped.arrayBuffer(), dropped.name);
  });

  root.append(
    h('h1', {}, 'Verify a credential'),
    h('p', { className: 'lead' }, 'Check that a digital credential is genuine: that nobody changed it, that its issuer really signed it, and that it is still valid. Nothing you check here is stored.'),
    drop,
    h('form', { className: 'paste', onsubmit: async (event) => {
      event.preventDefault();
      const text = pasted.value.trim();
      if (text) await check(new TextEncoder().encode(text), 'the pasted credential');
    } },
    h('label', { for: 'verify-text' }, 'Or paste a JWT or JSON credential'),
    pasted,
    h('button', { type: 'submit', id: 'verify-submit' }, 'Check it')),
    output);
}
