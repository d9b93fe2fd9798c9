// `require('contiguity-imessage/sandbox')`: the ES module itself (Node.js
// 20.19+ can require an ES module without top-level await), in a CommonJS
// file so that type checkers pair it with the CommonJS typings (index.d.cts).
module.exports = require('./index.js');
