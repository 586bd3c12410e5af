// bolajon's browser tests: the full-page screenshot every test script saves for people to look
// at. Lazy images below the fold are loaded first; otherwise they show as empty boxes.

"use strict";

// Waits at most this long for the images (an offline page's images never arrive).
const IMAGES_TIMEOUT_MS = 5000;

async function fullPageScreenshot(page, file) {
  await page.evaluate(async (timeout) => {
    const images = [...document.querySelectorAll("img[loading=lazy]")];
    const pending = images
      .filter((image) => !image.complete)
      .map((image) => new Promise((resolve) => {
        image.addEventListener("load", resolve, { once: true });
        image.addEventListener("error", resolve, { once: true });
      }));
    for (const image of images) {
      image.loading = "eager";
    }
    await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, timeout))]);
  }, IMAGES_TIMEOUT_MS);
  await page.screenshot({ path: file, fullPage: true });
}

module.exports = { fullPageScreenshot };
