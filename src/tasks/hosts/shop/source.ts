import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdtemp, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { expandHome } from '../../../config/load.js';
import type { Config } from '../../../config/schema.js';

/**
 * The shop's source: Rocket eCommerce is a licensed product, so the operator names a local `.tar.gz`
 * or folder in `shop.source`. It must hold the vendor's compose file at its top level (compose runs in
 * /opt/shop). A folder is packed into a temporary archive for the upload; its digest (paths, modes,
 * contents) decides whether the host already has it, so an unchanged folder is not sent again.
 */

export interface ShopSource {
  kind: 'archive' | 'folder';
  /** Absolute local path. */
  path: string;
}

export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const ARCHIVE = /\.(tar\.gz|tgz)$/i;
/** Never sent: VCS data, and a local .env (ours replaces it on the host). */
const FOLDER_EXCLUDES = ['.git', '.env'];

export class ShopSourceError extends Error {
  override readonly name = 'ShopSourceError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** `shop.source` as an absolute path (`~` expanded, relative to the working directory, like access.publicKeyPath). */
export function shopSourcePath(config: Config): string | undefined {
  return config.shop.source ? resolve(expandHome(config.shop.source)) : undefined;
}

const FIX = 'set shop.source in aws-runbook.yaml to the Rocket eCommerce source: a .tar.gz archive or a folder with its docker-compose.yml at the top';

/** What is wrong with `shop.source`, in the operator's terms (empty when usable). */
export async function shopSourceProblem(config: Config): Promise<{ message: string; fix: string } | undefined> {
  const path = shopSourcePath(config);
  if (!config.shop.source || !path) {
    return { message: 'is not set; the hosts section installs the shop (Rocket eCommerce, a licensed product) from a local archive or folder you provide', fix: FIX };
  }
  const info = await stat(path).catch(() => undefined);
  if (!info) return { message: `"${config.shop.source}" does not exist (${path})`, fix: FIX };
  if (info.isDirectory()) {
    const entries = await readdir(path);
    if (COMPOSE_FILES.some((name) => entries.includes(name))) return undefined;
    return { message: `the folder "${config.shop.source}" has no ${COMPOSE_FILES.at(-1)} (or compose.yaml) at its top level`, fix: FIX };
  }
  if (/\.zip$/i.test(path)) return { message: `"${config.shop.source}" is a .zip archive`, fix: 'unzip it and point shop.source at the folder, or repack it as .tar.gz' };
  if (!info.isFile() || !ARCHIVE.test(path)) return { message: `"${config.shop.source}" is neither a folder nor a .tar.gz/.tgz archive`, fix: FIX };
  const listed = await execa('tar', ['-tzf', path], { reject: false });
  if (listed.exitCode !== 0) return { message: `"${config.shop.source}" cannot be read as a gzip tar archive`, fix: FIX };
  const names = String(listed.stdout)
    .split('\n')
    .map((name) => name.replace(/^\.\//, ''));
  if (COMPOSE_FILES.some((name) => names.includes(name))) return undefined;
  const nested = names.find((name) => COMPOSE_FILES.some((file) => name.endsWith(`/${file}`)));
  return {
    message: `the archive "${config.shop.source}" has no docker-compose.yml at its top level${nested ? ` (it has ${nested})` : ''}`,
    fix: nested ? 'repack it from inside that folder (`tar -czf shop.tar.gz -C FOLDER .`), or point shop.source at the folder' : FIX,
  };
}

export async function resolveShopSource(config: Config): Promise<ShopSource> {
  const problem = await shopSourceProblem(config);
  if (problem) throw new ShopSourceError(`shop.source ${problem.message}`, problem.fix);
  const path = shopSourcePath(config) as string;
  return { kind: (await stat(path)).isDirectory() ? 'folder' : 'archive', path };
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (dir === root && FOLDER_EXCLUDES.includes(entry.name)) continue;
    out.push(full);
    if (entry.isDirectory()) await walk(root, full, out);
  }
}

/** The source's identity: the archive's SHA-256, or for a folder one over every path, mode and content. */
export async function sourceDigest(source: ShopSource): Promise<string> {
  if (source.kind === 'archive') return fileSha256(source.path);
  const paths: string[] = [];
  await walk(source.path, source.path, paths);
  const hash = createHash('sha256');
  for (const full of paths.map((p) => relative(source.path, p)).sort()) {
    const path = join(source.path, full);
    const info = await lstat(path);
    const mode = (info.mode & 0o777).toString(8);
    if (info.isSymbolicLink()) hash.update(`${full}\0link\0${await readlink(path)}\n`);
    else if (info.isDirectory()) hash.update(`${full}\0dir\0${mode}\n`);
    else if (info.isFile()) hash.update(`${full}\0file\0${mode}\0${await fileSha256(path)}\n`);
  }
  return `folder-${hash.digest('hex')}`;
}

/** Calls `use` with a local .tar.gz of the source: the archive itself, or a temporary one packed from the folder. */
export async function withSourceArchive<T>(source: ShopSource, use: (archive: string) => Promise<T>): Promise<T> {
  if (source.kind === 'archive') return use(source.path);
  const dir = await mkdtemp(join(tmpdir(), 'aws-runbook-shop-'));
  try {
    const archive = join(dir, 'shop.tar.gz');
    await execa('tar', ['-czf', archive, ...FOLDER_EXCLUDES.map((name) => `--exclude=./${name}`), '-C', source.path, '.']);
    return await use(archive);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
