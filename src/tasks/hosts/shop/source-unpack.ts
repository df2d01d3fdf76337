import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract as extractTar } from 'tar';
import yauzl from 'yauzl';
import { underRoot, unsafeEntryName } from './source-tree.js';

/**
 * Unpacks an archive's app root (its single top-level folder, when it has one, left out) into a local
 * folder, so it can be packed as the one `.tar.gz` shape the host unpacks. Entries that would land outside
 * the folder are refused (the tree was already checked; this is the second fence). File modes are kept
 * from the zip's Unix attributes where it has them (a vendor zip made on Linux keeps manage.py executable).
 */

export async function unpackSource(kind: 'zip' | 'tar', archive: string, top: string, into: string): Promise<string> {
  await mkdir(into, { recursive: true });
  if (kind === 'tar') {
    await extractTar({ file: archive, cwd: into, strip: top ? 1 : 0, preservePaths: false, filter: (path) => underRoot(path, top) !== undefined });
    return into;
  }
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(archive, { lazyEntries: true }, (error, file) => (error || !file ? reject(error ?? new Error('no zip')) : resolve(file))),
  );
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const file = underRoot(entry.fileName, top);
      if (file === undefined || entry.fileName.endsWith('/')) return zip.readEntry();
      if (unsafeEntryName(entry.fileName)) return reject(new Error(`${entry.fileName} would be unpacked outside ${into}`));
      const target = join(into, file);
      // Unix permission bits live in the upper half of the external attributes (0 when the zip has none).
      const mode = (entry.externalFileAttributes >>> 16) & 0o777;
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return reject(error ?? new Error('no stream'));
        mkdir(dirname(target), { recursive: true })
          .then(() => pipeline(stream, createWriteStream(target, { mode: mode || 0o644 })))
          .then(() => zip.readEntry(), reject);
      });
    });
    zip.readEntry();
  });
  return into;
}
