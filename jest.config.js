/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/nodes', '<rootDir>/credentials', '<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }],
	},
	testTimeout: 60000,
	// Real servers (simulator, Redis, n8n) are started per file. CI runs the files one at a time so the timing tests
	// (sliding second, rolling hour, queue mode) do not share the 2 cores with a real n8n and Chromium.
	maxWorkers: process.env.CI ? 1 : 2,
	// In CI the files run in this one process: a client a test forgot to close (an ioredis client reconnecting to a
	// Redis the test already stopped) would keep it alive after every test passed, and CI would hang until killed.
	// Jest still prints "did not exit" when that happens, so the leak shows; finding and closing it is the fix.
	forceExit: Boolean(process.env.CI),
};
