// Issues the independent reference corpus in tests/fixtures/reference-issued/ with the
// Digital Bazaar reference stack (vc, data-integrity, eddsa-rdfc-2022 / eddsa-jcs-2022,
// ed25519-signature-2020, vc-bitstring-status-list) and jose (VC-JWT), from checked-in
// deterministic seeds and the pinned contexts in index-data/contexts/ — never the network.
// Run by hand: `npm ci && node issue.mjs`; the tests read only the committed output.
// Every run gives byte-identical files (Ed25519 and RFC 6979-free ECDSA aside: ES256 is
// randomised, so the ES256 token changes per run; its expectation does not).
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createHash, createECDH, createPrivateKey, createPublicKey} from 'node:crypto';
import {join} from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfcSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createSignCryptosuite as createJcsSuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import {createList, createCredential as createStatusListCredential} from '@digitalbazaar/vc-bitstring-status-list';
import {SignJWT, importJWK, importPKCS8} from 'jose';
import {REPO, makeDocumentLoader} from './lib/common.mjs';

const OUT = join(REPO, 'tests', 'fixtures', 'reference-issued');
const documentLoader = makeDocumentLoader();
const CREATED = '2025-03-01T00:00:00Z';
const NOW = '2026-01-01T00:00:00Z';

const OB = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const V2 = 'https://www.w3.org/ns/credentials/v2';
const V1 = 'https://www.w3.org/2018/credentials/v1';
const DI = 'https://w3id.org/security/data-integrity/v2';
const ED2020 = 'https://w3id.org/security/suites/ed25519-2020/v1';

// ------------------------------------------------------------------ keys from seeds
const seed = label => new Uint8Array(createHash('sha256').update(`skillproof reference issuer: ${label}`).digest());

async function ed25519(label, controllerOf) {
  const raw = await Ed25519Multikey.generate({seed: seed(label)});
  const fingerprint = raw.publicKeyMultibase;
  const {controller, id} = controllerOf(fingerprint);
  return Ed25519Multikey.from({...(await raw.export({publicKey: true, secretKey: true, includeContext: true})), controller, id});
}
const didKey = fp => ({controller: `did:key:${fp}`, id: `did:key:${fp}#${fp}`});

const DID_WEB = 'did:web:issuer.skillproof.test';
const DID_WEB_URL = 'https://issuer.skillproof.test/.well-known/did.json';
const HTTPS_ISSUER = 'https://badges.skillproof.test/issuers/1';

const keys = {
  issuer: await ed25519('did:key issuer', didKey),
  other: await ed25519('did:key second issuer', didKey),
  attacker: await ed25519('attacker', didKey),
  holder: await ed25519('holder', didKey),
  web: await ed25519('did:web issuer', () => ({controller: DID_WEB, id: `${DID_WEB}#key-1`})),
  https: await ed25519('https issuer', () => ({controller: HTTPS_ISSUER, id: `${HTTPS_ISSUER}#key-1`})),
};

function p256(label) {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(seed(label)));
  const point = ecdh.getPublicKey();
  return {
    kty: 'EC', crv: 'P-256',
    x: point.subarray(1, 33).toString('base64url'),
    y: point.subarray(33, 65).toString('base64url'),
    d: ecdh.getPrivateKey().toString('base64url'),
  };
}
const es256Jwk = p256('did:web ES256 key');
// RSA keys cannot be derived from a seed with node's crypto: a fixed TEST key is checked in.
const rsaPem = readFileSync(new URL('./keys/rsa-test-key.pem', import.meta.url), 'utf8');
const rsaPublicJwk = createPublicKey(createPrivateKey(rsaPem)).export({format: 'jwk'});
const publicJwk = ({d, ...pub}) => pub;
const edJwk = async key => publicJwk(await Ed25519Multikey.toJwk({keyPair: key, secretKey: true}));
// The multikey secret is seed ‖ public key (64 bytes); a JWK `d` is the 32-byte seed.
const edPrivateJwk = async key => {
  const jwk = await Ed25519Multikey.toJwk({keyPair: key, secretKey: true});
  return {...jwk, d: Buffer.from(jwk.d, 'base64url').subarray(0, 32).toString('base64url')};
};

