import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { list as listTar } from 'tar';
import yauzl from 'yauzl';

/**
 * What is inside the shop's source, read without unpacking it: its file list and the text of the few
 * small files the tool reads (the compose file, the env sample, Django's settings). The vendor sells
 * Rocket eCommerce as a `.zip` that holds one top-level folder, as downloads usually do; an operator may
 * also give a `.tar.gz` or a folder, with or without that folder. Paths here are relative to the app's
 * root: the top-level folder, when there is one, is left out (`top` says which it was).
 */

export type SourceKind = 'folder' | 'zip' | 'tar';

export interface SourceTree {
  kind: SourceKind;
  /** Absolute local path of the folder or archive. */
  path: string;
  /** The single top-level folder the app sits in ('' when its files are at the top). */
  top: string;
  /** Every file (not directory) under the app's root, '/'-separated, sorted. */
  files: string[];
  /** Text of the files `wanted` selected (by their path under the app's root). */
  texts: Map<string, string>;
}

/** A file the tool reads is a config file: anything bigger is not what it looks for. */
const MAX_TEXT_BYTES = 1024 * 1024;
/** What archivers add beside the real content (macOS Finder's zip, its metadata files). */
const JUNK = /^(__MACOSX|\.DS_Store)$/;

export const ZIP = /\.zip$/i;
export const TAR_GZ = /\.(tar\.gz|tgz)$/i;

export class SourceReadError extends Error {
  override readonly name = 'SourceReadError';
}

interface RawEntry {
  /** '/'-separated, as stored. */
  name: string;
  directory: boolean;
}

/** An entry name that would land outside the folder it is unpacked in (zip-slip) or is absolute. */
export function unsafeEntryName(name: string): boolean {
  const normal = posix.normalize(name.replace(/\\/g, '/'));
  return normal.startsWith('/') || normal === '..' || normal.startsWith('../') || /^[A-Za-z]:/.test(normal);
}

/** The one folder every entry sits in, when there is exactly one and no file beside it (junk aside). */
export function topFolderOf(names: readonly string[]): string {
  const firsts = new Set<string>();
  let fileAtTop = false;
  for (const name of names) {
    const [first = '', ...rest] = name.replace(/^\.\//, '').split('/').filter(Boolean);
    if (first === '' || JUNK.test(first)) continue;
    firsts.add(first);
    if (rest.length === 0 && !name.endsWith('/')) fileAtTop = true;
  }
  return firsts.size === 1 && !fileAtTop ? [...firsts][0]! : '';
}

/** `name` relative to the app's root (`top` removed), or undefined when it is outside it (junk, the folder itself). */
export function underRoot(name: string, top: string): string | undefined {
  const parts = name.replace(/^\.\//, '').split('/').filter(Boolean);
  if (parts.length === 0 || JUNK.test(parts[0]!)) return undefined;
  if (top) {
    if (parts[0] !== top || parts.length === 1) return undefined;
    parts.shift();
  }
  return parts.join('/');
}

async function walkFolder(root: string, dir = root, out: RawEntry[] = []): Promise<RawEntry[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const name = posix.join(...full.slice(root.length + 1).split(/[\\/]/));
    if (entry.isDirectory()) {
      out.push({ name: `${name}/`, directory: true });
      await walkFolder(root, full, out);
    } else out.push({ name, directory: false });
  }
  return out;
}

/** Anything that emits data, error and end (a file stream, a zip entry, a tar entry). */
type ByteSource = Pick<NodeJS.EventEmitter, 'on'>;

function streamText(stream: ByteSource, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_TEXT_BYTES) chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => (size > MAX_TEXT_BYTES ? reject(new SourceReadError(`${what} is over 1 MB: not a config file`)) : resolve(Buffer.concat(chunks).toString('utf8'))));
  });
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, zip) => (error || !zip ? reject(error ?? new Error('no zip')) : resolve(zip))));
}

