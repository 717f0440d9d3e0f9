// After `vite build`: gzip every file of dist/ into dist-gzip/ and write dist/embed.rs, the
// list of files the server embeds (crates/server/src/web.rs includes it).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(web, 'dist');
const gz = join(web, 'dist-gzip');
rmSync(gz, { recursive: true, force: true });

function walk(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const COMPRESSIBLE = /\.(html|js|css|json|svg|txt|map)$/;
const rows = [];
for (const path of walk(dist)) {
  const rel = relative(dist, path).split('\\').join('/');
  if (rel === 'embed.rs') continue;
  const body = readFileSync(path);
  const etag = createHash('sha256').update(body).digest('hex').slice(0, 24);
  let gzip = 'b""';
  if (COMPRESSIBLE.test(rel) && body.length > 512) {
    const packed = gzipSync(body, { level: 9 });
    const target = join(gz, `${rel}.gz`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, packed);
    gzip = `include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/${rel}.gz"))`;
  }
  rows.push(`    Asset {
        path: ${JSON.stringify(rel)},
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/${rel}")),
        gzip: ${gzip},
        etag: "${etag}",
    },`);
}
writeFileSync(
  join(dist, 'embed.rs'),
  `// Written by web/scripts/manifest.mjs (npm run build); do not edit.\n&[\n${rows.join('\n')}\n]\n`,
);
console.log(`embed.rs: ${rows.length} files`);
