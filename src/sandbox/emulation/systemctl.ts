import { fail, ok, parseArgs, readJson, type Call, type HostFiles, type Outcome } from './host.js';

/**
 * systemd's `systemctl`, as far as the runbook uses it (systemctl(1)). A unit exists when its file is in
 * /etc/systemd/system or an installed package shipped it (recorded as the vendor's when the package was
 * installed: Debian's maintainer scripts enable and start what they ship). Enabled/active states are kept
 * in /var/lib/systemd/emulated-units.json. Changing a unit needs root. Docker's daemon answers on
 * /run/docker.sock while docker.service runs: starting it creates the socket, stopping it removes it (a
 * daemon whose socket is gone does not answer, whatever its unit says, until it is restarted).
 */

const STATE = '/var/lib/systemd/emulated-units.json';
const LOCAL = '/etc/systemd/system';
export const DOCKER_SOCKET = '/run/docker.sock';

export interface UnitState {
  enabled: boolean;
  active: boolean;
  /** Shipped by a package (not a file of /etc/systemd/system). */
  vendor?: boolean;
}

type Units = Record<string, UnitState>;

export function unitName(name: string): string {
  return /\.(service|timer|socket|target|path|mount)$/.test(name) ? name : `${name}.service`;
}

const load = (fs: HostFiles) => readJson<Units>(fs, STATE, {});

/** Starting a unit that runs changes nothing (a wedged daemon stays wedged); `restart` starts it afresh. */
async function setUnit(fs: HostFiles, unit: string, change: Partial<UnitState>, restart = false): Promise<void> {
  const units = await load(fs);
  const before = units[unit];
  await fs.write(STATE, JSON.stringify({ ...units, [unit]: { enabled: false, active: false, ...before, ...change } }));
  if (unit !== 'docker.service' || change.active === undefined) return;
  if (!change.active) await fs.remove(DOCKER_SOCKET);
  else if (restart || !before?.active) await fs.write(DOCKER_SOCKET, '');
}

/** A package's units, enabled and started as its maintainer scripts do. */
export async function installUnits(fs: HostFiles, units: readonly string[]): Promise<void> {
  for (const unit of units) await setUnit(fs, unit, { enabled: true, active: true, vendor: true });
}

export async function unitState(fs: HostFiles, unit: string): Promise<UnitState> {
  return (await load(fs))[unit] ?? { enabled: false, active: false };
}

/** Start (or keep) a unit outside systemctl: what a package's own tools do (gitlab-ctl reconfigure). */
export const startUnit = (fs: HostFiles, unit: string) => setUnit(fs, unit, { enabled: true, active: true, vendor: true });

