import { join } from 'node:path';
import { loadStaticFiles, type StaticFile } from '../../common/http/static-files.js';

/** The admin UI's static files (index.html, scripts, styles), read once at start. */
export function loadUiAssets(): Map<string, StaticFile> {
  const dir = join('src', 'admin', 'ui', 'assets');
  const assets = loadStaticFiles(dir, "the admin UI's files");
  if (!assets.has('index.html')) throw new Error(`the admin UI has no index.html in ${dir}`);
  return assets;
}
