// Import first in every benchmark: installs the Forge globals before any @forge package loads
// (@forge/api captures `fetch` when it is first imported).
import { installForgeGlobals } from '../../sandbox/runtime';

installForgeGlobals();
