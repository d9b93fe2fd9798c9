// `require('contiguity-imessage')` in Node.js and Bun: the ES module entry
// itself (Node.js 20.19+ can require an ES module without top-level await),
// so `require` and `import` share one module and one wasm instance, and
// `instanceof ValidationError` holds whichever way the error class was
// loaded. A file of its own, in CommonJS, so that type checkers pair it
// with the CommonJS typings (index.d.cts) that describe what it exports.
module.exports = require('./index.node.js');
