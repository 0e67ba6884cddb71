// Loads the bundled extension as VS Code would, with a stand-in for the
// `vscode` module (any property is a constructible function), and checks it
// exports activate/deactivate: the bundle is whole (no missing require).
const Module = require("module");
const stub = () => new Proxy(function () {}, { get: (t, p) => (p === "prototype" ? {} : stub()) });
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "vscode" ? stub() : load.call(this, request, ...rest);
};
const ext = require(require("path").resolve(process.argv[2]));
for (const f of ["activate", "deactivate"]) {
  if (typeof ext[f] !== "function") throw new Error(`the bundle exports no ${f}()`);
}
console.log("bundle loads and exports activate/deactivate");
