// Copies the third-party front-end files the portal serves from node_modules/ into static/vendor/.
// Plain node, no dependencies: run by `npm run vendor` after `npm ci` (county intranets have no CDN).
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "static", "vendor");

// target folder -> [source path under node_modules, file name in the target folder]
const FILES = {
  bootstrap: [
    ["bootstrap/dist/css/bootstrap.min.css", "bootstrap.min.css"],
    ["bootstrap/dist/css/bootstrap.min.css.map", "bootstrap.min.css.map"],
    ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap.bundle.min.js"],
    ["bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap.bundle.min.js.map"],
    ["bootstrap/LICENSE", "LICENSE"],
  ],
  "tom-select": [
    ["tom-select/dist/css/tom-select.bootstrap5.min.css", "tom-select.bootstrap5.min.css"],
    ["tom-select/dist/js/tom-select.complete.min.js", "tom-select.complete.min.js"],
    ["tom-select/LICENSE", "LICENSE"],
  ],
  // drf-spectacular's SWAGGER_UI_DIST points here (settings.SPECTACULAR_SETTINGS).
  "swagger-ui": [
    ["swagger-ui-dist/swagger-ui.css", "swagger-ui.css"],
    ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui-bundle.js"],
    ["swagger-ui-dist/swagger-ui-standalone-preset.js", "swagger-ui-standalone-preset.js"],
    ["swagger-ui-dist/favicon-32x32.png", "favicon-32x32.png"],
    ["swagger-ui-dist/LICENSE", "LICENSE"],
  ],
};

let missing = 0;
rmSync(vendor, { recursive: true, force: true });
for (const [folder, files] of Object.entries(FILES)) {
  mkdirSync(join(vendor, folder), { recursive: true });
  for (const [source, name] of files) {
    const from = join(modules, source);
    if (!existsSync(from)) {
      console.error(`missing ${from}: run \`npm ci\` first`);
      missing += 1;
      continue;
    }
    copyFileSync(from, join(vendor, folder, name));
  }
}
if (missing) {
  process.exit(1);
}
console.log(`vendor: copied ${Object.values(FILES).flat().length} files into static/vendor/`);
