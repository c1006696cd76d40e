// A real TFLite file through the app: opened like any model, its format, stored precision and weight bytes said,
// analysed at its own precision, TFLM's arena plan drawn with what is alive where; and the files for the board
// exported for a client's choice and for the pinned configuration.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Page } from '@playwright/test';
import { expect, root, runSweep, test } from './fixtures';

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await (file as Download).path(), 'utf8') };
}

test('a TFLite file: format, stored precision and bytes, the arena plan per layer', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-model').click();
  await page.getByTestId('model-file').setInputFiles({
    name: 'person_detect.tflite',
    mimeType: 'application/octet-stream',
    buffer: readFileSync(join(root, 'test', 'fixtures', 'tflite', 'person_detect.tflite')),
  });
  await expect(page.getByTestId('model-source')).toContainText('TensorFlow Lite file, storing int8');
  await expect(page.getByTestId('stored-weights')).toContainText('218,920 B');
  await expect(page.getByTestId('precision')).toHaveValue('int8');
  await expect(page.getByTestId('total-params')).toHaveText('210,706');
  await expect(page.getByTestId('total-macs')).toHaveText('7,157,888');
  await expect(page.getByTestId('what-if')).toHaveCount(0);

  await page.getByTestId('memory-model').selectOption('arena');
  await expect(page.getByTestId('peak-activation')).toContainText('54.00 KiB');
  const map = page.getByTestId('arena-map');
  await expect(map).toContainText('55,296 B');
  // Pointing at a layer marks its step and lists what is alive there, with its place in the arena.
  const firstConv = page.locator('[data-testid^="layer-"]').filter({ hasText: 'Conv2D' }).first();
  await firstConv.hover();
  await expect(page.getByTestId('arena-alive')).toContainText(' at 0 (');

  // Another precision is a "what if", and says so.
  await page.getByTestId('precision').selectOption('fp32');
  await expect(page.getByTestId('what-if')).toContainText('not the file');
});

test("the files for the board: a client's choice and the pinned configuration", async ({ app }) => {
  const { page } = app;
  await runSweep(page, 'exam');
  await page.getByTestId('client-choice-client1').click();
  await page.getByTestId('nav-export').click();

  const header = await download(page, () => page.getByTestId('export-tflm-client1').click());
  expect(header.name).toBe('exam-best-client1.h');
  expect(header.text).toContain('#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"');
  expect(header.text).toContain('constexpr int kFrontierOpCount = 4;');
  expect([...header.text.matchAll(/resolver\.(Add\w+)\(\)/g)].map((m) => m[1]).sort()).toEqual([
    'AddConv2D',
    'AddFullyConnected',
    'AddMaxPool2D',
    'AddReshape',
  ]);

  const pinned = await download(page, () => page.getByTestId('export-keras-pinned').click());
  expect(pinned.name).toMatch(/^exam-config-\d+\.keras\.json$/);
  const json = JSON.parse(pinned.text) as { class_name: string; config: { layers: { name: string; config: { filters?: number } }[] } };
  expect(json.class_name).toBe('Functional');
  expect(json.config.layers.find((l) => l.name === 'conv1')?.config.filters).toBe(8);
});
