/**
 * `npm run secrets -- list | set <what> ... | rotate <what> ...`: WeChat Pay's key material for the
 * cloud, stored in the document `secrets/wechatpay` (a collection whose rules deny every client;
 * cloudbase/database.json) where `bills`, `payNotify` and `sweeper` read it at run time, within a
 * minute of a change and without a redeploy (functions/lib/wechatpay/keys.ts). Key material is
 * never a function environment variable (SCF's 4 KB cap; the console shows variables).
 *
 *   list                                                         what is stored: serials, ids, validity, fingerprints; never a key
 *   set merchant --key apiclient_key.pem --cert apiclient_cert.pem [--serial <hex>]
 *   set public-key --key pub_key.pem --id PUB_KEY_ID_...          WeChat Pay's public key (the platform certificates stay)
 *   set platform-certs <wechatpay_*.pem>... | --none              replaces the platform certificates
 *   rotate platform-certs [<new.pem>...] [--drop <serial>]...      adds certificates, keeps the current ones, drops the named
 *   rotate merchant ... / rotate public-key ...                   as set: the new key replaces the old one
 *
 * Everything is checked before anything is stored, and a refusal names the problem and stores
 * nothing: a malformed PEM, a private key that does not match its certificate or the configured
 * serial (--serial, else WECHATPAY_MERCHANT_SERIAL), a public key id that is no `PUB_KEY_ID_...`
 * (--id, else WECHATPAY_PUBLIC_KEY_ID), an expired certificate, or a change that would leave
 * nothing to verify WeChat Pay with.
 *
 * Reaches the cloud as scripts/places.ts does: ENV_ID and the operator's TENCENTCLOUD_SECRETID /
 * TENCENTCLOUD_SECRETKEY from the environment or .env.local (--env-file), through node-sdk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readPaySecret, type SecretsDb, writePaySecret } from '../functions/lib/cloudbase/secrets';
import {
  type Checked,
  checkMerchantKey,
  checkPlatformCertificate,
  checkPublicKey,
  keyFingerprint,
  SECRETS_COLLECTION,
  type StoredPayKeys,
  storedPayKeys,
  WECHATPAY_SECRET_ID,
} from '../functions/lib/wechatpay/keys';
import { certificateSerial } from '../functions/lib/wechatpay/verifier';
import { readEnvFile } from './env-file';

export interface SecretsIo {
  db: SecretsDb;
  /** The operator's settings (.env.local and the environment): WECHATPAY_MERCHANT_SERIAL, WECHATPAY_PUBLIC_KEY_ID. */
  env: Record<string, string | undefined>;
  now: Date;
  readFile(path: string): string;
  out(line: string): void;
  err(line: string): void;
}

const WHERE = `${SECRETS_COLLECTION}/${WECHATPAY_SECRET_ID}`;
const USAGE = [
  'usage: npm run secrets -- list',
  '       npm run secrets -- set merchant --key apiclient_key.pem --cert apiclient_cert.pem [--serial <hex>]',
  '       npm run secrets -- set public-key --key pub_key.pem --id PUB_KEY_ID_...',
  '       npm run secrets -- set platform-certs <wechatpay_*.pem>... | --none',
  '       npm run secrets -- rotate platform-certs [<new.pem>...] [--drop <serial>]...',
  '       npm run secrets -- rotate merchant|public-key (as set)',
].join('\n');

/** Options (`--name value`, repeatable) and the plain arguments. */
function parseArgs(argv: string[]): { plain: string[]; options: Map<string, string[]>; flags: Set<string> } {
  const plain: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--none') flags.add(a);
    else if (a.startsWith('--')) {
      options.set(a, [...(options.get(a) ?? []), argv[i + 1] ?? '']);
      i++;
    } else plain.push(a);
  }
  return { plain, options, flags };
}

/** What `list` shows of the stored keys: serials, ids, validity and fingerprints, never a key. */
export function describeKeys(keys: StoredPayKeys): string[] {
  const lines = [`${WHERE}${keys.updatedAt ? ` (updated ${keys.updatedAt})` : ''}`];
  if (keys.merchant) {
    const cert = new X509Certificate(keys.merchant.certificate);
    const fingerprint = keyFingerprint(createPublicKey(createPrivateKey(keys.merchant.privateKey)));
    lines.push(`merchant key: serial ${keys.merchant.serial}, certificate valid until ${new Date(cert.validTo).toISOString()}, fingerprint ${fingerprint}`);
  } else lines.push('merchant key: none (npm run secrets -- set merchant ...)');
  if (keys.publicKey) lines.push(`WeChat Pay public key: ${keys.publicKey.id}, fingerprint ${keyFingerprint(createPublicKey(keys.publicKey.pem))}`);
  else lines.push('WeChat Pay public key: none');
  if (keys.platformCertificates.length === 0) lines.push('platform certificates: none');
  for (const pem of keys.platformCertificates) {
    const cert = new X509Certificate(pem);
    lines.push(
      `platform certificate: serial ${certificateSerial(cert)}, valid ${new Date(cert.validFrom).toISOString()} to ${new Date(cert.validTo).toISOString()}`,
    );
  }
  return lines;
}

const EMPTY: StoredPayKeys = { merchant: null, publicKey: null, platformCertificates: [], updatedAt: '' };

