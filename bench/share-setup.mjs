// Sets up the share-page benchmark on a running demo server: the demo learner imports N Open
// Badges signed elsewhere (VC 2.0 + OB 3.0.3, eddsa-rdfc-2022 Data Integrity proofs by a
// did:key issuer, made here with Digital Bazaar's libraries, as another platform would), puts
// them with their own credentials in one collection, and shares it. Prints the share path.
// Usage: node bench/share-setup.mjs BASE_URL [ITEMS]
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';

const [base, itemsArg] = process.argv.slice(2);
const ITEMS = Number(itemsArg ?? 50);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(path.join(root, 'end2end', 'package.json'));
const load = async (name) => import(require.resolve(name));
const vc = await load('@digitalbazaar/vc');
const { DataIntegrityProof } = await load('@digitalbazaar/data-integrity');
const { cryptosuite } = await load('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
const Ed25519Multikey = await load('@digitalbazaar/ed25519-multikey');

const CONTEXTS = {
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-v3p0-context-3.0.3.json',
  'https://w3id.org/security/data-integrity/v2': 'data-integrity-v2.jsonld',
};
const documents = new Map(
  Object.entries(CONTEXTS).map(([url, file]) => [
    url,
    JSON.parse(readFileSync(path.join(root, 'src', 'credentials', 'contexts', file), 'utf8')),
  ]),
);
const documentLoader = async (url) => {
  const document = documents.get(url);
  if (!document) throw new Error(`offline: ${url}`);
  return { contextUrl: null, documentUrl: url, document };
};

const login = await fetch(`${base}/api/login`, {
  method: 'POST',
  body: new URLSearchParams({ email: 'learner@demo.cairn', password: 'cairn-demo' }),
  redirect: 'manual',
});
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
if (!cookie.startsWith('cairn_session=')) throw new Error(`sign-in failed: ${login.status}`);
const call = async (endpoint, fields) => {
  const response = await fetch(`${base}/api/${endpoint}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${text}`);
  return JSON.parse(text);
};

const key = await Ed25519Multikey.generate();
const did = `did:key:${key.publicKeyMultibase}`;
key.id = `${did}#${key.publicKeyMultibase}`;
key.controller = did;
const suite = new DataIntegrityProof({ signer: key.signer(), cryptosuite });
const imported = [];
for (let i = 1; i <= ITEMS; i++) {
  const credential = {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: did, type: ['Profile'], name: 'Benchmark Badging Platform' },
    validFrom: '2026-01-01T00:00:00Z',
    name: `Benchmark badge ${i}`,
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityType: 'emailAddress', hashed: false, identityHash: 'learner@demo.cairn' }],
      achievement: {
        id: `urn:uuid:${randomUUID()}`,
        type: ['Achievement'],
        name: `Benchmark badge ${i}`,
        description: 'One of many badges from another platform.',
        criteria: { narrative: 'Completed the benchmark.' },
      },
    },
  };
  const signed = await vc.issue({ credential, suite, documentLoader });
  imported.push((await call('backpack-import', { document: JSON.stringify(signed) })).id);
}
const collection = await call('collection-create', { name: 'Everything I have', description: '' });
for (const item of imported) {
  await call('collection-item', { collection: String(collection), item: String(item), include: 'true' });
}
const link = await call('share-create', { collection: String(collection), days: '' });
console.log(link.path);
