import { afterEach } from 'vitest';
import { refused } from './socket-guard.mjs';

// Every test process starts with AWS aimed at nothing real: fake static credentials (so the SDK never
// asks the EC2 instance metadata service), IMDS disabled, and a default endpoint on a closed loopback
// port. A test that forgets to pass its sandbox endpoint fails with "connection refused" on 127.0.0.1
// instead of reaching a real AWS endpoint.
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_SESSION_TOKEN = 'testing';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
process.env.AWS_REGION = process.env.AWS_REGION ?? 'us-east-2';
delete process.env.AWS_PROFILE;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Every TCP connect of the test process goes through the guard: loopback only (see socket-guard.mjs).
// A refused connect fails the test that made it, even when the code under test swallowed the error.

let seen = 0;
afterEach(() => {
  const fresh = refused.slice(seen);
  seen = refused.length;
  if (fresh.length > 0) throw new Error(`the test tried to connect outside loopback (refused by test/setup/socket-guard.mjs): ${fresh.join(', ')}`);
});
