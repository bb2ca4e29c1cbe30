// sharp's side of bench/compare.sh: sharp(buffer, {pages}).raw().toBuffer() decodes every pixel of frames
// 0..last sampled (sharp, like libvips under it, loads a run of pages). One thread, cache off.
// Usage: node sharp_loop.js SECONDS FRAMES FILE...   (NODE_PATH: where `npm install sharp` put it)
// Prints "images/s=N failed=K/M" like the other loops; a file sharp cannot read is printed and counted.
'use strict';
const fs = require('fs');
const sharp = require('sharp');

async function decode(data, pages) {
  await sharp(data, pages > 1 ? {pages} : {}).raw().toBuffer();
}

async function main() {
  const [seconds, frames, ...paths] = process.argv.slice(2);
  if (!paths.length) throw new Error('usage: sharp_loop.js SECONDS FRAMES FILE...');
  const pages = Math.max(...frames.split(',').map(Number)) + 1;
  sharp.concurrency(1);
  sharp.cache(false);
  const files = paths.map((p) => fs.readFileSync(p));
  let failed = 0;
  for (const [i, data] of files.entries()) {
    try {
      await decode(data, pages);
    } catch (error) {
      failed++;
      console.error(`failed: ${paths[i]}: ${error.message}`);
    }
  }
  let decoded = 0;
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
  while (decoded % files.length || elapsed() < Number(seconds)) {
    await decode(files[decoded % files.length], pages).catch(() => {});  // counted in the warm-up pass
    decoded++;
  }
  console.log(`images/s=${(decoded / elapsed()).toPrecision(4)} failed=${failed}/${files.length}`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(2);
});
