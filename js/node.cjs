// Node, CommonJS: wasm-bindgen's nodejs build, which instantiates itself synchronously on require, with the
// package's classes around its own (api.cjs is js/api.js converted by scripts/build-pkg.sh). init() and
// initSync() exist so that code written for every runtime runs here too; there is nothing left to do.
'use strict';
const { bind } = require('./api.cjs');

module.exports = {
  ...bind(require('./node/permeval.js')),
  initSync() {},
  async default() {},
};
