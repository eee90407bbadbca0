import { defineBackupsSuite } from "./backups-suite";

defineBackupsSuite(async () => undefined);
