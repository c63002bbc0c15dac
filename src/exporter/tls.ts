/**
 * TLS and mutual-TLS settings of the exporter's HTTPS server, from PEM files, with
 * nvitop-exporter's pairing rules: `--certfile` and `--keyfile` together; a client CA
 * (`--client-cafile` or `--client-capath`) exactly when `--client-auth-required` is given, and
 * only with a certificate.
 *
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

/** TLS file settings as the command line gives them. */
export interface TlsFiles {
  /** Server certificate chain (PEM). */
  readonly certfile?: string;
  /** Server private key (PEM). */
  readonly keyfile?: string;
  /** Bundle of trusted client CA certificates (PEM). */
  readonly clientCafile?: string;
  /** Directory of trusted client CA certificates (PEM files). */
  readonly clientCapath?: string;
  /** Require clients to present a certificate signed by a trusted CA. */
  readonly clientAuthRequired?: boolean;
}

/** The options `https.createServer` needs. */
export interface HttpsSettings {
  /** Certificate chain (PEM). */
  readonly cert: Buffer;
  /** Private key (PEM). */
  readonly key: Buffer;
  /** Trusted client CAs (PEM), for mutual TLS. */
  readonly ca?: Buffer[];
  /** Ask clients for a certificate. */
  readonly requestCert: boolean;
  /** Refuse clients without a valid certificate. */
  readonly rejectUnauthorized: boolean;
}

/**
 * A TLS setting that breaks a pairing rule (a usage error) or names a missing, unreadable or
 * malformed file.
 *
 * @example
 * ```ts
 * try {
 *   loadTlsSettings({ certfile: 'cert.pem' });
 * } catch (error) {
 *   if (error instanceof TlsConfigError) console.error(error.kind, error.message); // 'usage' …
 * }
 * ```
 */
export class TlsConfigError extends Error {
  /** `'usage'`: flags that do not go together; `'file'`: a file that is missing or unreadable. */
  readonly kind: 'usage' | 'file';

  constructor(kind: 'usage' | 'file', message: string) {
    super(message);
    this.name = 'TlsConfigError';
    this.kind = kind;
  }
}

/**
 * Checks the pairing rules (no file access).
 *
 * @throws {@link TlsConfigError} of kind `'usage'`.
 * @example
 * ```ts
 * checkTlsPairing({ certfile: 'c.pem' }); // throws: `--certfile` and `--keyfile` must be specified together.
 * ```
 */
export function checkTlsPairing(files: TlsFiles): void {
  if ((files.certfile === undefined) !== (files.keyfile === undefined)) {
    throw new TlsConfigError('usage', '`--certfile` and `--keyfile` must be specified together.');
  }
  const caGiven = files.clientCafile !== undefined || files.clientCapath !== undefined;
  const authRequired = files.clientAuthRequired === true;
  if ((caGiven || authRequired) && files.certfile === undefined) {
    throw new TlsConfigError('usage', 'Mutual TLS options require `--certfile` and `--keyfile`.');
  }
  if (caGiven !== authRequired) {
    throw new TlsConfigError(
      'usage',
      '`--client-cafile` / `--client-capath` and `--client-auth-required` must be specified together to enable mutual TLS.',
    );
  }
}

const isFile = (p: string): boolean => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};
const isDirectory = (p: string): boolean => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Checks that every named file exists (`--client-capath` must be a directory).
 *
 * @throws {@link TlsConfigError} of kind `'file'`.
 * @example
 * ```ts
 * checkTlsFiles({ certfile: '/nope.pem', keyfile: 'k.pem' }); // throws: `--certfile` not found: /nope.pem
 * ```
 */
export function checkTlsFiles(files: TlsFiles): void {
  for (const [flag, file] of [
    ['--certfile', files.certfile],
    ['--keyfile', files.keyfile],
    ['--client-cafile', files.clientCafile],
  ] as const) {
    if (file !== undefined && !isFile(file)) throw new TlsConfigError('file', `\`${flag}\` not found: ${file}`);
  }
  if (files.clientCapath !== undefined && !isDirectory(files.clientCapath)) {
    throw new TlsConfigError('file', `\`--client-capath\` not a directory: ${files.clientCapath}`);
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const HAS_PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/;

/** The PEM certificates of every regular file in `dir` (OpenSSL's hashed names are not needed). */
function certificatesInDirectory(dir: string): Buffer[] {
  const found: Buffer[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (!isFile(file)) continue;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const match of text.match(PEM_CERTIFICATE) ?? []) found.push(Buffer.from(`${match}\n`));
  }
  return found;
}

/**
 * Reads and checks the TLS material: undefined for plain HTTP (no certificate), else the HTTPS
 * settings. The certificate and key are loaded into a secure context here, so a malformed PEM or
 * a key that does not match the certificate is reported before the server starts.
 *
 * @throws {@link TlsConfigError} (`'usage'` for a pairing rule, `'file'` for a missing,
 *   unreadable or malformed file).
 * @example
 * ```ts
 * const https = loadTlsSettings({ certfile: 'cert.pem', keyfile: 'key.pem' });
 * https?.requestCert; // false
 * ```
 */
export function loadTlsSettings(files: TlsFiles): HttpsSettings | undefined {
  checkTlsPairing(files);
  checkTlsFiles(files);
  if (files.certfile === undefined || files.keyfile === undefined) return undefined;
  let cert: Buffer;
  let key: Buffer;
  try {
    cert = fs.readFileSync(files.certfile);
    key = fs.readFileSync(files.keyfile);
    createSecureContext({ cert, key } satisfies SecureContextOptions);
  } catch (error) {
    throw new TlsConfigError('file', `Failed to load TLS certificate/key from \`${files.certfile}\` / \`${files.keyfile}\`: ${(error as Error).message}`);
  }
  if (files.clientAuthRequired !== true) return { cert, key, requestCert: false, rejectUnauthorized: false };
  const source = files.clientCafile ?? files.clientCapath ?? '';
  let ca: Buffer[];
  try {
    ca = [];
    if (files.clientCafile !== undefined) ca.push(fs.readFileSync(files.clientCafile));
    if (files.clientCapath !== undefined) ca.push(...certificatesInDirectory(files.clientCapath));
    if (ca.length === 0 || !ca.some((pem) => HAS_PEM_CERTIFICATE.test(pem.toString('utf8')))) throw new Error('no PEM certificate found');
    createSecureContext({ cert, key, ca });
  } catch (error) {
    throw new TlsConfigError('file', `Failed to load client CA bundle from \`${source}\`: ${(error as Error).message}`);
  }
  return { cert, key, ca, requestCert: true, rejectUnauthorized: true };
}
