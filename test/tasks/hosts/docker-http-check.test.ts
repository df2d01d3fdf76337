import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlScript, describeAnswer, HostCheckError, parseCurlOutput } from '../../../src/tasks/hosts/docker-http-check.js';
import { stubShell, type StubShell } from './shell-stubs.js';

describe('parseCurlOutput', () => {
  it('splits the body from the status line', () => {
    expect(parseCurlOutput('{"status":"ok"}\n__aws_runbook_http_status__ 200\n')).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect(parseCurlOutput('\n__aws_runbook_http_status__ 502\n')).toEqual({ status: 502, body: '' });
  });

  it('reports no answer (status 0) with curl\'s own error', () => {
    const answer = parseCurlOutput('curl: (7) Failed to connect to localhost port 3001: Connection refused\n__aws_runbook_http_status__ 000\n');
    expect(answer.status).toBe(0);
    expect(answer.body).toContain('Connection refused');
    expect(describeAnswer(answer)).toMatch(/^no answer \(curl: \(7\)/);
    expect(parseCurlOutput('bash: curl: command not found\n')).toEqual({ status: 0, body: 'bash: curl: command not found' });
  });
});

describe('curlScript with a stub curl', () => {
  let shell: StubShell;
  beforeAll(() => {
    shell = stubShell();
  });
  afterAll(() => shell.cleanup());

  it('passes the URL as one quoted word and gets the status from -w', () => {
    // The stub prints its arguments one per line, then what -w would add.
    shell.stub('curl', 'for a in "$@"; do echo "arg:$a"; done; printf "\\n__aws_runbook_http_status__ 200\\n"');
    const result = shell.run(curlScript("http://localhost:3001/api/entry-page?x='1'"));
    expect(result.stdout).toContain("arg:http://localhost:3001/api/entry-page?x='1'");
    expect(parseCurlOutput(result.stdout).status).toBe(200);
  });
});

describe('HostCheckError', () => {
  it('names the host and the check, and carries the fix', () => {
    const error = new HostCheckError('monitoring', '`docker info`', 'the Docker daemon does not answer', 'look at journalctl -u docker');
    expect(error.message).toBe('monitoring: `docker info` failed: the Docker daemon does not answer');
    expect(error.name).toBe('HostCheckError');
    expect(error.fix).toContain('journalctl');
  });
});