async function exists(fs: HostFiles, unit: string): Promise<boolean> {
  return (await fs.exists(`${LOCAL}/${unit}`)) || (await unitState(fs, unit)).vendor === true;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The next time a daily `OnCalendar=*-*-* HH:MM:SS UTC` fires, as systemctl prints it ('' for other schedules). */
async function nextElapse(fs: HostFiles, unit: string): Promise<string> {
  const path = `${LOCAL}/${unit}`;
  if (!(await fs.exists(path))) return '';
  const time = /^OnCalendar=\*-\*-\* (\d{2}):(\d{2}):(\d{2})(?: UTC)?$/m.exec(await fs.read(path));
  if (!time) return '';
  const now = new Date();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(time[1]), Number(time[2]), Number(time[3])));
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
  return `${DAYS[next.getUTCDay()]} ${next.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `systemctl show -p PROPERTY [--value] UNIT`: the properties the checks read; a service that never ran has no exit time. */
async function show(fs: HostFiles, unit: string, property: string): Promise<string> {
  const found = await exists(fs, unit);
  const state = await unitState(fs, unit);
  const values: Record<string, string> = {
    LoadState: found ? 'loaded' : 'not-found',
    ActiveState: state.active ? 'active' : 'inactive',
    UnitFileState: found ? (state.enabled ? 'enabled' : 'disabled') : '',
    Result: 'success',
    ExecMainStatus: '0',
    ExecMainExitTimestamp: '',
    NextElapseUSecRealtime: unit.endsWith('.timer') && state.active ? await nextElapse(fs, unit) : '',
  };
  return values[property] ?? '';
}

const CHANGES: Record<string, Partial<UnitState>> = { start: { active: true }, restart: { active: true }, reload: {}, stop: { active: false }, enable: { enabled: true }, disable: { enabled: false } };

async function change(call: Call, verb: string, units: string[], now: boolean): Promise<Outcome> {
  const { fs } = call.host;
  if (call.user !== 'root') return fail(`Failed to ${verb} ${units.join(' ')}: Interactive authentication required.`, 1);
  if (units.length === 0) return fail('Too few arguments.');
  let stderr = '';
  for (const unit of units) {
    if (!(await exists(fs, unit))) {
      return verb === 'enable' || verb === 'disable' ? fail(`Failed to ${verb} unit: Unit file ${unit} does not exist.`) : fail(`Failed to ${verb} ${unit}: Unit ${unit} not found.`, 5);
    }
    const wanted = { ...CHANGES[verb], ...(now && verb === 'enable' ? { active: true } : {}), ...(now && verb === 'disable' ? { active: false } : {}) };
    if (verb === 'enable' && !(await unitState(fs, unit)).enabled) {
      stderr += `Created symlink /etc/systemd/system/${unit.endsWith('.timer') ? 'timers' : 'multi-user'}.target.wants/${unit} → /etc/systemd/system/${unit}.\n`;
    }
    await setUnit(fs, unit, wanted, verb === 'restart');
  }
  return ok('', stderr);
}

export async function systemctl(call: Call): Promise<Outcome> {
  const { fs } = call.host;
  const parsed = parseArgs(call.args, ['-p', '--property']);
  const [verb = '', ...names] = parsed.operands;
  const units = names.map(unitName);
  if (verb in CHANGES) return change(call, verb, units, parsed.flags.has('--now'));
  switch (verb) {
    case 'daemon-reload':
      return call.user === 'root' ? ok() : fail('Failed to reload daemon: Interactive authentication required.');
    case 'show': {
      const property = parsed.values.get('-p') ?? parsed.values.get('--property') ?? 'ActiveState';
      const value = await show(fs, units[0] ?? '', property);
      return ok(parsed.flags.has('--value') ? `${value}\n` : `${property}=${value}\n`);
    }
    case 'is-enabled': {
      let out = '';
      for (const unit of units) {
        if (!(await exists(fs, unit))) return fail(`Failed to get unit file state for ${unit}: No such file or directory`, 1, out);
        out += (await unitState(fs, unit)).enabled ? 'enabled\n' : 'disabled\n';
      }
      return out.includes('disabled') ? fail('', 1, out) : ok(out);
    }
    case 'is-active': {
      const states = await Promise.all(units.map(async (unit) => (await unitState(fs, unit)).active));
      const out = states.map((active) => (active ? 'active\n' : 'inactive\n')).join('');
      return states.every(Boolean) ? ok(out) : fail('', 3, out);
    }
    case 'status': {
      const unit = units[0] ?? '';
      if (!(await exists(fs, unit))) return fail(`Unit ${unit} could not be found.`, 4);
      const state = await unitState(fs, unit);
      const text = `● ${unit}\n     Loaded: loaded (${state.enabled ? 'enabled' : 'disabled'})\n     Active: ${state.active ? 'active (running)' : 'inactive (dead)'}\n`;
      return state.active ? ok(text) : fail('', 3, text);
    }
    case 'list-timers': {
      const timers = Object.entries(await load(fs)).filter(([unit, state]) => unit.endsWith('.timer') && state.active);
      return ok(timers.map(([unit]) => `n/a n/a n/a n/a ${unit} ${unit.replace(/\.timer$/, '.service')}\n`).join(''));
    }
    default:
      return fail(`Unknown command verb '${verb}'.`);
  }
}
