// Regenerates tests/fixtures/jsonld/corpus-expected.json from the reference stack:
//   node tests/differential/write-corpus-expected.js
'use strict';

const {execFileSync} = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const fixtures = path.join(__dirname, '..', 'fixtures', 'jsonld');
const corpus = path.join(fixtures, 'corpus');

function walk(dir) {
  return fs.readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : entry.name.endsWith('.json') ? [full] : [];
  });
}

const files = walk(corpus).map(f => path.relative(corpus, f).split(path.sep).join('/')).sort();
const input = files
  .map(f => JSON.stringify(JSON.parse(fs.readFileSync(path.join(corpus, f), 'utf8'))))
  .join('\n') + '\n';
const output = execFileSync(process.execPath, [path.join(__dirname, 'harness.js')], {input, maxBuffer: 1 << 28})
  .toString().trim().split('\n').map(line => JSON.parse(line));
const expected = {};
files.forEach((f, i) => {
  const r = output[i];
  expected[f] = r.nquads !== undefined ?
    {quads: r.nquads.split('\n').length - 1, sha256: crypto.createHash('sha256').update(r.nquads).digest('hex')} :
    {detail: r.detail, error: r.error};
});
const sorted = Object.fromEntries(Object.keys(expected).sort().map(k => [k, expected[k]]));
fs.writeFileSync(path.join(fixtures, 'corpus-expected.json'), JSON.stringify(sorted, null, 1) + '\n');
console.log(`${files.length} documents`);
