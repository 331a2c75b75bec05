// Copies the third-party front-end files the portal serves from node_modules/ into static/vendor/.
// Plain node, no dependencies: run by `npm run vendor` after `npm ci` (county intranets have no CDN).
//
// Source-map references are stripped from every copied .js and .css file. The production build's
// ManifestStaticFilesStorage rewrites each `sourceMappingURL` to a hashed name and stops with an
// error when the map is not there; which maps a package ships changes from release to release
// (tom-select and swagger-ui reference maps beside files we copy), so copying maps would break on
// the next upgrade. Nobody debugs the libraries' minified code on a county intranet, and the maps
// would double the size of static/vendor/. Stripping works whatever a release ships.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "static", "vendor");

// target folder -> [source path under node_modules, file name in the target folder]
const FILES = {
  bootstrap: [
    ["bootstrap/dist/css/bootstrap.min.css", "bootstrap.min.css"],
    ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap.bundle.min.js"],
    ["bootstrap/LICENSE", "LICENSE"],
  ],
  "tom-select": [
    ["tom-select/dist/css/tom-select.bootstrap5.min.css", "tom-select.bootstrap5.min.css"],
    ["tom-select/dist/js/tom-select.complete.min.js", "tom-select.complete.min.js"],
    ["tom-select/LICENSE", "LICENSE"],
  ],
  // Loaded only on the dashboard pages (assessment/templates/assessment/dashboard.html).
  echarts: [
    ["echarts/dist/echarts.min.js", "echarts.min.js"],
    ["echarts/LICENSE", "LICENSE"],
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

// `//# sourceMappingURL=…` on a line of its own (JS) and `/*# sourceMappingURL=… */` (CSS and JS);
// `@` is the old spelling of `#`.
const SOURCE_MAP = /^[ \t]*(?:\/\/[#@][ \t]*sourceMappingURL=[^\r\n]*|\/\*[#@][ \t]*sourceMappingURL=[^*]*\*\/)[ \t]*$/gm;

function copy(from, to) {
  if (!/\.(?:css|js|mjs)$/.test(to)) {
    copyFileSync(from, to);
    return;
  }
  const text = readFileSync(from, "utf8").replace(SOURCE_MAP, "");
  if (/^[ \t]*(?:\/\/|\/\*)[#@][ \t]*sourceMappingURL=/m.test(text)) {
    // A reference this pattern does not know: fail here rather than in collectstatic.
    throw new Error(`${from}: unrecognised sourceMappingURL comment`);
  }
  writeFileSync(to, text);
}

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
    copy(from, join(vendor, folder, name));
  }
}
if (missing) {
  process.exit(1);
}
console.log(`vendor: copied ${Object.values(FILES).flat().length} files into static/vendor/`);