/** Runs one command; 0 done, 2 refused or misused (nothing stored). */
export async function runSecrets(argv: string[], io: SecretsIo): Promise<number> {
  const { plain, options, flags } = parseArgs(argv);
  const [command, what, ...files] = plain;
  const one = (name: string) => options.get(name)?.[0];
  const refuse = (problem: string) => {
    io.err(`secrets: ${problem}`);
    io.err(`secrets: nothing stored`);
    return 2;
  };
  const read = (path: string | undefined, name: string): Checked<string> => {
    if (!path) return { ok: false, problem: `${name} is missing` };
    try {
      return { ok: true, value: io.readFile(path) };
    } catch {
      return { ok: false, problem: `${name} ${path}: cannot read that file` };
    }
  };

  const storedDoc = await readPaySecret(io.db);
  const stored = storedDoc === null ? { ok: true as const, value: EMPTY } : storedPayKeys(storedDoc);

  if (command === 'list' && what === undefined) {
    if (storedDoc === null) io.out(`${WHERE}: nothing stored yet (npm run secrets -- set merchant ...)`);
    else if (!stored.ok) io.out(`${WHERE}: malformed (${stored.problem}): set the keys again`);
    else for (const line of describeKeys(stored.value)) io.out(line);
    return 0;
  }
  if ((command !== 'set' && command !== 'rotate') || what === undefined) return refuse(USAGE);
  // A document edited by hand into something unreadable is replaced part by part, never read on.
  const before = stored.ok ? stored.value : EMPTY;
  let next: StoredPayKeys;

  if (what === 'merchant') {
    const key = read(one('--key'), '--key (apiclient_key.pem)');
    if (!key.ok) return refuse(key.problem);
    const cert = read(one('--cert'), '--cert (apiclient_cert.pem)');
    if (!cert.ok) return refuse(cert.problem);
    const serial = one('--serial') ?? io.env.WECHATPAY_MERCHANT_SERIAL;
    const checked = checkMerchantKey({ privateKey: key.value, certificate: cert.value, serial, now: io.now });
    if (!checked.ok) return refuse(checked.problem);
    next = { ...before, merchant: checked.value };
  } else if (what === 'public-key') {
    const key = read(one('--key'), '--key (pub_key.pem)');
    if (!key.ok) return refuse(key.problem);
    const id = one('--id') ?? io.env.WECHATPAY_PUBLIC_KEY_ID;
    if (!id) return refuse('--id is missing: the WeChat Pay public key id (PUB_KEY_ID_...) shown beside the key in the merchant platform');
    const checked = checkPublicKey({ pem: key.value, id, merchantCertificate: before.merchant?.certificate });
    if (!checked.ok) return refuse(checked.problem);
    next = { ...before, publicKey: checked.value };
  } else if (what === 'platform-certs') {
    const added: string[] = [];
    for (const file of files) {
      const text = read(file, 'certificate');
      if (!text.ok) return refuse(text.problem);
      const checked = checkPlatformCertificate(text.value, io.now, `platform certificate ${file}`);
      if (!checked.ok) return refuse(checked.problem);
      added.push(checked.value);
    }
    if (command === 'set' && added.length === 0 && !flags.has('--none'))
      return refuse('set platform-certs needs one or more certificate files (or --none to remove them all)');
    const drop = new Set((options.get('--drop') ?? []).map((s) => s.trim().toUpperCase()));
    const serialOf = (pem: string) => certificateSerial(new X509Certificate(pem));
    const known = new Set(before.platformCertificates.map(serialOf));
    for (const serial of drop) if (!known.has(serial)) return refuse(`--drop ${serial}: no stored platform certificate has that serial`);
    const addedSerials = new Set(added.map(serialOf));
    const kept = command === 'rotate' ? before.platformCertificates.filter((pem) => !drop.has(serialOf(pem)) && !addedSerials.has(serialOf(pem))) : [];
    next = { ...before, platformCertificates: [...kept, ...added] };
  } else return refuse(USAGE);

  if (next.merchant && next.publicKey === null && next.platformCertificates.length === 0)
    return refuse("this would leave nothing to verify WeChat Pay with: store WeChat Pay's public key or a platform certificate first");
  next.updatedAt = io.now.toISOString();
  await writePaySecret(io.db, { ...next });
  for (const line of describeKeys(next)) io.out(line);
  io.out('secrets: stored; bills, payNotify and sweeper use it within a minute, no redeploy');
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const at = argv.indexOf('--env-file');
  const envFile = at >= 0 ? argv[at + 1] : '.env.local';
  const args = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv;
  const fileVars = existsSync(envFile) ? readEnvFile(readFileSync(envFile, 'utf8')) : {};
  const env: Record<string, string | undefined> = { ...fileVars, ...process.env };
  for (const name of ['ENV_ID', 'TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRETKEY']) {
    if (!env[name]) {
      console.error(`secrets: ${name} is not set (the environment or ${envFile}): the operator's credentials reach ${WHERE}`);
      return 2;
    }
    process.env[name] = env[name];
  }
  const { cloudbaseDb } = await import('../functions/lib/cloudbase/db');
  return runSecrets(args, {
    db: cloudbaseDb(env.ENV_ID) as unknown as SecretsDb,
    env,
    now: new Date(),
    readFile: (path) => readFileSync(path, 'utf8'),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
}

if (require.main === module)
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`secrets: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
