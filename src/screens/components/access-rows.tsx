import type { ReactElement } from 'react';
import { Text } from 'ink';
import Link from 'ink-link';
import type { HostAccessInfo } from '../../tasks/hosts/access-info.js';
import { row, textRows } from '../frame/rows.js';
import type { Reveal } from '../use-credentials.js';

const GITLAB_GONE = 'GitLab already deleted its initial password (24 h after install): reset it with `sudo gitlab-rake "gitlab:password:reset[root]"`';

/** The Summary's way in: the apps' URLs (links where the terminal has them), SSH commands through the bastion (wrapped, never cut). */
export function accessRows(info: HostAccessInfo, width: number, simulated: boolean): ReactElement[] {
  return [
    ...textRows('apps', `Hosts${simulated ? ' (simulated in this process: these addresses lead nowhere outside the rehearsal)' : ''}`, width, { bold: true, ...(simulated ? { color: 'magenta' } : {}) }),
    ...info.urls.flatMap((url) => [
      row(`url:${url.label}`, <>{`  ${url.label.padEnd(12)}`}<Link url={url.url} fallback={false}><Text color="cyan">{url.url}</Text></Link></>),
      ...(url.note ? textRows(`note:${url.label}`, url.note, width, { indent: '                ', dimColor: true }) : []),
    ]),
    row('ssh', <Text bold>SSH (through the GitLab host as bastion)</Text>),
    ...info.ssh.flatMap((line) => textRows(`ssh:${line.host}`, `${line.host.padEnd(12)}${line.command}`, width, { indent: '  ', hang: '                ', color: 'cyan' })),
  ];
}

/** The admin accounts: the offer (g), reading, the accounts while shown, or why they could not be read. */
export function credentialRows(state: Reveal, width: number, available: boolean): ReactElement[] {
  if (!available) return [];
  if (state.kind !== 'shown') {
    const said =
      state.kind === 'reading'
        ? 'reading them on the hosts…'
        : state.kind === 'error'
          ? state.message
          : "press g to show GitLab's root and the shop, WordPress and Uptime Kuma admins (read over SSH now, never stored by the tool)";
    return textRows('credentials', `admin accounts  ${said}`, width, { hang: '                ', ...(state.kind === 'error' ? { color: 'red' } : { dimColor: true }) });
  }
  return [
    ...state.credentials.map((c) =>
      row(
        `cred:${c.label}`,
        <>
          {`  ${c.label.padEnd(30)}`}
          {c.password !== undefined ? (
            <Text bold color="yellow">{`${c.user} / ${c.password}`}</Text>
          ) : c.error ? (
            <Text color="red">{c.error}</Text>
          ) : (
            <Text dimColor>{c.label === 'GitLab' ? GITLAB_GONE : 'not created yet'}</Text>
          )}
        </>,
      ),
    ),
    ...textRows('cred-note', 'g hides them; taken off the screen before aws-runbook exits; kept only in root-only files on their hosts (never in the state or a log): change them at first login', width, { indent: '  ', dimColor: true }),
  ];
}
