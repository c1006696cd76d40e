// A Device-view field with an invalid value blocks Run with the reason, as the sweep fields do, and keeps what was
// typed when the user leaves the view: Run never sweeps with an older value the field no longer shows.
import { expect, test } from './fixtures';

test('an invalid headroom, base accuracy or penalty blocks Run and stays as typed', async ({ app }) => {
  const { page } = app;
  const run = page.getByTestId('run-sweep');
  await page.getByTestId('nav-device').click();
  await page.getByTestId('accuracy-kind').selectOption('penalties');

  for (const [field, typed, said] of [
    ['headroom', '-5', 'headroom is from 0 to 90 %; -5 is outside'],
    ['accuracy-base', '150', 'the base accuracy is from 0 to 100 %; 150 is outside'],
  ] as const) {
    await page.getByTestId('nav-device').click();
    await page.getByTestId(field).fill(typed);
    await expect(page.getByTestId(`error-${field}`)).toContainText(said);

    await page.getByTestId('nav-sweep').click();
    await expect(run).toBeDisabled();
    await expect(page.getByTestId('run-blocked')).toContainText(said);

    // Back on the Device view the field still says what was typed, with its message.
    await page.getByTestId('nav-device').click();
    await expect(page.getByTestId(field)).toHaveValue(typed);
    await expect(page.getByTestId(`error-${field}`)).toContainText(said);
    await page.getByTestId(field).fill(field === 'headroom' ? '10' : '90');
    await expect(page.getByTestId(`error-${field}`)).toHaveCount(0);
    await page.getByTestId('nav-sweep').click();
    await expect(run).toBeEnabled();
  }

  await page.getByTestId('nav-device').click();
  const penalty = page.locator('[data-testid^="penalty-"]').first();
  await penalty.fill('-3');
  await page.getByTestId('nav-sweep').click();
  await expect(run).toBeDisabled();
  await expect(page.getByTestId('run-blocked')).toContainText('penalty is from 0 to 100 %; -3 is outside');
});

test('the client fields show their whole placeholder', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-device').click();
  for (const id of ['client-deadline', 'client-min']) {
    const fits = await page.getByTestId(id).evaluate((input) => {
      const el = input as HTMLInputElement;
      const style = getComputedStyle(el);
      const ctx = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
      ctx.font = style.font;
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return ctx.measureText(el.placeholder).width <= room;
    });
    expect(fits, `${id}'s placeholder fits`).toBe(true);
  }
});
