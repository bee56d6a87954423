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
	supportBot: 'demoSupportBot01',
};

const FILES = ['echo-bot.json', 'broadcast.json', 'metrics-report.json', 'send-image.json', 'support-bot.json'];
const DEFAULT_SENDER = '300000000000001';
/** The support bot's number: its trigger subscribes this number alone, so it and the echo bot each get their own. */
const SUPPORT_SENDER = '300000000000002';

function demoWorkflows(fixture) {
	const numbers = (fixture && fixture.phoneNumbers) || [];
	const sender = numbers[0] ? numbers[0].id : DEFAULT_SENDER;
	const supportSender = numbers[1] ? numbers[1].id : SUPPORT_SENDER;
	return FILES.map((file) => {
		const text = fs.readFileSync(path.join(__dirname, file), 'utf8').split(DEFAULT_SENDER).join(sender).split(SUPPORT_SENDER).join(supportSender);
		return JSON.parse(text);
	});
}

module.exports = { demoWorkflows, DEMO_IDS };
