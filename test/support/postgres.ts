/**
 * A throwaway PostgreSQL cluster for n8n's database in queue mode (trust auth on 127.0.0.1, a free port, fsync off),
 * run as the `postgres` user: n8n supports queue mode on PostgreSQL, and on one SQLite file the main process, webhook
 * processes and workers meet `SQLITE_BUSY: database is locked` under load (failed executions, 500 answers).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { choiceOf } from './options';
import { freePort } from './redis';


export interface TestPostgres {
	/** n8n's database settings for every process of one instance. */
	env: Record<string, string>;
	/** The postmaster's pid (its backends are its children), while it runs. */
	pid(): number | undefined;
	stop(): void;
}

/** n8n's database in the benches that run queue mode: `postgres` (the default) or `sqlite` (as `npm start` runs it). */
export type N8nDatabase = 'postgres' | 'sqlite';

/** A bench's `--db` value (absent: PostgreSQL); anything else is refused, not read as the default. */
export function databaseOf(value: string | undefined): N8nDatabase {
	return choiceOf<N8nDatabase>('db', value, ['postgres', 'sqlite']);
}

export async function startPostgres(): Promise<TestPostgres> {
	const dir = mkdtempSync(join(tmpdir(), 'wa-n8n-pg-'));
	const port = await freePort();
	const asPostgres = (command: string, args: string[]) =>
		execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
	try {
		execFileSync('chown', ['postgres:postgres', dir]);
		asPostgres('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
		asPostgres('pg_ctl', ['-D', dir, '-l', join(dir, 'server.log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
	} catch (error) {
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`could not start PostgreSQL (initdb / pg_ctl as user postgres); run with --db=sqlite instead: ${String(error)}`);
	}
	return {
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_DATABASE: 'postgres',
		},
		pid() {
			try {
				return Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
			} catch {
				// stopped
				return undefined;
			}
		},
		stop() {
			try {
				asPostgres('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']);
			} catch {
				// already gone
			}
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
