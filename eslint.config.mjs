import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const source = ['nodes/**/*.ts', 'credentials/**/*.ts'];

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', '**/*.test.ts', '**/__tests__/**'] },
	...tseslint.configs.recommended.map((config) => ({ ...config, files: source })),
	{ ...n8nCommunityNodesPlugin.configs.recommended, files: [...source, 'package.json'] },
	{
		// The design's exceptions (README, "Lint exceptions"): n8n Cloud forbids runtime dependencies and timers, and
		// this pack targets self-hosted n8n because a limiter shared across executions and workers needs both.
		// Only the shared layers that own those concerns are exempt; node files keep every rule.
		files: ['nodes/shared/limiter/**/*.ts', 'nodes/shared/conversations/**/*.ts', 'nodes/shared/webhook/**/*.ts', 'nodes/shared/transport/**/*.ts', 'nodes/shared/media/**/*.ts', 'nodes/shared/redis/**/*.ts', 'nodes/shared/processWide.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
		},
	},
];
