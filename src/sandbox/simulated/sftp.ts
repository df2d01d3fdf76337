import { posix } from 'node:path';
import type { SimulatedHost } from './host.js';
import { ssh2, type SftpAttrs, type SftpServer } from './ssh2-server.js';

/**
 * The SFTP subsystem of a simulated host, as the login user, over the host's filesystem: files are
 * opened, written at offsets (ssh2's fastPut writes several chunks at once), read, stat'ed, chmod'ed,
 * renamed and removed. A file is written back to the filesystem when its handle is closed.
 */

interface OpenFile {
  path: string;
  content: Buffer;
  writable: boolean;
  dirty: boolean;
}

const HOME = '/home/ubuntu';

export function serveSftp(host: SimulatedHost, sftp: SftpServer): void {
  const { STATUS_CODE: STATUS, OPEN_MODE: MODE } = ssh2().utils.sftp;
  const fs = host.fs;
  const handles = new Map<number, OpenFile>();
  let next = 1;
  const absolute = (path: string) => posix.resolve(HOME, path);
  const fileOf = (handle: Buffer) => handles.get(handle.length === 4 ? handle.readUInt32BE(0) : -1);
  const handleFor = (file: OpenFile) => {
    const id = next++;
    handles.set(id, file);
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(id);
    return buffer;
  };
  const attrsOf = async (path: string): Promise<SftpAttrs | undefined> => {
    if (!(await fs.exists(path))) return undefined;
    const info = await fs.stat(path);
    const type = info.isDirectory ? 0o040000 : 0o100000;
    const mtime = Math.floor(info.mtime.getTime() / 1000);
    return { mode: type | (info.mode & 0o7777), size: info.size, uid: host.owners.get(path).user === 'root' ? 0 : 1000, gid: host.owners.get(path).group === 'root' ? 0 : 1000, atime: mtime, mtime };
  };
  const run = (reqid: number, work: () => Promise<void>) => {
    work().catch((error: unknown) => sftp.status(reqid, STATUS.FAILURE, error instanceof Error ? error.message : String(error)));
  };

  sftp.on('OPEN', (reqid: number, filename: string, flags: number, attrs: SftpAttrs) =>
    run(reqid, async () => {
      const path = absolute(filename);
      const exists = await fs.exists(path);
      if (!exists && !(flags & MODE.CREAT)) return void sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file');
      if (exists && flags & MODE.EXCL) return void sftp.status(reqid, STATUS.FAILURE, 'File exists');
      if (exists && (await fs.stat(path)).isDirectory) return void sftp.status(reqid, STATUS.FAILURE, 'Is a directory');
      if (!(await fs.exists(posix.dirname(path)))) return void sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file');
      const writable = Boolean(flags & MODE.WRITE);
      const content = exists && !(flags & MODE.TRUNC) ? Buffer.from(await fs.readFileBuffer(path)) : Buffer.alloc(0);
      const file: OpenFile = { path, content, writable, dirty: writable && (!exists || Boolean(flags & MODE.TRUNC)) };
      if (!exists) {
        await fs.writeFile(path, new Uint8Array());
        await fs.chmod(path, (attrs.mode ?? 0o644) & 0o7777);
        host.owners.set(path, { user: 'ubuntu', group: 'ubuntu' });
      }
      sftp.handle(reqid, handleFor(file));
    }),
  );

  sftp.on('WRITE', (reqid: number, handle: Buffer, offset: number, data: Buffer) => {
    const file = fileOf(handle);
    if (!file?.writable) return void sftp.status(reqid, STATUS.FAILURE, 'Invalid handle');
    const end = offset + data.length;
    if (end > file.content.length) file.content = Buffer.concat([file.content, Buffer.alloc(end - file.content.length)]);
    data.copy(file.content, offset);
    file.dirty = true;
    sftp.status(reqid, STATUS.OK);
  });

  sftp.on('READ', (reqid: number, handle: Buffer, offset: number, length: number) => {
    const file = fileOf(handle);
    if (!file) return void sftp.status(reqid, STATUS.FAILURE, 'Invalid handle');
    if (offset >= file.content.length) return void sftp.status(reqid, STATUS.EOF);
    sftp.data(reqid, file.content.subarray(offset, offset + length));
  });

  sftp.on('CLOSE', (reqid: number, handle: Buffer) =>
    run(reqid, async () => {
      const file = fileOf(handle);
      if (!file) return void sftp.status(reqid, STATUS.FAILURE, 'Invalid handle');
      handles.delete(handle.readUInt32BE(0));
      if (file.dirty) {
        const mode = (await fs.stat(file.path)).mode;
        await fs.writeFile(file.path, new Uint8Array(file.content));
        await fs.chmod(file.path, mode & 0o7777);
      }
      sftp.status(reqid, STATUS.OK);
    }),
  );

  const stat = (reqid: number, path: string) =>
    run(reqid, async () => {
      const attrs = await attrsOf(path);
      if (attrs) sftp.attrs(reqid, attrs);
      else sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file');
    });
  sftp.on('STAT', (reqid: number, path: string) => stat(reqid, absolute(path)));
  sftp.on('LSTAT', (reqid: number, path: string) => stat(reqid, absolute(path)));
  sftp.on('FSTAT', (reqid: number, handle: Buffer) => {
    const file = fileOf(handle);
    if (!file) return void sftp.status(reqid, STATUS.FAILURE, 'Invalid handle');
    run(reqid, async () => {
      const attrs = await attrsOf(file.path);
      sftp.attrs(reqid, { ...attrs, size: file.content.length });
    });
  });

  const setstat = (reqid: number, path: string, attrs: SftpAttrs) =>
    run(reqid, async () => {
      if (!(await fs.exists(path))) return void sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file');
      if (attrs.mode !== undefined) await fs.chmod(path, attrs.mode & 0o7777);
      sftp.status(reqid, STATUS.OK);
    });
  sftp.on('SETSTAT', (reqid: number, path: string, attrs: SftpAttrs) => setstat(reqid, absolute(path), attrs));
  sftp.on('FSETSTAT', (reqid: number, handle: Buffer, attrs: SftpAttrs) => {
    const file = fileOf(handle);
    if (!file) return void sftp.status(reqid, STATUS.FAILURE, 'Invalid handle');
    setstat(reqid, file.path, attrs);
  });

  sftp.on('REALPATH', (reqid: number, path: string) => {
    const resolved = absolute(path);
    sftp.name(reqid, [{ filename: resolved, longname: resolved, attrs: {} }]);
  });
  sftp.on('REMOVE', (reqid: number, path: string) =>
    run(reqid, async () => {
      if (!(await fs.exists(absolute(path)))) return void sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file');
      await fs.rm(absolute(path));
      sftp.status(reqid, STATUS.OK);
    }),
  );
  sftp.on('RENAME', (reqid: number, from: string, to: string) =>
    run(reqid, async () => {
      await fs.mv(absolute(from), absolute(to));
      host.owners.move(absolute(from), absolute(to));
      sftp.status(reqid, STATUS.OK);
    }),
  );
  sftp.on('MKDIR', (reqid: number, path: string, attrs: SftpAttrs) =>
    run(reqid, async () => {
      await fs.mkdir(absolute(path));
      await fs.chmod(absolute(path), (attrs.mode ?? 0o755) & 0o7777);
      host.owners.set(absolute(path), { user: 'ubuntu', group: 'ubuntu' });
      sftp.status(reqid, STATUS.OK);
    }),
  );
  for (const unsupported of ['OPENDIR', 'READDIR', 'RMDIR', 'READLINK', 'SYMLINK', 'EXTENDED']) {
    sftp.on(unsupported, (reqid: number) => sftp.status(reqid, STATUS.OP_UNSUPPORTED, `${unsupported} is not simulated`));
  }
}
