// Loaded with `node --require` into a service process: appends to PROBE_FILE every module file the
// process loads ("load <path>") and every port it binds ("listen <port>"), as it happens, so
// the file is complete whether the process exits, is killed or keeps running.
const { appendFileSync } = require('node:fs');
const Module = require('node:module');
const net = require('node:net');

const file = process.env.PROBE_FILE;
if (!file) throw new Error('PROBE_FILE is not set');

const load = Module.prototype.load;
Module.prototype.load = function (filename) {
  appendFileSync(file, `load ${filename}\n`);
  return load.call(this, filename);
};

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  // The port actually bound, whatever form the call named it in (a number, or Fastify's options object).
  this.once('listening', () => {
    const address = this.address();
    appendFileSync(file, `listen ${typeof address === 'object' && address !== null ? address.port : address}\n`);
  });
  return listen.apply(this, args);
};
