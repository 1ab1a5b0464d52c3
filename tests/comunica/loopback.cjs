// Preloaded into Comunica's SPARQL endpoint (node --require, tests/comunica_server.py).
// comunica-sparql-file-http has no option for the address it listens on and calls
// server.listen(port), which listens on every interface: given a port alone, listen
// on 127.0.0.1 instead. Its worker processes inherit the preload (cluster.fork keeps
// node's options).
const http = require('node:http');

const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function listenOnLoopback(port, ...rest) {
  if (typeof port === 'number' && rest.length === 0) {
    return listen.call(this, port, '127.0.0.1');
  }
  return listen.call(this, port, ...rest);
};
