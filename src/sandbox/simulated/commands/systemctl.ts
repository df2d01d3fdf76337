import type { Command, ResolvedCommandContext } from 'just-bash';
import type { CommandEnv, SimulatedHost, UnitState } from '../host.js';
import { command, fail, ok, parseArgs } from '../shell/results.js';

/**
 * systemd, as far as the steps use it: units are the unit files under /etc/systemd/system and
 * /usr/lib/systemd/system (packages put theirs there), with an enabled/active state per unit.
 */

const UNIT_DIRS = ['/etc/systemd/system', '/usr/lib/systemd/system'];

export function unitName(name: string): string {
  return /\.(service|timer|socket|target|path|mount)$/.test(name) ? name : `${name}.service`;
}

async function unitExists(ctx: ResolvedCommandContext, unit: string): Promise<boolean> {
  for (const dir of UNIT_DIRS) if (await ctx.fs.exists(`${dir}/${unit}`)) return true;
  return false;
}

export function unitState(host: SimulatedHost, unit: string): UnitState {
  return host.units.get(unit) ?? { enabled: false, active: false };
}

function setUnit(host: SimulatedHost, unit: string, change: Partial<UnitState>): void {
  host.units.set(unit, { ...unitState(host, unit), ...change });
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The next time a daily `OnCalendar=*-*-* HH:MM:SS UTC` fires, as systemctl prints it ('' for other schedules). */
async function nextElapse(ctx: ResolvedCommandContext, unit: string): Promise<string> {
  for (const dir of UNIT_DIRS) {
    const path = `${dir}/${unit}`;
    if (!(await ctx.fs.exists(path))) continue;
    const time = /^OnCalendar=\*-\*-\* (\d{2}):(\d{2}):(\d{2})(?: UTC)?$/m.exec(await ctx.fs.readFile(path));
    if (!time) return '';
    const now = new Date();
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(time[1]), Number(time[2]), Number(time[3])));
    if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
    return `${DAYS[next.getUTCDay()]} ${next.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  }
  return '';
}

/** `systemctl show -p PROPERTY [--value] UNIT`: the properties the checks read; a service that never ran has no exit time. */
async function show(ctx: ResolvedCommandContext, host: SimulatedHost, unit: string, property: string, exists: boolean): Promise<string> {
  const state = unitState(host, unit);
  const values: Record<string, string> = {
    LoadState: exists ? 'loaded' : 'not-found',
    ActiveState: state.active ? 'active' : 'inactive',
    UnitFileState: exists ? (state.enabled ? 'enabled' : 'disabled') : '',
    Result: 'success',
    ExecMainStatus: '0',
    ExecMainExitTimestamp: '',
    NextElapseUSecRealtime: unit.endsWith('.timer') && state.active ? await nextElapse(ctx, unit) : '',
  };
  return values[property] ?? '';
}

const MUTATING = new Set(['enable', 'disable', 'start', 'stop', 'restart', 'reload', 'daemon-reload']);

export function systemctl(env: CommandEnv): Command {
  return command('systemctl', async (args, ctx) => {
    env.host.record(['systemctl', ...args]);
    const parsed = parseArgs(args, ['-p', '--property']);
    const [action = '', ...names] = parsed.operands;
    const units = names.map(unitName);
    if (MUTATING.has(action) && env.user !== 'root') return fail('Failed to ' + action + ': Interactive authentication required.', 1);
    const missing = [];
    for (const unit of units) if (!(await unitExists(ctx, unit))) missing.push(unit);
    switch (action) {
      case 'daemon-reload':
        return ok();
      case 'show': {
        const property = parsed.values.get('-p') ?? parsed.values.get('--property') ?? 'ActiveState';
        const value = await show(ctx, env.host, units[0] ?? '', property, missing.length === 0);
        return ok(parsed.flags.has('--value') ? `${value}\n` : `${property}=${value}\n`);
      }
      case 'is-enabled':
        if (missing.length > 0) return fail(`Failed to get unit file state for ${missing[0]}: No such file or directory`);
        return units.every((u) => unitState(env.host, u).enabled)
          ? ok(units.map(() => 'enabled\n').join(''))
          : fail('', 1, units.map((u) => (unitState(env.host, u).enabled ? 'enabled\n' : 'disabled\n')).join(''));
      case 'is-active': {
        const lines = units.map((u) => (unitState(env.host, u).active ? 'active\n' : 'inactive\n')).join('');
        return units.every((u) => unitState(env.host, u).active) ? ok(lines) : fail('', 3, lines);
      }
      case 'status': {
        const unit = units[0] ?? '';
        if (missing.length > 0) return fail(`Unit ${unit} could not be found.`, 4);
        const state = unitState(env.host, unit);
        const text = `● ${unit} (simulated)\n     Loaded: loaded (${state.enabled ? 'enabled' : 'disabled'})\n     Active: ${state.active ? 'active (running)' : 'inactive (dead)'}\n`;
        return state.active ? ok(text) : fail('', 3, text);
      }
      case 'enable':
      case 'disable':
      case 'start':
      case 'stop':
      case 'restart':
      case 'reload': {
        if (units.length === 0) return fail(`Too few arguments.`);
        if (missing.length > 0) return fail(`Failed to ${action} unit: Unit file ${missing[0]} does not exist.`);
        const now = parsed.flags.has('--now');
        let stderr = '';
        for (const unit of units) {
          const before = unitState(env.host, unit);
          if (action === 'enable') {
            if (!before.enabled) stderr += `Created symlink /etc/systemd/system/${unit.endsWith('.timer') ? 'timers' : 'multi-user'}.target.wants/${unit} → /etc/systemd/system/${unit}.\n`;
            setUnit(env.host, unit, { enabled: true, ...(now ? { active: true } : {}) });
          } else if (action === 'disable') {
            setUnit(env.host, unit, { enabled: false, ...(now ? { active: false } : {}) });
          } else {
            setUnit(env.host, unit, { active: action !== 'stop' });
          }
        }
        return ok('', stderr);
      }
      default:
        return fail(`Unknown command verb ${action}.`);
    }
  });
}
