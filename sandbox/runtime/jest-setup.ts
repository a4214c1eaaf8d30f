/**
 * Jest setupFiles entry: installs the Forge globals before any test imports an @forge package
 * (@forge/api captures `fetch` when it loads) and makes a fresh in-memory runtime current.
 * Tests that need their own runtime call createTestRuntime() again.
 */
import { createTestRuntime, installForgeGlobals } from './index';

installForgeGlobals();
createTestRuntime();
