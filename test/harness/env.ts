/**
 * Environment n8n-core reads when its services are first built: a throw-away user folder (settings file with the
 * encryption key) so tests never touch ~/.n8n. Imported before anything from n8n-core.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'wa-n8n-home-'));
}
if (!process.env.N8N_ENCRYPTION_KEY) {
	// A fixed key: credentials in tests are encrypted and decrypted for real, with a key that is not a secret.
	process.env.N8N_ENCRYPTION_KEY = 'test-harness-encryption-key-0123456789';
}
// Keep n8n's own logger quiet unless a test asks for it.
process.env.N8N_LOG_LEVEL ??= 'silent';
