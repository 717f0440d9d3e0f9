// Signature oracle for writing EXPECTED.json by hand: for each JSON credential given, checks
// every Data Integrity proof's signature with jsonld.js (safe mode) + RFC 8785, using the key
// named by its verificationMethod WITHOUT any issuer binding (did:key → the DID's key; did:web
// and https → the supplied document, else the URL fragment). It also reports unpinned
// contexts and safe-mode (data loss) errors. It decides nothing about binding, dates or status.
//
// usage: node oracle.mjs [--docs docs.json] FILE...   (docs.json: {"url": "path", ...})
import {readFileSync} from 'node:fs';
import {
  decodeProofValue, ed25519FromMultibase, ed25519Verify, hashData, isPinned,
  makeDocumentLoader, signedParts, suiteKind
} from './lib/common.mjs';
import jsonld from 'jsonld';

const args = process.argv.slice(2);
const docs = new Map();
if(args[0] === '--docs') {
  const map = JSON.parse(readFileSync(args[1], 'utf8'));
  for(const [url, path] of Object.entries(map)) {
    docs.set(url, JSON.parse(readFileSync(path, 'utf8')));
  }
  args.splice(0, 2);
}
const documentLoader = makeDocumentLoader();

function didWebUrl(did) {
  const parts = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  return parts.length === 1 ?
    `https://${parts[0]}/.well-known/did.json` :
    `https://${parts[0]}/${parts.slice(1).join('/')}/did.json`;
}

function findVm(doc, id) {
  for(const rel of ['verificationMethod', 'assertionMethod', 'authentication']) {
    for(const vm of [].concat(doc[rel] ?? [])) {
      if(typeof vm === 'object' && vm.id === id) {
        return vm;
      }
    }
  }
  return null;
}

function keyFor(vm) {
  if(typeof vm !== 'string') {
    throw new Error('verificationMethod is not a string');
  }
  const [base, fragment] = vm.split('#');
  if(base.startsWith('did:key:')) {
    return {key: ed25519FromMultibase(base.slice('did:key:'.length)), source: 'did:key'};
  }
  const url = base.startsWith('did:web:') ? didWebUrl(base) : base;
  const doc = docs.get(url);
  if(doc) {
    const found = findVm(doc, vm);
    if(found?.publicKeyMultibase) {
      return {key: ed25519FromMultibase(found.publicKeyMultibase), source: `document ${url}`};
    }
    if(found?.publicKeyJwk?.crv === 'Ed25519') {
      return {key: Buffer.from(found.publicKeyJwk.x, 'base64url'), source: `document ${url} (jwk)`};
    }
  }
  if(fragment && fragment.startsWith('z6Mk')) {
    return {key: ed25519FromMultibase(fragment), source: 'url-fragment'};
  }
  throw new Error(`no key for ${vm}`);
}

function contextUrls(value, out = []) {
  for(const c of [].concat(value ?? [])) {
    if(typeof c === 'string') {
      out.push(c);
    } else {
      out.push('{inline}');
    }
  }
  return out;
}

for(const file of args) {
  const result = {file};
  try {
    const document = JSON.parse(readFileSync(file, 'utf8'));
    result.unpinned = contextUrls(document['@context']).filter(c => !isPinned(c));
    try {
      const unsecured = {...document};
      delete unsecured.proof;
      await jsonld.expand(unsecured, {documentLoader, safe: true});
      result.safe_mode = 'ok';
    } catch(e) {
      result.safe_mode = String(e.message).slice(0, 160);
    }
    const proofs = [].concat(document.proof ?? []);
    result.proofs = [];
    for(const proof of proofs) {
      const entry = {type: proof?.type, cryptosuite: proof?.cryptosuite, vm: proof?.verificationMethod};
      try {
        const kind = suiteKind(proof);
        if(!kind) {
          throw new Error('unsupported suite');
        }
        const {key, source} = keyFor(proof.verificationMethod);
        entry.key_source = source;
        const {unsecured, proofConfig} = signedParts(document, proof, proofs);
        const data = await hashData({document: unsecured, proofConfig, kind, documentLoader});
        entry.signature = ed25519Verify(key, data, decodeProofValue(proof.proofValue)) ? 'pass' : 'fail';
      } catch(e) {
        entry.signature = 'error: ' + String(e.message).slice(0, 160);
      }
      result.proofs.push(entry);
    }
  } catch(e) {
    result.error = String(e.message).slice(0, 160);
  }
  console.log(JSON.stringify(result));
}
