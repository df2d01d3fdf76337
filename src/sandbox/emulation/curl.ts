import { fail, ok, parseArgs, resolvePath, type Call, type HttpAnswer, type Outcome } from './host.js';

/**
 * curl (8.5 in noble) on a host without a real network (the sandbox's): the URL is answered by what
 * listens on that port of this host (localhost, its own addresses), of another host the network lets it
 * reach, or by the package mirror (host.network); anything else cannot be resolved, with curl's exit codes.
 */

const VALUED = ['-o', '--output', '-w', '--write-out', '-m', '--max-time', '--connect-timeout', '--proto', '-X', '--request', '-H', '--header', '-A', '--user-agent', '--retry'];

/** curl's `-w` format: %{http_code} and friends, `\n`/`\t` escapes. */
function writeOut(format: string, status: number, url: string, location?: string): string {
  const redirect = status >= 300 && status < 400 && location !== undefined ? new URL(location, url).href : '';
  const vars: Record<string, string> = { http_code: String(status).padStart(3, '0'), response_code: String(status).padStart(3, '0'), url_effective: url, redirect_url: redirect, exitcode: '0' };
  return format.replace(/%\{([a-z_]+)\}/g, (all, name: string) => vars[name] ?? all).replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\r/g, '\r');
}

export async function curl(call: Call): Promise<Outcome> {
  const network = call.host.network;
  if (!network) return fail('curl: (6) this host has no emulated network', 6);
  const parsed = parseArgs(call.args, VALUED);
  const flag = (...names: string[]) => names.some((name) => parsed.flags.has(name));
  const silent = flag('-s', '--silent') && !flag('-S', '--show-error');
  const [target] = parsed.operands;
  if (!target) return fail('curl: no URL specified!', 2);
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(target) ? target : `http://${target}`);
  } catch {
    return fail(`curl: (3) URL rejected: Malformed input to a URL function`, 3);
  }
  const error = (code: number, message: string) => {
    const format = parsed.values.get('-w') ?? parsed.values.get('--write-out');
    return fail(silent ? '' : `curl: (${code}) ${message}`, code, format ? writeOut(format, 0, url.href) : '');
  };
  let answer: HttpAnswer | undefined;
  for (let hops = 0; ; hops += 1) {
    const result = await network.http(url);
    if (result.kind === 'error') return error(result.code, result.message);
    answer = result.answer;
    const location = answer.headers?.['location'];
    if (!flag('-L', '--location') || answer.status < 300 || answer.status >= 400 || location === undefined || hops >= 10) break;
    url = new URL(location, url);
  }
  if (flag('-f', '--fail') && answer.status >= 400) return error(22, `The requested URL returned error: ${answer.status}`);
  const output = parsed.values.get('-o') ?? parsed.values.get('--output');
  let stdout = '';
  if (output === undefined || output === '-') stdout += answer.body;
  else if (output !== '/dev/null') await call.host.fs.write(resolvePath(call.cwd, output), answer.body);
  const format = parsed.values.get('-w') ?? parsed.values.get('--write-out');
  if (format !== undefined) stdout += writeOut(format, answer.status, url.href, answer.headers?.['location']);
  return ok(stdout);
}
