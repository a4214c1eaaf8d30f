/** Tests run TypeScript through SWC (fast); type checking is `npm run typecheck`. */
module.exports = {
  testEnvironment: '<rootDir>/test/quiet-environment.js',
  roots: ['<rootDir>/src', '<rootDir>/sandbox', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // UI Kit sources (static/ui-kit) are TSX with React's automatic runtime, as their tsconfig says.
    '^.+\\.tsx$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
        },
        module: { type: 'commonjs' },
      },
    ],
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  testPathIgnorePatterns: ['/node_modules/', '/static/'],
  testTimeout: 20000,
  setupFiles: ['<rootDir>/sandbox/runtime/jest-setup.ts'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
