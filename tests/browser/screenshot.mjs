// Screenshots of an HTML report: node screenshot.mjs REPORT.html OUT.png
// [WIDTH HEIGHT] [dark] [#fragment]. Used by scripts/screenshot.
import { launch, open } from './lib.mjs';

const [file, out, width = '1280', height = '2000', scheme = 'light', hash = ''] = process.argv.slice(2);
const b = await launch();
try {
  const page0 = await b.context.newPage();
  await page0.emulateMedia({ colorScheme: scheme });
  await page0.close();
  const { page, errors, requests } = await open(b.context, file);
  await page.emulateMedia({ colorScheme: scheme });
  await page.setViewportSize({ width: Number(width), height: Number(height) });
  if (hash) {
    await page.click(`a[href="${hash}"]`);
  }
  await page.screenshot({ path: out, fullPage: false });
  if (errors.length || requests.length) {
    console.error('errors:', errors, 'requests:', requests);
    process.exitCode = 1;
  }
} finally {
  await b.close();
}
