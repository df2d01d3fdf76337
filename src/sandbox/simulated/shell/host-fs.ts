import { InMemoryFs, type FileContent } from 'just-bash';

/**
 * A simulated host's filesystem: just-bash's in-memory one, except that writing over an existing file
 * keeps its mode (just-bash's resets it to 0644), as writing through an open file does on Linux —
 * `mktemp` then `cat > "$tmp"` leaves a 0600 file.
 */
export class HostFs extends InMemoryFs {
  override async writeFile(path: string, content: FileContent, options?: Parameters<InMemoryFs['writeFile']>[2]): Promise<void> {
    let mode: number | undefined;
    try {
      const info = await this.stat(path);
      if (info.isFile) mode = info.mode & 0o7777;
    } catch {
      // a new file: created with the default mode
    }
    await super.writeFile(path, content, options);
    if (mode !== undefined) await this.chmod(path, mode);
  }
}
