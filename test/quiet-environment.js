// Tests print nothing unless they fail: what a test writes to the console (the app's own log lines, such
// as the scheduled sync's summary) is held back and shown only when that test fails.
const { TestEnvironment } = require('jest-environment-node');

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'];

class QuietEnvironment extends TestEnvironment {
  held = [];

  async setup() {
    await super.setup();
    const realConsole = this.global.console;
    this.realConsole = realConsole;
    const quiet = Object.create(realConsole);
    for (const method of METHODS) {
      quiet[method] = (...args) => this.held.push({ method, args });
    }
    this.global.console = quiet;
  }

  handleTestEvent(event) {
    if (event.name === 'test_start') this.held = [];
    if (event.name === 'test_done' && event.test.errors.length > 0) {
      for (const { method, args } of this.held) this.realConsole[method](...args);
      this.held = [];
    }
  }
}

module.exports = QuietEnvironment;
