import { expect } from '@jest/globals';
import { ConfigError } from '../config-error.js';

/** The problems of the ConfigError `attempt` throws; fails the test if it throws anything else or nothing. */
export function configProblems(attempt: () => unknown): string[] {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}