/** Every entry of a zip; `read(entryName)` then opens one entry's content. */
async function zipEntries(path: string): Promise<{ entries: RawEntry[]; read: (name: string) => Promise<string>; close: () => void }> {
  const zip = await openZip(path);
  const byName = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      byName.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return {
    entries: [...byName.keys()].map((name) => ({ name, directory: name.endsWith('/') })),
    read: (name) =>
      new Promise((resolve, reject) => {
        zip.openReadStream(byName.get(name)!, (error, stream) => (error || !stream ? reject(error ?? new Error('no stream')) : resolve(streamText(stream, name))));
      }),
    close: () => zip.close(),
  };
}

/** Every entry of a .tar.gz, and the text of those `keep` picks (read in the same single pass). */
async function tarEntries(path: string, keep: (name: string) => boolean): Promise<{ entries: RawEntry[]; texts: Map<string, string> }> {
  const entries: RawEntry[] = [];
  const reads: Promise<void>[] = [];
  const texts = new Map<string, string>();
  await listTar({
    file: path,
    onReadEntry: (entry) => {
      const directory = entry.type === 'Directory';
      entries.push({ name: directory && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path, directory });
      if (!directory && entry.type === 'File' && keep(entry.path)) reads.push(streamText(entry, entry.path).then((text) => void texts.set(entry.path, text)));
      else entry.resume();
    },
  });
  await Promise.all(reads);
  return { entries, texts };
}

/**
 * Lists the source and reads the files `wanted` picks (by path under the app's root). Throws
 * SourceReadError when the archive cannot be read or holds a path that escapes it.
 */
export async function readSourceTree(path: string, wanted: (file: string) => boolean): Promise<SourceTree> {
  const info = await stat(path);
  const kind: SourceKind = info.isDirectory() ? 'folder' : ZIP.test(path) ? 'zip' : 'tar';
  let entries: RawEntry[];
  const texts = new Map<string, string>();
  try {
    if (kind === 'folder') {
      entries = await walkFolder(path);
      const top = topFolderOf(entries.map((e) => e.name));
      for (const entry of entries) {
        const file = underRoot(entry.name, top);
        if (!entry.directory && file !== undefined && wanted(file)) texts.set(file, await streamText(createReadStream(join(path, entry.name)), entry.name));
      }
      return tree(kind, path, entries, top, texts);
    }
    if (kind === 'zip') {
      const zip = await zipEntries(path);
      try {
        entries = zip.entries;
        assertSafe(entries, path);
        const top = topFolderOf(entries.map((e) => e.name));
        for (const entry of entries) {
          const file = underRoot(entry.name, top);
          if (!entry.directory && file !== undefined && wanted(file)) texts.set(file, await zip.read(entry.name));
        }
        return tree(kind, path, entries, top, texts);
      } finally {
        zip.close();
      }
    }
    // One pass over the gzip stream: keep every candidate at depth ≤ 2, sort out the top folder after.
    const read = await tarEntries(path, (name) => {
      const depthOne = underRoot(name, '');
      const depthTwo = underRoot(name, name.replace(/^\.\//, '').split('/')[0] ?? '');
      return (depthOne !== undefined && wanted(depthOne)) || (depthTwo !== undefined && wanted(depthTwo));
    });
    entries = read.entries;
    assertSafe(entries, path);
    const top = topFolderOf(entries.map((e) => e.name));
    for (const [name, text] of read.texts) {
      const file = underRoot(name, top);
      if (file !== undefined && wanted(file)) texts.set(file, text);
    }
    return tree(kind, path, entries, top, texts);
  } catch (error) {
    if (error instanceof SourceReadError) throw error;
    const what = kind === 'zip' ? 'a zip archive' : kind === 'tar' ? 'a gzip tar archive' : 'a folder';
    throw new SourceReadError(`cannot be read as ${what} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
}

function assertSafe(entries: readonly RawEntry[], path: string): void {
  const bad = entries.find((entry) => unsafeEntryName(entry.name));
  if (bad) throw new SourceReadError(`holds an entry that would be unpacked outside its folder (${bad.name}); ${path} is refused`);
}

function tree(kind: SourceKind, path: string, entries: readonly RawEntry[], top: string, texts: Map<string, string>): SourceTree {
  const files = entries
    .filter((entry) => !entry.directory)
    .map((entry) => underRoot(entry.name, top))
    .filter((file): file is string => file !== undefined)
    .sort();
  return { kind, path, top, files, texts };
}
