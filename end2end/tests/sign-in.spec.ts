import { test, expect } from '@playwright/test';
import { LOGINS, signIn, hydrated, collectErrors } from './helpers';

test.describe('signing in', () => {
  for (const email of LOGINS) {
    test(`${email} reaches their home and sees their own name`, async ({ page }) => {
      const errors = collectErrors(page);
      await signIn(page, email);
      const me = await (await page.request.get('/api/v1/me')).json();
      expect(me.email).toBe(email);
      await expect(page.locator('.person-name')).toHaveText(me.name);
      const firstName = me.name.split(' ')[0];
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${firstName}`);
      await hydrated(page);
      expect(errors).toEqual([]);
    });
  }

  test('a wrong password shows one clear error and keeps the email', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Email').fill('learner@demo.cairn');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/login\?error=invalid/);
    await expect(page.getByRole('alert')).toContainText('do not match an account');
    await expect(page.getByLabel('Email')).toHaveValue('learner@demo.cairn');
  });

  test('an anonymous visit to home is sent to sign in', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });

  test('signing in works from the keyboard alone', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Email').focus();
    await page.keyboard.type('teacher@demo.cairn');
    await page.keyboard.press('Tab');
    await page.keyboard.type('cairn-demo');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { name: 'My groups' })).toBeVisible();
  });

  test('signing out ends the session', async ({ page }) => {
    await signIn(page, 'manager@demo.cairn');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login\?signed_out=1$/);
    await expect(page.getByRole('status')).toHaveText('You have signed out.');
    const me = await page.request.get('/api/v1/me');
    expect(me.status()).toBe(401);
  });
});
