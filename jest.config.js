// Jest runs in native ESM mode (NestJS 12 ships ESM only). @swc/jest strips types with the
// options in .swcrc (decorator metadata kept); `tsc --noEmit` in `npm test` does the type checking.
export default {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper: {
    '^#event-store$': '<rootDir>/libs/event-store/src/index.ts',
    '^#projections$': '<rootDir>/libs/projections/src/index.ts',
    '^#event-store/kurrentdb$': '<rootDir>/libs/event-store/src/kurrentdb.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 30000,
};
