import { expect, type Page } from '@playwright/test';

export const PASSWORD = 'cairn-demo';

export const LOGINS = [
  'learner@demo.cairn',
  'parent@demo.cairn',
  'teacher@demo.cairn',
  'manager@demo.cairn',
  'admin@demo.cairn',
] as const;

/** Signs in through the form, as a person would, and waits for the home page. */
export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** Waits until the wasm has hydrated the page, so controls respond. */
export async function hydrated(page: Page) {
  await expect(page.locator('.app[data-hydrated="true"]')).toBeAttached();
}

/** Collects browser errors (failed hydration shows up here) for a test to assert on. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

/**
 * Accepts every confirmation the page asks for (a destructive action asks first), keeping
 * the questions so a test can check each names what will happen.
 */
export function acceptConfirmations(page: Page): string[] {
  const asked: string[] = [];
  page.on('dialog', (dialog) => {
    asked.push(dialog.message());
    void dialog.accept();
  });
  return asked;
}
