export * from './errors';
export * from './environment';
export * from './link-header';
export * from './remote-caller';
export * from './retry-policy';
export * from './transports';
