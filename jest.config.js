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
};
