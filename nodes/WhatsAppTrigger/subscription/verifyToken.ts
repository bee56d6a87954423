import { createHmac } from 'crypto';

/**
 * The verify token of a trigger when the user sets none: derived from the trigger's webhook ID and a credential
 * secret, so the test and production URLs of one trigger share it (a test run hands the callback back with it) and
 * every process computes the same one.
 */
export function defaultVerifyToken(webhookId: string, secret: string): string {
	return 'wa_' + createHmac('sha256', secret).update(`whatsapp-trigger-verify-token:${webhookId}`).digest('base64url').slice(0, 32);
}
