// Node, CommonJS: wasm-bindgen's nodejs build, which instantiates itself synchronously on require. init()
// and initSync() exist so that code written for every runtime runs here too; there is nothing left to do.
'use strict';
const permeval = require('./node/permeval.js');

module.exports = {
  ...permeval,
  initSync() {},
  async default() {},
};
