"use strict";
/**
 * What in a source's pin decides the files installed (module, version, hash, file list,
 * restored links, stamped chart version): an install is current when its key matches, so a
 * change to a pin's notes ($why, forChart) does not reinstall it. Used by setup.sh and sources.ts.
 */
function pinKey(pin) {
  if (!pin) return "";
  return JSON.stringify({ module: pin.module, version: pin.version, sum: pin.sum, files: pin.files, links: pin.links ?? {}, chart: pin.chart ? { dir: pin.chart.dir, version: pin.chart.version } : null });
}
module.exports = { pinKey };
