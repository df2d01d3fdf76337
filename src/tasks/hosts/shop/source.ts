import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdtemp, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { expandHome } from '../../../config/load.js';
import type { Config } from '../../../config/schema.js';
import { shopLayout, ShopLayoutProblem, wantedSourceFile, type ShopLayout } from './layout.js';
import { readSourceTree, SourceReadError, TAR_GZ, ZIP, type SourceKind, type SourceTree } from './source-tree.js';
import { unpackSource } from './source-unpack.js';
import { HintedError } from '../../../errors/hinted-error.js';

/**
 * The shop's source: Rocket eCommerce is a licensed product, so the operator names a local copy in
 * `shop.source`: the vendor's `.zip` download, a `.tar.gz`, or a folder, with or without one top-level
 * folder. What the tool knows of the shop (services, ports, the Django service, the env sample) it reads
 * from that source (layout.ts). The upload is always a `.tar.gz` of the app's root (the top-level folder
 * left out, a local .env and .git never sent); its digest (the archive's SHA-256, or for a folder one over
 * every path, mode and content) decides whether the host already has it.
 */

export interface ShopSource {
  kind: SourceKind;
  /** Absolute local path. */
  path: string;
}

/** A readable source and what it says of the shop. */
export interface InspectedSource {
  source: ShopSource;
  tree: SourceTree;
  layout: ShopLayout;
}

/** Never sent: VCS data, and a local .env (ours replaces it on the host). */
const EXCLUDES = ['.git', '.env'];

export class ShopSourceError extends HintedError {
  override readonly name = 'ShopSourceError';
}

/** `shop.source` as an absolute path (`~` expanded, relative to the working directory, like access.publicKeyPath). */
export function shopSourcePath(config: Config): string | undefined {
  return config.shop.source ? resolve(expandHome(config.shop.source)) : undefined;
}

const FIX = "set shop.source in aws-runbook.yaml to the Rocket eCommerce source: the vendor's .zip, a .tar.gz, or a folder with its docker-compose.yml";

/** One read per source version and choices in a process (the same source is asked for by plan, find and apply). */
const inspected = new Map<string, Promise<InspectedSource>>();

/** Reads the source and its layout; throws ShopSourceError (message without the field name, and its fix). */
export async function inspectShopSource(config: Config): Promise<InspectedSource> {
  const path = shopSourcePath(config);
  if (!config.shop.source || !path) {
    throw new ShopSourceError('is not set; the hosts section installs the shop (Rocket eCommerce, a licensed product) from a local archive or folder you provide', FIX);
  }
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ShopSourceError(`"${config.shop.source}" does not exist (${path})`, FIX);
  if (!info.isDirectory() && (!info.isFile() || !(ZIP.test(path) || TAR_GZ.test(path)))) {
    throw new ShopSourceError(`"${config.shop.source}" is neither a folder nor a .zip, .tar.gz or .tgz archive`, FIX);
  }
  const key = JSON.stringify([path, info.mtimeMs, info.size, config.shop.port, config.shop.service]);
  let reading = inspected.get(key);
  if (!reading) {
    reading = read(path, config);
    inspected.set(key, reading);
    reading.catch(() => inspected.delete(key));
  }
  return reading;
}

async function read(path: string, config: Config): Promise<InspectedSource> {
  let tree: SourceTree;
  try {
    tree = await readSourceTree(path, wantedSourceFile);
  } catch (error) {
    if (error instanceof SourceReadError) throw new ShopSourceError(`"${config.shop.source}" ${error.message}`, FIX);
    throw error;
  }
  try {
    return { source: { kind: tree.kind, path }, tree, layout: shopLayout(tree, { port: config.shop.port, service: config.shop.service }) };
  } catch (error) {
    if (error instanceof ShopLayoutProblem) throw new ShopSourceError(`"${config.shop.source}": ${error.message}`, error.fix);
    throw error;
  }
}

/** What is wrong with `shop.source`, in the operator's terms (undefined when usable). */
export async function shopSourceProblem(config: Config): Promise<{ message: string; fix: string } | undefined> {
  try {
    await inspectShopSource(config);
    return undefined;
  } catch (error) {
    if (error instanceof ShopSourceError) return { message: error.message, fix: error.hint };
    throw error;
  }
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (dir === root && EXCLUDES.includes(entry.name)) continue;
    out.push(full);
    if (entry.isDirectory()) await walk(root, full, out);
  }
}

/** The source's identity: an archive's SHA-256, or for a folder one over every path, mode and content. */
export async function sourceDigest(source: ShopSource): Promise<string> {
  if (source.kind !== 'folder') return fileSha256(source.path);
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

/**
 * Calls `use` with a local .tar.gz holding the app's root at its top: a top-level .tar.gz as it is;
 * anything else (a folder, a zip, an archive with a top-level folder) packed into a temporary one.
 */
export async function withSourceArchive<T>(inspectedSource: Pick<InspectedSource, 'source' | 'tree'>, use: (archive: string) => Promise<T>): Promise<T> {
  const { source, tree } = inspectedSource;
  if (source.kind === 'tar' && tree.top === '') return use(source.path);
  const dir = await mkdtemp(join(tmpdir(), 'aws-runbook-shop-'));
  try {
    const root = source.kind === 'folder' ? join(source.path, tree.top) : await unpackSource(source.kind, source.path, tree.top, join(dir, 'root'));
    const archive = join(dir, 'shop.tar.gz');
    await execa('tar', ['-czf', archive, ...EXCLUDES.map((name) => `--exclude=./${name}`), '-C', root, '.']);
    return await use(archive);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
