import type { HostAccess } from '../../engine/types.js';
import { ADMIN_ACCOUNTS, adminPasswordFile, readAdminPassword } from './admin-credentials.js';
import { GITLAB_ROOT_PASSWORD_FILE, readGitlabRootPassword } from './gitlab/root-password.js';

/**
 * The accounts the Summary can show on request: GitLab's initial root (GitLab's own file, deleted by GitLab
 * 24 h after install) and the admin accounts the tool created (root-only files on their hosts). Each is read
 * over SSH at the moment the operator asks, for the screen only: never an event, a log line or state.
 */
export interface HostCredential {
  label: string;
  user: string;
  /** Where it is kept on its host (shown, so the operator can read it again later). */
  where: string;
  /** Undefined: not there (not created yet, or GitLab deleted its file); `error`: could not be read. */
  password?: string;
  error?: string;
}

export async function readHostCredentials(hosts: HostAccess, signal?: AbortSignal): Promise<HostCredential[]> {
  const read = async (label: string, user: string, where: string, get: () => Promise<string | undefined>): Promise<HostCredential> => {
    try {
      const password = await get();
      return { label, user, where, ...(password !== undefined ? { password } : {}) };
    } catch (error) {
      return { label, user, where, error: error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error) };
    }
  };
  return Promise.all([
    read('GitLab', 'root', `gitlab:${GITLAB_ROOT_PASSWORD_FILE}`, () => readGitlabRootPassword({ hosts, ...(signal ? { signal } : {}) })),
    ...Object.values(ADMIN_ACCOUNTS).map((account) =>
      read(account.label, account.user, `${account.host}:${adminPasswordFile(account)}`, async () => readAdminPassword(await hosts.connect(account.host, signal), account, signal)),
    ),
  ]);
}
