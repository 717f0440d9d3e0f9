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

const out = { base, pages: {}, console_errors: [], csp_violations: [], page_errors: [], failed_requests: [], javascript: {} };

async function newPage(name, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage();
  await page.setViewportSize(viewport);
  const context = { close: () => page.close() };
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const text = message.text();
      if (/Content Security Policy|Refused to/i.test(text)) out.csp_violations.push({ page: name, text });
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
      out.javascript[url.replace(base, '')] = {
        transferred: sizes.responseBodySize + sizes.responseHeadersSize,
        encoding: (await response.allHeaders())['content-encoding'] || 'identity',
      };
    } catch { /* the page went away */ }
  });
  return { context, page };
}

async function setKey(page, key) {
  if (!key) return;
  await page.fill('#api-key', key);
  await page.click('#key-form button[type=submit]');
}

async function shot(page, name) {
  if (!shots) return null;
  const path = join(shots, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

async function scenario(name, body) {
  const started = Date.now();
  try {
    out.pages[name] = { ok: true, ...(await body()) };
  } catch (error) {
    out.pages[name] = { ok: false, error: String(error?.stack || error) };
  }
  out.pages[name].seconds = (Date.now() - started) / 1000;
}

// ---------------------------------------------------------------- verify
await scenario('verify', async () => {
  const { context, page } = await newPage('verify');
  const result = {};
  const response = await page.goto(`${base}/#/verify`);
  result.headers = await response.allHeaders();
  await page.waitForSelector('#verify-drop');
  for (const [which, path] of Object.entries(input.verify || {})) {
    await page.setInputFiles('#verify-file', path);
    await page.waitForSelector('#verify-result .report');
    result[which] = await page.$eval('#verify-result .report', (report) => ({
      outcome: report.dataset.outcome,
      badge: report.querySelector('.badge')?.textContent,
      explanation: report.querySelector('.verdict p:nth-of-type(2)')?.textContent,
      checks: [...report.querySelectorAll(':scope > .checks > .check')].map((check) => ({
        name: check.querySelector('.check-head strong')?.textContent,
        result: check.querySelector('.check-result')?.textContent,
        question: check.querySelector('.check-question')?.textContent,
        detail: check.querySelector('.check-detail')?.textContent || '',
      })),
    }));
    result[which].screenshot = await shot(page, `verify-${which}`);
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

await browser.close();
rmSync(profile, { recursive: true, force: true });
out.javascript_total = Object.values(out.javascript).reduce((sum, entry) => sum + entry.transferred, 0);
console.log(JSON.stringify(out, null, 2));
