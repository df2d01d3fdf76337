// The SSH layer the host-setup steps use: verified connections (through the jump host), commands
// with streamed output, idempotent uploads. Screens never import this; tasks do.
export { SshPool, type SshPoolOptions } from './connections.js';
export { hostLabel, type SshConnection, type SshHost } from './connect.js';
export { parseConsoleFingerprints, sha256Fingerprint, normalizeFingerprint, type HostKeyFingerprint, type HostKeyType } from './fingerprints.js';
export { hostKeyCheck, HostKeyMismatchError, HostKeyUnknownError, type HostKeyCheck, type HostKeyError } from './host-key.js';
export { exec, type ExecOptions, type ExecResult } from './exec.js';
export { streamCommand, type RemoteStream } from './stream.js';
export { openTunnel, type SshTunnel, type TunnelTarget } from './tunnel.js';
export type { CommandOptions, ExitStatus } from './channel.js';
export type { SudoOptions } from './remote-command.js';
export { shellQuote } from './remote-command.js';
export { uploadFile, type UploadOptions, type UploadResult, type UploadSource } from './upload.js';
export { uploadArchive, ARCHIVE_MARKER, type ArchiveOptions } from './upload-archive.js';
export {
  SshConnectError,
  SshConnectAbortedError,
  RemoteCommandError,
  RemoteCommandAbortedError,
  RemoteCommandTimeoutError,
  InputStreamError,
  SudoPasswordRequiredError,
  UploadError,
} from './errors.js';
