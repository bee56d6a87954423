'use strict';
// Loaded into the bench's n8n when WA_BENCH_PROFILE_DIR is set (webhook-stream --profile): SIGUSR2 starts a CPU
// profile of this process, the next SIGUSR2 writes it there as <pid>-<n>.cpuprofile, so n8n's start is left out.
const dir = process.env.WA_BENCH_PROFILE_DIR;
if (dir) {
	const fs = require('fs');
	const inspector = require('inspector');
	const path = require('path');
	let session;
	let count = 0;
	process.on('SIGUSR2', () => {
		if (!session) {
			session = new inspector.Session();
			session.connect();
			session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')));
			return;
		}
		const running = session;
		session = undefined;
		running.post('Profiler.stop', (error, result) => {
			if (!error) {
				const file = path.join(dir, `${process.pid}-${++count}.cpuprofile`);
				// Written under another name first: the bench waits for the final name.
				fs.writeFileSync(`${file}.part`, JSON.stringify(result.profile));
				fs.renameSync(`${file}.part`, file);
			}
			running.disconnect();
		});
	});
}
