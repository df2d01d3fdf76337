import { posix } from 'node:path';

/**
 * Who owns each file of a simulated host. just-bash's filesystem has modes but no owners, and the steps
 * compare owners (`stat -c '%a %U %G'`), so the commands that set an owner (install, chown, mktemp, an
 * SFTP write as the login user) record it here; anything else is root's, except under the login user's
 * home. Nothing enforces permissions: every user can read every file.
 */

export interface Owner {
  user: string;
  group: string;
}

export class Owners {
  private readonly byPath = new Map<string, Owner>();

  constructor(private readonly home: { path: string; user: string }) {}

  get(path: string): Owner {
    const normal = posix.normalize(path);
    const recorded = this.byPath.get(normal);
    if (recorded) return recorded;
    const inHome = normal === this.home.path || normal.startsWith(`${this.home.path}/`);
    return inHome ? { user: this.home.user, group: this.home.user } : { user: 'root', group: 'root' };
  }

  set(path: string, owner: Owner): void {
    this.byPath.set(posix.normalize(path), owner);
  }

  /** A rename: the entries at and below `from` move to `to` (whatever was recorded at `to` is replaced). */
  move(from: string, to: string): void {
    const source = posix.normalize(from);
    const target = posix.normalize(to);
    const own = this.get(source);
    for (const key of [...this.byPath.keys()]) {
      if (key === target || key.startsWith(`${target}/`)) this.byPath.delete(key);
    }
    for (const [key, owner] of [...this.byPath.entries()]) {
      if (key !== source && !key.startsWith(`${source}/`)) continue;
      this.byPath.delete(key);
      this.byPath.set(target + key.slice(source.length), owner);
    }
    this.byPath.set(target, own);
  }

  /** Every recorded path at or below `path` (for chown -R). */
  below(path: string): string[] {
    const root = posix.normalize(path);
    return [...this.byPath.keys()].filter((key) => key === root || key.startsWith(`${root}/`));
  }
}
