export * from './types';
export * from './signature';
export * from './events';
export * from './select';
export * from './dedupe';
export * from './handler';
export * from './inbound';
export * from './stores';
