// Reference canonicalizer for differential tests of crates/jsonld.
// Reads JSON Lines (one JSON-LD document per line) on stdin and prints, per line,
// {"nquads": "<RDFC-1.0 canonical N-Quads>"} or {"error": "<class>", "detail": "..."}.
// Contexts come only from index-data/contexts/manifest.json: no network.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const jsonld = require('jsonld');

const contextsDir = path.join(__dirname, '..', '..', 'index-data', 'contexts');
const manifest = JSON.parse(fs.readFileSync(path.join(contextsDir, 'manifest.json'), 'utf8'));
const documents = new Map();
for (const [url, entry] of Object.entries(manifest)) {
  documents.set(url, JSON.parse(fs.readFileSync(path.join(contextsDir, entry.file), 'utf8')));
}

async function documentLoader(url) {
  if (!documents.has(url)) {
    throw new Error(`unknown context ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document: documents.get(url)};
}

// Map jsonld.js / rdf-canonize failures onto the Rust crate's error codes.
function classify(e) {
  const details = e && e.details;
  const code = details && details.code;
  if (e && e.name === 'jsonld.ValidationError') {
    const event = details && details.event;
    return {error: 'data_loss', detail: event ? event.code : e.message};
  }
  if (code === 'loading remote context failed') {
    return {error: 'unknown_context', detail: String(details.url)};
  }
  if (code === 'protected term redefinition') {
    return {error: 'protected_term_redefinition', detail: String(details.term)};
  }
  if (e && /Maximum deep iterations/.test(e.message)) {
    return {error: 'canon_limit_exceeded', detail: e.message};
  }
  if (code === 'context overflow') {
    return {error: 'limit_exceeded', detail: e.message};
  }
  return {error: 'invalid', detail: code ? String(code) : String(e && e.message)};
}

async function main() {
  const lines = [];
  const input = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
  for await (const line of input) {
    if (line.trim() !== '') {
      lines.push(line);
    }
  }
  for (const line of lines) {
    let result;
    try {
      const doc = JSON.parse(line);
      const nquads = await jsonld.canonize(doc, {
        algorithm: 'RDFC-1.0',
        format: 'application/n-quads',
        safe: true,
        documentLoader
      });
      result = {nquads};
    } catch (e) {
      result = classify(e);
    }
    process.stdout.write(JSON.stringify(result) + '\n');
  }
}

main().catch(e => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(2);
});
