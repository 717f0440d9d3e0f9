// The reference JavaScript verifier that benches/verify.rs measures `skillproof verify`
// against: Digital Bazaar's @digitalbazaar/vc with DataIntegrityProof + eddsa-rdfc-2022 and
// eddsa-jcs-2022, did:key through @digitalbazaar/did-method-key, and a static document
// loader over the pinned contexts in index-data/contexts (parsed once; nothing is fetched).
// This is how the Digital Bazaar README has a user verify a credential, with the network
// replaced by the pinned copies.
//
// usage: node verify-reference.mjs [--now RFC3339] PATH...   (files, or directories: their
//        files, sorted)
// stdout: one JSON line per file {"path", "verified", "error"}
// stderr: last line {"files", "verified", "startup_seconds", "verify_seconds"}
// exit:   0 if every file verified, 1 otherwise, 2 on usage errors.
import {readFileSync, readdirSync, statSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {performance} from 'node:perf_hooks';

const started = performance.now();
const vc = await import('@digitalbazaar/vc');
const {DataIntegrityProof} = await import('@digitalbazaar/data-integrity');
const {cryptosuite: rdfcCryptosuite} = await import('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
const {createVerifyCryptosuite: jcsCryptosuite} = await import('@digitalbazaar/eddsa-jcs-2022-cryptosuite');
const Ed25519Multikey = await import('@digitalbazaar/ed25519-multikey');
const {driver: didKeyDriver} = await import('@digitalbazaar/did-method-key');

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONTEXTS = join(REPO, 'index-data', 'contexts');

const args = process.argv.slice(2);
let now = new Date();
if(args[0] === '--now') {
  now = new Date(args[1]);
  args.splice(0, 2);
}
if(args.length === 0 || Number.isNaN(now.getTime())) {
  console.error('usage: node verify-reference.mjs [--now RFC3339] PATH...');
  process.exit(2);
}

// Static loader: every pinned context parsed once at start-up.
const manifest = JSON.parse(readFileSync(join(CONTEXTS, 'manifest.json'), 'utf8'));
const contexts = new Map();
for(const [url, entry] of Object.entries(manifest)) {
  contexts.set(url, JSON.parse(readFileSync(join(CONTEXTS, entry.file), 'utf8')));
}
const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

async function documentLoader(url) {
  const context = contexts.get(url);
  if(context) {
    return {contextUrl: null, documentUrl: url, document: context};
  }
  if(url.startsWith('did:key:')) {
    const document = await didKey.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`document loader: ${url} is not pinned`);
}

const suite = [
  new DataIntegrityProof({cryptosuite: rdfcCryptosuite}),
  new DataIntegrityProof({cryptosuite: jcsCryptosuite()})
];

function files(path) {
  if(!statSync(path).isDirectory()) {
    return [path];
  }
  const found = [];
  for(const name of readdirSync(path).sort()) {
    if(!name.startsWith('.')) {
      found.push(...files(join(path, name)));
    }
  }
  return found;
}

const inputs = args.flatMap(files);
const loopStart = performance.now();
let verifiedCount = 0;
for(const path of inputs) {
  let verified = false;
  let error = null;
  try {
    const credential = JSON.parse(readFileSync(path, 'utf8'));
    const result = await vc.verifyCredential({credential, suite, documentLoader, now});
    verified = result.verified === true;
    if(!verified) {
      const failure = result.results?.find(r => !r.verified)?.error ?? result.error;
      const first = failure?.errors?.[0] ?? failure;
      error = String(first?.message ?? 'not verified').slice(0, 200);
    }
  } catch(e) {
    error = String(e.message).slice(0, 200);
  }
  verifiedCount += verified ? 1 : 0;
  process.stdout.write(JSON.stringify({path, verified, error}) + '\n');
}
const finished = performance.now();
console.error(JSON.stringify({
  files: inputs.length,
  verified: verifiedCount,
  startup_seconds: (loopStart - started) / 1000,
  verify_seconds: (finished - loopStart) / 1000
}));
process.exitCode = verifiedCount === inputs.length ? 0 : 1;
