import { BACKUP_PREFIX } from './names.js';

/** Where the seed runbook (Partie 1 §4 "Sauvegarde") slipped; shown in the previews. */

export const ROLE_NOTES = [
  'The seed runs `aws configure` on the host, which leaves an access key (with whatever that user may do) in ~/.aws/credentials for good. Here the host gets an instance role whose only permission is s3:PutObject under ' +
    `${BACKUP_PREFIX}: its credentials rotate by themselves, and a broken-into host cannot read, list or delete the existing dumps.`,
];

export const DUMP_NOTES = [
  'The seed dumps with `mysqldump … > backup.sql` then copies the file: a full copy of the database sits unencrypted on the web host\'s disk, and a failed dump still gets copied. Here the dump is streamed through gzip straight into S3 and a failed dump leaves no object.',
  'The seed\'s `--set-gtid-purged=OFF` is a MySQL option that MariaDB\'s dump tool does not know; here: `mariadb-dump --single-transaction --routines --events --triggers --hex-blob` (binary columns as hex: the dump is plain text).',
  `The seed copies every dump to the same s3://…/DB1/ name; here each dump has its own date-sorted key, ${BACKUP_PREFIX}<database>/<UTC ISO time>.sql.gz.`,
];

export const DB_USER_NOTES = [
  'The seed dumps as the RDS master user, typing its password. The daily timer uses its own read-only database account instead, whose generated password lives only in a root-only (0600) option file on the host; on-demand `aws-runbook backup` reads the master password from Secrets Manager and hands it to the host on SSH stdin.',
];
