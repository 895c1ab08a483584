/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  // Socket tests start real brokers; the default 5 s is only a guard against a hang, never a speed check.
  testTimeout: 60000,
};
