// The cluster's TLS material, made on first start and reused after (<dataDir>/pki/):
// ca.crt/ca.key (a self-signed ECDSA P-256 CA, 10 years) and apiserver.crt/apiserver.key
// (P-256, signed by the CA, for 127.0.0.1, ::1, localhost, the kubernetes.default names,
// the `kubernetes` Service IP and any advertise address). A serving certificate that
// lacks a wanted name or is near expiry is re-issued from the same CA.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as never);

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;

export interface TlsMaterial {
  caCert: string;
  cert: string;
  key: string;
  dir: string;
}

function pem(label: string, der: ArrayBuffer): string {
  return x509.PemConverter.encode(der, label) + '\n';
}

function serial(): string {
  const b = new Uint8Array(16);
  webcrypto.getRandomValues(b);
  b[0] = b[0]! & 0x7f;
  return Buffer.from(b).toString('hex');
}

async function importKey(pemText: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pemText);
  return (await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign'])) as unknown as CryptoKey;
}

export function servingNames(advertise: readonly string[] = []): { ips: string[]; dns: string[] } {
  const ips = new Set(['127.0.0.1', '::1', '10.96.0.1']);
  const dns = new Set(['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']);
  for (const a of advertise) (isIP(a) ? ips : dns).add(a);
  return { ips: [...ips], dns: [...dns] };
}

async function makeCA(now: number): Promise<{ cert: x509.X509Certificate; keys: CryptoKeyPair }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=kubesim-ca',
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    signingAlgorithm: SIGN,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

async function makeServing(now: number, ca: x509.X509Certificate, caKey: CryptoKey, advertise: readonly string[]): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const names = servingNames(advertise);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=kube-apiserver',
    issuer: ca.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 365 * DAY),
    signingAlgorithm: SIGN,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...names.dns.map((value) => ({ type: 'dns' as const, value })), ...names.ips.map((value) => ({ type: 'ip' as const, value }))]),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false),
    ],
  });
  return { cert, key: keys.privateKey };
}

function servingCovers(certPem: string, advertise: readonly string[], now: number): boolean {
  try {
    const cert = new x509.X509Certificate(certPem);
    if (cert.notAfter.getTime() - now < 30 * DAY) return false;
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    const have = new Set((san?.names.toJSON() ?? []).map((n) => n.value));
    const want = servingNames(advertise);
    return [...want.ips, ...want.dns].every((n) => have.has(n));
  } catch {
    return false;
  }
}

/** load the CA and serving certificate from `<dataDir>/pki`, creating what is missing */
export async function ensureTls(dataDir: string, advertise: readonly string[] = [], now = Date.now()): Promise<TlsMaterial> {
  const dir = join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caCrt = join(dir, 'ca.crt');
  const caKeyPath = join(dir, 'ca.key');
  const crt = join(dir, 'apiserver.crt');
  const keyPath = join(dir, 'apiserver.key');
  let caPem: string;
  let caKey: CryptoKey;
  if (existsSync(caCrt) && existsSync(caKeyPath)) {
    caPem = readFileSync(caCrt, 'utf8');
    caKey = await importKey(readFileSync(caKeyPath, 'utf8'));
  } else {
    const ca = await makeCA(now);
    caPem = ca.cert.toString('pem') + '\n';
    caKey = ca.keys.privateKey;
    writeFileSync(caKeyPath, pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', caKey)), { mode: 0o600 });
    writeFileSync(caCrt, caPem);
  }
  if (!existsSync(crt) || !existsSync(keyPath) || !servingCovers(readFileSync(crt, 'utf8'), advertise, now)) {
    const s = await makeServing(now, new x509.X509Certificate(caPem), caKey, advertise);
    writeFileSync(keyPath, pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', s.key)), { mode: 0o600 });
    writeFileSync(crt, s.cert.toString('pem') + '\n');
  }
  return { caCert: caPem, cert: readFileSync(crt, 'utf8'), key: readFileSync(keyPath, 'utf8'), dir };
}
