// Shared by issue.mjs and oracle.mjs: the pinned-context document loader and small
// Data Integrity helpers, written against the reference libraries (jsonld.js, canonicalize).
import {readFileSync} from 'node:fs';
import {createHash, createPublicKey, verify as cryptoVerify} from 'node:crypto';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import jsonld from 'jsonld';
import canonicalize from 'canonicalize';
import * as base58 from 'base58-universal';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CONTEXTS = join(REPO, 'index-data', 'contexts');
const manifest = JSON.parse(readFileSync(join(CONTEXTS, 'manifest.json'), 'utf8'));

export function pinnedContext(url) {
  const entry = manifest[url];
  if(!entry) {
    return null;
  }
  return JSON.parse(readFileSync(join(CONTEXTS, entry.file), 'utf8'));
}

export function isPinned(url) {
  return Object.prototype.hasOwnProperty.call(manifest, url);
}

// Closed world: only the pinned contexts, plus extra documents the caller supplies
// (DID documents, controller documents, status lists). Never the network.
export function makeDocumentLoader(extra = new Map()) {
  return async url => {
    const context = pinnedContext(url);
    if(context) {
      return {contextUrl: null, documentUrl: url, document: context};
    }
    const base = url.split('#')[0];
    if(extra.has(url) || extra.has(base)) {
      return {contextUrl: null, documentUrl: url, document: extra.get(url) ?? extra.get(base)};
    }
    throw new Error(`document loader: ${url} is not pinned or supplied`);
  };
}

export function sha256(data) {
  return createHash('sha256').update(data).digest();
}

// Multikey `z6Mk…` → raw 32-byte Ed25519 public key (multicodec 0xed 0x01).
export function ed25519FromMultibase(multibase) {
  if(typeof multibase !== 'string' || !multibase.startsWith('z')) {
    throw new Error(`not base58btc multibase: ${multibase}`);
  }
  const bytes = base58.decode(multibase.slice(1));
  if(bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) {
    throw new Error(`not an Ed25519 multikey: ${multibase}`);
  }
  return Buffer.from(bytes.slice(2));
}

export function ed25519Verify(rawPublicKey, message, signature) {
  const key = createPublicKey({
    key: {kty: 'OKP', crv: 'Ed25519', x: Buffer.from(rawPublicKey).toString('base64url')},
    format: 'jwk'
  });
  return cryptoVerify(null, message, key, signature);
}

// Data Integrity hashing for eddsa-rdfc-2022 / eddsa-2022 / Ed25519Signature2020 (RDFC-1.0)
// and eddsa-jcs-2022 (RFC 8785): SHA-256(proofConfig) ‖ SHA-256(document).
export async function hashData({document, proofConfig, kind, documentLoader}) {
  if(kind === 'jcs') {
    return Buffer.concat([sha256(canonicalize(proofConfig)), sha256(canonicalize(document))]);
  }
  const options = {algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader, safe: true};
  const canonProof = await jsonld.canonize(proofConfig, options);
  const canonDoc = await jsonld.canonize(document, options);
  return Buffer.concat([sha256(canonProof), sha256(canonDoc)]);
}

export function suiteKind(proof) {
  if(proof.type === 'Ed25519Signature2020') {
    return 'rdfc';
  }
  if(proof.type === 'DataIntegrityProof') {
    if(proof.cryptosuite === 'eddsa-rdfc-2022' || proof.cryptosuite === 'eddsa-2022') {
      return 'rdfc';
    }
    if(proof.cryptosuite === 'eddsa-jcs-2022') {
      return 'jcs';
    }
  }
  return null;
}

// The document and proof configuration one proof signs (VC DI 1.0 §4.3, §4.4; chains by
// previousProof carry exactly the proofs they name).
export function signedParts(document, proof, allProofs) {
  const unsecured = {...document};
  delete unsecured.proof;
  if(proof.previousProof !== undefined) {
    const ids = [].concat(proof.previousProof);
    if(!ids.every(id => typeof id === 'string')) {
      throw new Error('previousProof is not a string or an array of strings');
    }
    const previous = ids.map(id => allProofs.find(p => p.id === id));
    if(previous.some(p => p === undefined)) {
      throw new Error('previousProof names a proof that is not present');
    }
    unsecured.proof = previous.length === 1 ? previous[0] : previous;
  }
  const proofConfig = {...proof};
  delete proofConfig.proofValue;
  if(proofConfig['@context'] === undefined && document['@context'] !== undefined) {
    proofConfig['@context'] = document['@context'];
  }
  if(suiteKind(proof) === 'jcs' && proof['@context'] !== undefined) {
    unsecured['@context'] = proof['@context'];
  }
  return {unsecured, proofConfig};
}

export function decodeProofValue(proofValue) {
  if(typeof proofValue !== 'string' || !proofValue.startsWith('z')) {
    throw new Error('proofValue is not base58btc multibase');
  }
  const bytes = base58.decode(proofValue.slice(1));
  if(bytes.length !== 64) {
    throw new Error(`proofValue decodes to ${bytes.length} bytes, not 64`);
  }
  return Buffer.from(bytes);
}
