import { BACKUP_PREFIX } from './names.js';

/** Where the seed runbook (Partie 1 §4 "Sauvegarde") slipped; shown in the previews. */

export const ROLE_NOTES = [
  'The runbook runs `aws configure` on the host, which leaves an access key (with whatever that user may do) in ~/.aws/credentials for good. Here the host gets an instance role whose only permission is s3:PutObject under ' +
    `${BACKUP_PREFIX}: its credentials rotate by themselves, and a broken-into host cannot read, list or delete the existing dumps.`,
];

export const DUMP_NOTES = [
  'The runbook dumps with `mysqldump … > backup.sql` then copies the file: a full copy of the database stays on the web host\'s disk, and a failed dump still gets copied. Here `aws-runbook backup` streams the dump through gzip straight into S3, and the daily timer keeps its gzipped copy in a root-only temporary file only until the upload; a failed dump leaves no object.',
  'The runbook\'s `--set-gtid-purged=OFF` is a MySQL option that MariaDB\'s dump tool does not know; here: `mariadb-dump --single-transaction --no-tablespaces --events --triggers --hex-blob` (binary columns as hex: the dump is plain text). No stored routines: reading them needs mysql.proc, which the backup account may not read (the apps have none).',
  `The runbook copies every dump to the same s3://…/DB1/ name; here each dump has its own date-sorted key, ${BACKUP_PREFIX}<database>/<UTC ISO time>.sql.gz.`,
];

export const DB_USER_NOTES = [
  'The runbook dumps as the RDS master user, typing its password. Every dump here (the daily timer\'s and `aws-runbook backup`\'s) runs as a backup account that may only read the application databases (SELECT, LOCK TABLES, SHOW VIEW, EVENT, TRIGGER on shop and wordpress; nothing global, nothing in mysql); its generated password lives only in a root-only (0600) option file on the host. The master password is used once, by this step, to create that account.',
];
