'use strict';
// The demo workflows `npm start` imports. The JSON files are plain n8n workflow exports (importable by hand too,
// after replacing `{{PACKAGE}}.` with `n8n-nodes-whatsapp-cloud.`); the sender is the simulator's first number.
const fs = require('fs');
const path = require('path');

const DEMO_IDS = {
	echoBot: 'demoEchoBot00001',
	broadcast: 'demoBroadcast001',
	metrics: 'demoMetrics00001',
	sendImage: 'demoSendImage001',
};

const FILES = ['echo-bot.json', 'broadcast.json', 'metrics-report.json', 'send-image.json'];
const DEFAULT_SENDER = '300000000000001';

function demoWorkflows(fixture) {
	const sender = fixture && fixture.phoneNumbers && fixture.phoneNumbers[0] ? fixture.phoneNumbers[0].id : DEFAULT_SENDER;
	return FILES.map((file) => {
		const text = fs.readFileSync(path.join(__dirname, file), 'utf8').split(DEFAULT_SENDER).join(sender);
		return JSON.parse(text);
	});
}

module.exports = { demoWorkflows, DEMO_IDS };