// ------------------------------------------------------------------ suites
const rdfc = key => new DataIntegrityProof({signer: key.signer(), date: CREATED, cryptosuite: rdfcSuite});
const jcs = key => new DataIntegrityProof({signer: key.signer(), date: CREATED, cryptosuite: createJcsSuite()});
async function ed2020(key) {
  const exported = await key.export({publicKey: true, secretKey: true});
  const legacy = await Ed25519VerificationKey2020.from({
    id: key.id, controller: key.controller, type: 'Ed25519VerificationKey2020',
    publicKeyMultibase: exported.publicKeyMultibase, privateKeyMultibase: exported.secretKeyMultibase
  });
  return new Ed25519Signature2020({key: legacy, date: CREATED});
}

// ------------------------------------------------------------------ documents
function controllerDocument(id, methods, relationships = {assertionMethod: methods.map(m => m.id)}) {
  return {'@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], id, verificationMethod: methods, ...relationships};
}
const multikeyMethod = key => ({id: key.id, type: 'Multikey', controller: key.controller, publicKeyMultibase: key.publicKeyMultibase});
const jwkMethod = (id, controller, jwk) => ({id, type: 'JsonWebKey', controller, publicKeyJwk: jwk});

const webEs256Id = `${DID_WEB}#key-p256`;
const httpsRsaId = `${HTTPS_ISSUER}#key-rs256`;
const httpsJwkEd = `${HTTPS_ISSUER}#key-jwk`;

const files = new Map();
const cases = [];
const put = (name, value) => files.set(name, typeof value === 'string' ? value : JSON.stringify(value, null, 2) + '\n');
const add = (file, outcome, why, extra = {}) => cases.push({file, now: NOW, outcome, ...extra, why});

const webDoc = controllerDocument(DID_WEB, [multikeyMethod(keys.web), jwkMethod(webEs256Id, DID_WEB, publicJwk(es256Jwk))]);
put('documents/did-web-issuer.json', webDoc);
put('documents/did-web-issuer.wrong-id.json', {...webDoc, id: 'did:web:elsewhere.skillproof.test'});
put('documents/did-web-issuer.authentication-only.json', controllerDocument(DID_WEB, [multikeyMethod(keys.web)], {authentication: [keys.web.id]}));
const httpsDoc = controllerDocument(HTTPS_ISSUER, [
  multikeyMethod(keys.https),
  jwkMethod(httpsRsaId, HTTPS_ISSUER, rsaPublicJwk),
  jwkMethod(httpsJwkEd, HTTPS_ISSUER, await edJwk(keys.https)),
]);
put('documents/https-issuer.json', httpsDoc);

const WEB_DOCS = {[DID_WEB_URL]: 'documents/did-web-issuer.json'};
const HTTPS_DOCS = {[HTTPS_ISSUER]: 'documents/https-issuer.json'};

// ------------------------------------------------------------------ credentials
const issuerProfile = id => ({
  id, type: ['Profile'], name: 'Conestoga Skills Lab (TEST)',
  address: {type: ['Address'], addressLocality: 'Brantford', addressRegion: 'ON', postalCode: 'N3T 0A1', addressCountry: 'CA'}
});
function ob3({issuer, v1 = false, subject = 'did:example:learner-1', id = 'urn:uuid:00000000-0000-4000-8000-000000000001', extra = {}, dates}) {
  const credential = {
    '@context': v1 ? [V1, OB] : [V2, OB],
    id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: issuerProfile(issuer),
    name: 'Data Fluency Micro-credential',
    credentialSubject: {
      id: subject, type: ['AchievementSubject'],
      achievement: {
        id: 'https://badges.skillproof.test/achievements/data-fluency', type: ['Achievement'],
        name: 'Data Fluency', description: 'Reads, cleans and charts tabular data.',
        criteria: {narrative: 'Completed four assessed data projects.'},
        achievementType: 'MicroCredential',
        alignment: [{type: ['Alignment'], targetName: 'use spreadsheets software', targetFramework: 'ESCO',
          targetUrl: 'http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be', targetType: 'ext:ESCOSkill'}]
      }
    },
    ...extra
  };
  if(v1) {
    credential.issuanceDate = dates?.from ?? '2025-01-15T00:00:00Z';
    if(dates?.until) credential.expirationDate = dates.until;
  } else {
    credential.validFrom = dates?.from ?? '2025-01-15T00:00:00Z';
    if(dates?.until) credential.validUntil = dates.until;
  }
  return credential;
}
const issue = (credential, suite) => vc.issue({credential: structuredClone(credential), suite, documentLoader});
const withContext = (credential, ...extra) => ({...credential, '@context': [...credential['@context'], ...extra]});

// Positives: formats × key types.
const vc2key = ob3({issuer: keys.issuer.controller});
const rdfcSigned = await issue(vc2key, rdfc(keys.issuer));
put('ob3-vc2-didkey-rdfc.json', rdfcSigned);
add('ob3-vc2-didkey-rdfc.json', 'verified', 'VC 2.0 OB 3.0, eddsa-rdfc-2022, did:key issuer = key controller (reference stack)');
put('ob3-vc2-didkey-jcs.json', await issue(vc2key, jcs(keys.issuer)));
add('ob3-vc2-didkey-jcs.json', 'verified', 'VC 2.0 OB 3.0, eddsa-jcs-2022, did:key issuer (reference stack)');
const vc1key = ob3({issuer: keys.issuer.controller, v1: true});
put('ob3-vc11-didkey-ed25519signature2020.json', await issue(withContext(vc1key, ED2020), await ed2020(keys.issuer)));
add('ob3-vc11-didkey-ed25519signature2020.json', 'verified', 'VC 1.1 (issuanceDate) OB 3.0 with legacy Ed25519Signature2020, did:key issuer');
put('ob3-vc11-didkey-rdfc.json', await issue(withContext(vc1key, DI), rdfc(keys.issuer)));
add('ob3-vc11-didkey-rdfc.json', 'verified', 'VC 1.1 OB 3.0 with DataIntegrityProof eddsa-rdfc-2022 (data-integrity/v2 context), did:key issuer');
const vc2web = ob3({issuer: DID_WEB});
put('ob3-vc2-didweb-rdfc.json', await issue(vc2web, rdfc(keys.web)));
add('ob3-vc2-didweb-rdfc.json', 'verified', 'did:web issuer; its DID document lists the Multikey under assertionMethod', {documents: WEB_DOCS});
add('ob3-vc2-didweb-rdfc.json', 'key_resolution_failed', 'did:web issuer whose DID document is unreachable (404): no key (reliability C9)', {});
add('ob3-vc2-didweb-rdfc.json', 'key_resolution_failed', 'did:web DID document whose id is another DID (reliability C3, did:web spec)', {documents: {[DID_WEB_URL]: 'documents/did-web-issuer.wrong-id.json'}});
add('ob3-vc2-didweb-rdfc.json', 'unbound_key', 'DID document lists the key only under authentication, not assertionMethod (reliability C1)', {documents: {[DID_WEB_URL]: 'documents/did-web-issuer.authentication-only.json'}, checks: {signature: 'pass', key_binding: 'fail'}});
add('ob3-vc2-didweb-rdfc.json', 'key_resolution_failed', 'did:web DID document answers 500: inconclusive, never verified (reliability C9)', {documents: {[DID_WEB_URL]: 'status:500'}});
const vc2https = ob3({issuer: HTTPS_ISSUER});
put('ob3-vc2-https-multikey-rdfc.json', await issue(vc2https, rdfc(keys.https)));
add('ob3-vc2-https-multikey-rdfc.json', 'verified', 'https issuer profile / controller document with a Multikey under assertionMethod', {documents: HTTPS_DOCS});
add('ob3-vc2-https-multikey-rdfc.json', 'key_resolution_failed', 'same credential, controller document not served: VM #key-1 has no key in its fragment', {});
put('ob3-vc2-https-multikey-jcs.json', await issue(vc2https, jcs(keys.https)));
add('ob3-vc2-https-multikey-jcs.json', 'verified', 'eddsa-jcs-2022 with an https issuer controller document', {documents: HTTPS_DOCS});

// Targeted negatives on the did:key positive.
const tampered = structuredClone(rdfcSigned);
tampered.credentialSubject.achievement.alignment[0].targetUrl = 'http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000';
put('neg-tampered-alignment.json', tampered);
add('neg-tampered-alignment.json', 'invalid_signature', 'skill alignment targetUrl changed after signing (reliability A7)');
put('neg-signed-by-attacker.json', await issue(vc2key, rdfc(keys.attacker)));
add('neg-signed-by-attacker.json', 'unbound_key', 'valid signature by a did:key that is not the issuer (reliability C2/A22)');
put('neg-expired.json', await issue(ob3({issuer: keys.issuer.controller, dates: {from: '2024-01-01T00:00:00Z', until: '2025-06-01T00:00:00Z'}}), rdfc(keys.issuer)));
add('neg-expired.json', 'expired', 'validUntil 2025-06-01 is before now (reliability A24)');
put('neg-not-yet-valid.json', await issue(ob3({issuer: keys.issuer.controller, dates: {from: '2027-01-01T00:00:00Z'}}), rdfc(keys.issuer)));
add('neg-not-yet-valid.json', 'not_yet_valid', 'validFrom 2027 is after now (reliability A24)');
put('neg-vc11-expired.json', await issue(withContext(ob3({issuer: keys.issuer.controller, v1: true, dates: {from: '2024-01-01T00:00:00Z', until: '2025-06-01T00:00:00Z'}}), ED2020), await ed2020(keys.issuer)));
add('neg-vc11-expired.json', 'expired', 'VC 1.1 expirationDate before now');
put('neg-valid-until-before-valid-from.json', await issue(ob3({issuer: keys.issuer.controller, dates: {from: '2025-06-01T00:00:00Z', until: '2025-01-01T00:00:00Z'}}), rdfc(keys.issuer)));
add('neg-valid-until-before-valid-from.json', 'malformed', 'validUntil before validFrom is a malformed value (reliability A24), caught before the signature');
const wrongPurpose = await vc.issue({credential: structuredClone(vc2key), suite: rdfc(keys.issuer), documentLoader,
  purpose: new (await import('jsonld-signatures')).default.purposes.AuthenticationProofPurpose({challenge: 'c'})});
put('neg-wrong-proof-purpose.json', wrongPurpose);
add('neg-wrong-proof-purpose.json', 'wrong_proof_purpose', 'credential proof made with proofPurpose authentication (reliability E3/A8)');
const relabelled = structuredClone(rdfcSigned);
relabelled.proof.cryptosuite = 'eddsa-jcs-2022';
put('neg-relabelled-rdfc-as-jcs.json', relabelled);
add('neg-relabelled-rdfc-as-jcs.json', 'invalid_signature', 'rdfc signature relabelled eddsa-jcs-2022: no fallback canonicalization (reliability A5)');
const unknownSuite = structuredClone(rdfcSigned);
unknownSuite.proof.cryptosuite = 'eddsa-made-up-2099';
put('neg-unknown-cryptosuite.json', unknownSuite);
add('neg-unknown-cryptosuite.json', 'unsupported', 'only proof has an unknown cryptosuite: unsupported, never a fallback (reliability A4)', {checks: {}});
const shortValue = structuredClone(rdfcSigned);
shortValue.proof.proofValue = shortValue.proof.proofValue.slice(0, 40);
put('neg-proof-value-too-short.json', shortValue);
add('neg-proof-value-too-short.json', 'invalid_signature', 'proofValue decodes to fewer than 64 bytes (reliability A6)');
const noProof = structuredClone(rdfcSigned);
delete noProof.proof;
put('neg-no-proof.json', noProof);
add('neg-no-proof.json', 'no_proof', 'signed credential with its proof removed (reliability A1)', {checks: {}});
const extraProof = structuredClone(rdfcSigned);
extraProof.proof = [rdfcSigned.proof, {...rdfcSigned.proof, created: '2025-03-02T00:00:00Z'}];
put('neg-proof-set-one-bogus.json', extraProof);
add('neg-proof-set-one-bogus.json', 'invalid_signature', 'proof set: the issuer\'s valid proof plus a copy with changed created: any failing proof fails the set (reliability A21)');
const unknownTerm = structuredClone(rdfcSigned);
unknownTerm.credentialSubject.achievement.undefinedSkillLevel = 'expert';
put('neg-undefined-term-added.json', unknownTerm);
add('neg-undefined-term-added.json', 'data_loss', 'a term no context defines was added after signing (OB context has no @vocab; reliability A10)');
const unknownContext = structuredClone(rdfcSigned);
unknownContext['@context'] = [...unknownContext['@context'], 'https://attacker.skillproof.test/context.jsonld'];
put('neg-unknown-context-added.json', unknownContext);
add('neg-unknown-context-added.json', 'unknown_context', 'an unpinned context URL added after signing: refused before any fetch (reliability A12)');
const duplicateKey = JSON.stringify(rdfcSigned, null, 2).replace('"name": "Data Fluency Micro-credential"', '"name": "Data Fluency Micro-credential",\n  "name": "Advanced Data Fluency"');
put('neg-duplicate-json-key.json', duplicateKey + '\n');
add('neg-duplicate-json-key.json', 'malformed', 'duplicate JSON key "name": parsers disagree on which wins, so reject (reliability A18)');

// ------------------------------------------------------------------ status lists
const STATUS_URL = 'https://issuer.skillproof.test/status/1';
const SUSPEND_URL = 'https://issuer.skillproof.test/status/suspension/1';
async function statusList(url, purpose, setIndices, issuerKey, issuerId) {
  const list = await createList({length: 131072});
  for(const i of setIndices) list.setStatus(i, true);
  const credential = await createStatusListCredential({id: url, list, statusPurpose: purpose});
  credential.issuer = issuerId;
  credential.validFrom = '2025-01-01T00:00:00Z';
  return issue(credential, rdfc(issuerKey));
}
const revocationList = await statusList(STATUS_URL, 'revocation', [3, 7], keys.web, DID_WEB);
put('documents/status-revocation.json', revocationList);
put('documents/status-suspension.json', await statusList(SUSPEND_URL, 'suspension', [3], keys.web, DID_WEB));
put('documents/status-revocation.other-issuer.json', await statusList(STATUS_URL, 'revocation', [3, 7], keys.other, keys.other.controller));
const flipped = structuredClone(revocationList);
flipped.credentialSubject.encodedList = (await statusList(STATUS_URL, 'revocation', [7], keys.web, DID_WEB)).credentialSubject.encodedList;
put('documents/status-revocation.tampered.json', flipped);
put('documents/status-revocation.expired.json', await (async () => {
  const list = await createList({length: 131072});
  const credential = await createStatusListCredential({id: STATUS_URL, list, statusPurpose: 'revocation'});
  Object.assign(credential, {issuer: DID_WEB, validFrom: '2024-01-01T00:00:00Z', validUntil: '2025-01-01T00:00:00Z'});
  return issue(credential, rdfc(keys.web));
})());
const entry = (index, url = STATUS_URL, purpose = 'revocation') => ({
  id: `${url}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: purpose, statusListIndex: String(index), statusListCredential: url
});
const withStatus = (index, extra) => ob3({issuer: DID_WEB, id: `urn:uuid:00000000-0000-4000-8000-0000000001${String(index).padStart(2, '0')}`, extra: {credentialStatus: extra ?? entry(index)}});
const statusDocs = extra => ({...WEB_DOCS, [STATUS_URL]: 'documents/status-revocation.json', ...extra});
put('status-valid-index-5.json', await issue(withStatus(5), rdfc(keys.web)));
add('status-valid-index-5.json', 'verified', 'BitstringStatusList (131,072 entries, signed by the same did:web issuer): bit 5 clear', {documents: statusDocs(), checks: {signature: 'pass', key_binding: 'pass', status: 'pass'}});
add('status-valid-index-5.json', 'status_unknown', 'status list unreachable (404): fail closed (reliability rule 7, D8)', {documents: WEB_DOCS});
add('status-valid-index-5.json', 'status_unknown', 'status list whose encodedList was replaced after signing (reliability D2)', {documents: statusDocs({[STATUS_URL]: 'documents/status-revocation.tampered.json'})});
add('status-valid-index-5.json', 'status_unknown', 'status list signed by another issuer (reliability D3)', {documents: statusDocs({[STATUS_URL]: 'documents/status-revocation.other-issuer.json'})});
add('status-valid-index-5.json', 'status_unknown', 'status list credential expired (validUntil 2025-01-01; verification.md §3.5 step 2)', {documents: statusDocs({[STATUS_URL]: 'documents/status-revocation.expired.json'})});
add('status-valid-index-5.json', 'status_unknown', 'status list served as the suspension list: statusPurpose mismatch (reliability D4)', {documents: statusDocs({[STATUS_URL]: 'documents/status-suspension.json'})});
put('status-revoked-index-3.json', await issue(withStatus(3), rdfc(keys.web)));
add('status-revoked-index-3.json', 'revoked', 'bit 3 set in the issuer\'s revocation list (reliability D1; bit order: index 3 only, D9)', {documents: statusDocs()});
put('status-revoked-index-7.json', await issue(withStatus(7), rdfc(keys.web)));
add('status-revoked-index-7.json', 'revoked', 'bit 7 set: revoked', {documents: statusDocs()});
add('status-revoked-index-7.json', 'status_unknown', 'bit 7 still revoked upstream, but the served list was tampered to clear it: its proof fails, so status is unknown, not valid (reliability D2)', {documents: statusDocs({[STATUS_URL]: 'documents/status-revocation.tampered.json'})});
put('status-suspended-index-3.json', await issue(withStatus(3, entry(3, SUSPEND_URL, 'suspension')), rdfc(keys.web)));
add('status-suspended-index-3.json', 'suspended', 'bit 3 set in the suspension list', {documents: {...WEB_DOCS, [SUSPEND_URL]: 'documents/status-suspension.json'}});
put('status-index-out-of-range.json', await issue(withStatus(99, entry(200000)), rdfc(keys.web)));
add('status-index-out-of-range.json', 'status_unknown', 'statusListIndex 200000 is beyond the 131,072-entry list (reliability D6)', {documents: statusDocs()});

// ------------------------------------------------------------------ VC-JWT
const vcJwtPayload = (credential, issuer) => ({
  ...credential, iss: issuer, jti: credential.id, sub: credential.credentialSubject.id,
  nbf: Math.floor(Date.parse(credential.validFrom) / 1000)
});
async function jwt(payload, header, key) {
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}
const edPrivate = await importJWK(await edPrivateJwk(keys.issuer), 'EdDSA');
const plain = ob3({issuer: keys.issuer.controller});
put('ob3-vc2-didkey-vcjwt-eddsa.jwt', await jwt(vcJwtPayload(plain, keys.issuer.controller), {alg: 'EdDSA', typ: 'vc+jwt', kid: keys.issuer.id}, edPrivate));
add('ob3-vc2-didkey-vcjwt-eddsa.jwt', 'verified', 'VC-JOSE (payload = OB 3.0 credential), EdDSA, kid = did:key VM of the issuer; iss/jti/sub/nbf agree');
const rsaPrivate = await importPKCS8(rsaPem, 'RS256');
const httpsPlain = ob3({issuer: HTTPS_ISSUER});
put('ob3-vc2-https-vcjwt-rs256.jwt', await jwt(vcJwtPayload(httpsPlain, HTTPS_ISSUER), {alg: 'RS256', typ: 'JWT', kid: httpsRsaId}, rsaPrivate));
add('ob3-vc2-https-vcjwt-rs256.jwt', 'verified', 'OB 3.0 VC-JWT RS256 (the OB minimum) with kid dereferenced to a JsonWebKey in the issuer controller document', {documents: HTTPS_DOCS});
put('ob3-vc2-didweb-vcjwt-es256.jwt', await jwt(vcJwtPayload(vc2web, DID_WEB), {alg: 'ES256', typ: 'vc+jwt', kid: webEs256Id}, await importJWK(es256Jwk, 'ES256')));
add('ob3-vc2-didweb-vcjwt-es256.jwt', 'verified', 'VC-JOSE ES256 with kid = did:web JsonWebKey (P-256) under assertionMethod', {documents: WEB_DOCS});
const headerJwk = await edJwk(keys.attacker);
put('neg-vcjwt-header-jwk-only.jwt', await jwt(vcJwtPayload(plain, keys.issuer.controller), {alg: 'EdDSA', typ: 'vc+jwt', jwk: headerJwk}, await importJWK(await edPrivateJwk(keys.attacker), 'EdDSA')));
add('neg-vcjwt-header-jwk-only.jwt', 'unbound_key', 'JOSE header jwk (an attacker key) and no kid: integrity only, not the issuer (reliability B4)', {checks: {signature: 'pass', key_binding: 'fail'}});
put('neg-vcjwt-iss-mismatch.jwt', await jwt({...vcJwtPayload(plain, keys.issuer.controller), iss: keys.other.controller}, {alg: 'EdDSA', typ: 'vc+jwt', kid: keys.issuer.id}, edPrivate));
add('neg-vcjwt-iss-mismatch.jwt', 'claim_mismatch', 'iss is not issuer.id (reliability B6)');
put('neg-vcjwt-jti-mismatch.jwt', await jwt({...vcJwtPayload(plain, keys.issuer.controller), jti: 'urn:uuid:ffffffff-0000-4000-8000-000000000000'}, {alg: 'EdDSA', typ: 'vc+jwt', kid: keys.issuer.id}, edPrivate));
add('neg-vcjwt-jti-mismatch.jwt', 'claim_mismatch', 'jti is not the credential id (reliability B6)');
put('neg-vcjwt-nbf-mismatch.jwt', await jwt({...vcJwtPayload(plain, keys.issuer.controller), nbf: 1893456000}, {alg: 'EdDSA', typ: 'vc+jwt', kid: keys.issuer.id}, edPrivate));
add('neg-vcjwt-nbf-mismatch.jwt', 'claim_mismatch', 'nbf (2030) disagrees with validFrom (reliability B6/B7)');
const good = files.get('ob3-vc2-didkey-vcjwt-eddsa.jwt');
const [h, p, s] = good.split('.');
const payload = JSON.parse(Buffer.from(p, 'base64url'));
payload.name = 'Advanced Data Fluency Micro-credential';
put('neg-vcjwt-payload-tampered.jwt', `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`);
add('neg-vcjwt-payload-tampered.jwt', 'invalid_signature', 'payload changed, signature kept (reliability B3)');
const none = Buffer.from(JSON.stringify({alg: 'none', typ: 'vc+jwt'})).toString('base64url');
put('neg-vcjwt-alg-none.jwt', `${none}.${p}.`);
add('neg-vcjwt-alg-none.jwt', 'invalid_signature', 'alg none with an empty signature: never accepted (reliability B1); outcome code invalid_signature chosen (no dedicated code)', {checks: {}});
const hs = Buffer.from(JSON.stringify({alg: 'HS256', typ: 'vc+jwt', kid: keys.issuer.id})).toString('base64url');
const {createHmac} = await import('node:crypto');
const hsSig = createHmac('sha256', Buffer.from(keys.issuer.publicKeyMultibase)).update(`${hs}.${p}`).digest('base64url');
put('neg-vcjwt-alg-hs256.jwt', `${hs}.${p}.${hsSig}`);
add('neg-vcjwt-alg-hs256.jwt', 'invalid_signature', 'HS256 keyed with the issuer\'s public key bytes: HMAC is never allowed (reliability B2); outcome code invalid_signature chosen', {checks: {}});

// ------------------------------------------------------------------ presentation
const holderCredential = ob3({issuer: keys.issuer.controller, subject: keys.holder.controller, id: 'urn:uuid:00000000-0000-4000-8000-000000000201'});
const holderSigned = await issue(holderCredential, rdfc(keys.issuer));
put('ob3-credential-for-holder.json', holderSigned);
add('ob3-credential-for-holder.json', 'verified', 'the credential the presentations carry (subject = holder did:key)');
async function present(holder, signer, {challenge = 'c-2026-0001', domain = 'https://employer.skillproof.test'} = {}) {
  const presentation = vc.createPresentation({verifiableCredential: [holderSigned], holder, version: 2.0});
  return vc.signPresentation({presentation, suite: rdfc(signer), challenge, domain, documentLoader});
}
const CH = {challenge: 'c-2026-0001', domain: 'https://employer.skillproof.test'};
put('vp-holder-signed.json', await present(keys.holder.controller, keys.holder));
add('vp-holder-signed.json', 'verified', 'VP signed by the holder (authentication), holder = credential subject, challenge and domain as asked (verification.md §3.8)', CH);
add('vp-holder-signed.json', 'challenge_mismatch', 'same VP, the verifier asked another challenge (DI INVALID_CHALLENGE_ERROR)', {...CH, challenge: 'c-2026-9999'});
add('vp-holder-signed.json', 'challenge_mismatch', 'same VP, the verifier asked another domain (reliability E4)', {...CH, domain: 'https://other.skillproof.test'});
put('vp-holder-not-subject.json', await present(keys.attacker.controller, keys.attacker));
add('vp-holder-not-subject.json', 'holder_mismatch', 'VP correctly signed by its holder, but the holder is not the subject of the credential it carries (reliability E2)', CH);
put('vp-signed-by-non-holder.json', await present(keys.holder.controller, keys.attacker));
add('vp-signed-by-non-holder.json', 'unbound_key', 'VP naming the real holder but signed by another did:key (authentication key not the holder\'s)', {...CH, checks: {signature: 'pass', key_binding: 'fail'}});
const tamperedVp = JSON.parse(files.get('vp-holder-signed.json'));
tamperedVp.verifiableCredential[0].credentialSubject.achievement.name = 'Data Science';
put('vp-inner-credential-tampered.json', tamperedVp);
add('vp-inner-credential-tampered.json', 'invalid_signature', 'inner credential changed after the VP was signed: both the VP proof and the inner proof fail (verification.md §3.8, DCC "tampered VC inside a signed VP")', CH);

// ------------------------------------------------------------------ CLR 2.0
const nested = [await issue(ob3({issuer: keys.issuer.controller, id: 'urn:uuid:00000000-0000-4000-8000-000000000301'}), rdfc(keys.issuer)),
  await issue(ob3({issuer: keys.other.controller, id: 'urn:uuid:00000000-0000-4000-8000-000000000302'}), jcs(keys.other))];
const clr = nestedCredentials => ({
  '@context': [V2, 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json', OB],
  id: 'urn:uuid:00000000-0000-4000-8000-000000000300',
  type: ['VerifiableCredential', 'ClrCredential'],
  issuer: issuerProfile(keys.issuer.controller),
  name: 'Transcript (TEST)',
  validFrom: '2025-02-01T00:00:00Z',
  credentialSubject: {id: 'did:example:learner-1', type: ['ClrSubject'], verifiableCredential: nestedCredentials}
});
put('clr2-nested.json', await issue(clr(nested), rdfc(keys.issuer)));
add('clr2-nested.json', 'verified', 'CLR 2.0 signed by its issuer, carrying two AchievementCredentials from two issuers (rdfc and jcs), each verified on its own (verification.md §3.10)', {checks: {signature: 'pass', nested: 'pass'}});
const badNested = structuredClone(nested);
badNested[1].credentialSubject.achievement.name = 'Changed';
put('clr2-nested-inner-tampered.json', await issue(clr(badNested), rdfc(keys.issuer)));
add('clr2-nested-inner-tampered.json', 'invalid_signature', 'outer CLR proof is valid but it carries an inner credential altered before the CLR was signed: the CLR is not verified as a whole (UNSURE: outcome of a failed nested credential; invalid_signature from the first failure)', {checks: {nested: 'fail'}});

// ------------------------------------------------------------------ write
rmSync(OUT, {recursive: true, force: true});
mkdirSync(join(OUT, 'documents'), {recursive: true});
for(const [name, text] of files) writeFileSync(join(OUT, name), text);
writeFileSync(join(OUT, 'EXPECTED.json'), JSON.stringify(cases, null, 2) + '\n');
console.log(`${files.size} files, ${cases.length} cases in ${OUT}`);
