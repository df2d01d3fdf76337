/** Where the seed runbook (Partie 1 §2 "Base de données") slipped; shown in the previews. */

export const SUBNET_GROUP_NOTES = [
  'The runbook\'s group "rds-private-group" mixes the private subnet subnet-0e6601b928cbf6996 with the PUBLIC subnet subnet-05e8caac9f82d6e34 (the one with the route to the internet gateway); this group holds only the MVP private subnets, in two AZs.',
  'Tagged in the create call (Name, aws-runbook:project, aws-runbook:step); its name is deterministic, so it is found again even if the answer is lost.',
];

export const INSTANCE_NOTES = [
  'The runbook passes the master password in plain text on the command line (--master-user-password …), where it stays in shell history, the process list and the runbook. Here RDS generates it and keeps it in Secrets Manager (--manage-master-user-password); only the secret\'s ARN is recorded (aws secretsmanager get-secret-value --secret-id <ARN> reads it when needed).',
  'The runbook names no engine version, storage type, encryption, security group or backup retention: here the version is pinned, storage is gp3 and encrypted, the instance is not publicly accessible, only the RDS security group reaches it, and automated backups are kept.',
  'Deletion protection is off so that `aws-runbook down` can remove the instance; for production turn it on by hand (aws rds modify-db-instance --db-instance-identifier <id> --deletion-protection --apply-immediately).',
  'A Multi-AZ instance takes 15 to 20 minutes to become available; the other sections go on meanwhile.',
];
