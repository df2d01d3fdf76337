/* global process, console */
// systemctl and gitlab-ctl stand-ins. There is no systemd in a lab host: units "exist" when their file
// is in the host's /etc/systemd/system or a package brought them, and their state is kept in
// /var/lib/lab/units.json so that is-active / is-enabled answer what earlier calls did.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { LAB, alive, fail, isInstalled, isRoot, startResponder } from './state.mjs';

const UNITS = `${LAB}/units.json`;
/** Units that packages bring, and whether the package starts them on install (Debian does). */
const PACKAGE_UNITS = { 'docker.service': 'docker.io', 'docker.socket': 'docker.io', 'gitlab-runsvdir.service': 'gitlab-ce' };
const BASE_UNITS = ['ssh.service', 'cron.service'];

const fullName = (unit) => (unit.includes('.') ? unit : `${unit}.service`);
const load = () => (existsSync(UNITS) ? JSON.parse(readFileSync(UNITS, 'utf8')) : {});
const save = (units) => writeFileSync(UNITS, JSON.stringify(units));

function exists(unit) {
  if (BASE_UNITS.includes(unit) || existsSync(`/etc/systemd/system/${unit}`)) return true;
  const pkg = PACKAGE_UNITS[unit];
  return pkg !== undefined && isInstalled(pkg);
}

function stateOf(units, unit) {
  const byPackage = BASE_UNITS.includes(unit) || PACKAGE_UNITS[unit] !== undefined;
  return units[unit] ?? { enabled: byPackage, active: byPackage };
}

const CHANGES = { start: { active: true }, stop: { active: false }, restart: { active: true }, reload: {}, 'try-restart': {}, enable: { enabled: true }, disable: { enabled: false } };

export function systemctl(argv) {
  const now = argv.includes('--now');
  const [verb = '', ...rest] = argv.filter((a) => !a.startsWith('-'));
  const names = rest.map(fullName);
  const units = load();
  if (verb in CHANGES) {
    if (!isRoot()) return fail(`Failed to ${verb} ${names.join(' ')}: Access denied`, 4);
    for (const unit of names) {
      if (!exists(unit)) {
        return verb === 'enable' || verb === 'disable'
          ? fail(`Failed to ${verb} unit: Unit file ${unit} does not exist.`, 1)
          : fail(`Failed to ${verb} ${unit}: Unit ${unit} not found.`, 5);
      }
      const change = { ...CHANGES[verb] };
      if (now && verb === 'enable') change.active = true;
      if (now && verb === 'disable') change.active = false;
      units[unit] = { ...stateOf(units, unit), ...change };
    }
    save(units);
    return 0;
  }
  if (verb === 'is-active' || verb === 'is-enabled' || verb === 'status') {
    let all = true;
    for (const unit of names) {
      const state = exists(unit) ? stateOf(units, unit) : undefined;
      const yes = verb === 'is-enabled' ? state?.enabled : state?.active;
      all &&= Boolean(yes);
      if (verb === 'is-active') console.log(yes ? 'active' : 'inactive');
      else if (verb === 'is-enabled') console.log(state ? (yes ? 'enabled' : 'disabled') : 'not-found');
      else console.log(`● ${unit}\n     Loaded: ${state ? 'loaded' : 'not-found'}\n     Active: ${yes ? 'active (running)' : 'inactive (dead)'}`);
    }
    return all ? 0 : verb === 'is-enabled' ? 1 : 3;
  }
  if (verb === 'list-timers') {
    for (const [unit, state] of Object.entries(units)) if (unit.endsWith('.timer') && state.active) console.log(`n/a n/a n/a n/a ${unit} ${unit.replace(/\.timer$/, '.service')}`);
    return 0;
  }
  return 0;
}

const GITLAB = `${LAB}/gitlab.json`;
const PASSWORD_FILE = '/etc/gitlab/initial_root_password';

function gitlabRunning() {
  return existsSync(GITLAB) && alive(JSON.parse(readFileSync(GITLAB, 'utf8')).pid);
}

/** reconfigure: writes the first root password once, as the package does, and serves HTTP on port 80. */
export async function gitlabCtl(argv) {
  const [verb = ''] = argv;
  if (verb === 'status') {
    if (!gitlabRunning()) return fail('down: nginx: 0s, normally up\ndown: puma: 0s, normally up', 6);
    console.log('run: gitlab-workhorse: (pid 1201) 42s; run: log: (pid 1180) 44s\nrun: nginx: (pid 1190) 43s; run: log: (pid 1181) 44s\nrun: puma: (pid 1195) 43s; run: log: (pid 1182) 44s');
    return 0;
  }
  if (!['reconfigure', 'restart', 'start'].includes(verb)) return 0;
  if (!isRoot()) return fail('gitlab-ctl: you must run this as root (sudo gitlab-ctl ...)', 1);
  mkdirSync('/etc/gitlab', { recursive: true });
  if (!existsSync('/etc/gitlab/gitlab.rb')) writeFileSync('/etc/gitlab/gitlab.rb', `external_url '${process.env.EXTERNAL_URL ?? 'http://gitlab.example.com'}'\n`, { mode: 0o600 });
  if (verb === 'reconfigure' && !existsSync(`${LAB}/gitlab-seeded`)) {
    const password = process.env.GITLAB_ROOT_PASSWORD ?? randomBytes(24).toString('base64');
    writeFileSync(
      PASSWORD_FILE,
      '# WARNING: This value is valid only in the following conditions\n' +
        '#          1. If provided manually (either via `GITLAB_ROOT_PASSWORD` environment variable or via `gitlab_rails[\'initial_root_password\']` setting in `gitlab.rb`, it was provided before database was seeded for the first time (usually, the first reconfigure run).\n' +
        '#          2. Password hasn\'t been changed manually, either via UI or via command line.\n#\n' +
        `\nPassword: ${password}\n\n# NOTE: This file will be automatically deleted in the first reconfigure run after 24 hours.\n`,
      { mode: 0o600 },
    );
    writeFileSync(`${LAB}/gitlab-seeded`, '');
  }
  if (!gitlabRunning()) {
    const pid = await startResponder('gitlab', [{ bind: '0.0.0.0', host: 80 }]);
    writeFileSync(GITLAB, JSON.stringify({ pid }));
  }
  if (verb === 'reconfigure') console.log('gitlab Reconfigured!');
  return 0;
}
