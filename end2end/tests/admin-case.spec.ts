import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectErrors, hydrated, signIn } from './helpers';

/**
 * A state's science standards as a CASE 1.0 package, written by hand the way standards tools
 * export them: grade → domain → cluster → standard → component, five levels deep. Like many
 * real exports it carries quirks: `educationLevel` as a string, components typed only by
 * `CFItemTypeURI` (named in `CFDefinitions`), and an `exactMatchOf` pointing outside the package.
 */
function sciencePackage() {
  const doc = 'c5e1a1f0-0000-4000-8000-000000000001';
  const base = 'https://standards.example.org/uri/';
  const items: object[] = [];
  const associations: object[] = [];
  let serial = 0;
  const id = () => `c5e1a1f0-0000-4000-8000-${String(++serial + 100).padStart(12, '0')}`;
  const child = (origin: string, destination: string, sequence: number) => {
    const identifier = id();
    associations.push({
      identifier,
      uri: base + identifier,
      associationType: 'isChildOf',
      originNodeURI: { title: origin, identifier: origin, uri: base + origin },
      destinationNodeURI: { title: destination, identifier: destination, uri: base + destination },
      sequenceNumber: sequence,
      lastChangeDateTime: '2024-05-01T00:00:00+00:00',
    });
  };
  const item = (parent: string, sequence: number, fields: Record<string, unknown>) => {
    const identifier = id();
    items.push({ identifier, uri: base + identifier, lastChangeDateTime: '2024-05-01T00:00:00+00:00', ...fields });
    child(identifier, parent, sequence);
    return identifier;
  };
  const grade = item(doc, 1, { fullStatement: 'Grade 7', humanCodingScheme: 'G7', CFItemType: 'Grade Level', educationLevel: '07' });
  const domains = [
    ['PS', 'Physical Science', [['Forces', ['Describe balanced and unbalanced forces', 'Predict motion from the *net* force']], ['Energy', ['Trace energy transfers in a system', 'Compare kinetic and potential energy']]]],
    ['LS', 'Life Science', [['Cells', ['Explain that living things are made of cells', 'Identify the parts of a cell and their roles']], ['Ecosystems', ['Model the flow of matter in a food web', 'Explain how populations depend on their environment']]]],
  ] as const;
  domains.forEach(([code, name, clusters], d) => {
    const domain = item(grade, d + 1, { fullStatement: name, humanCodingScheme: `7.${code}`, CFItemType: 'Domain', educationLevel: '07' });
    clusters.forEach(([clusterName, standards], c) => {
      const cluster = item(domain, c + 1, { fullStatement: clusterName, humanCodingScheme: `7.${code}.${c + 1}`, CFItemType: 'Cluster' });
      standards.forEach((statement, s) => {
        const standard = item(cluster, s + 1, {
          fullStatement: statement,
          humanCodingScheme: `7.${code}.${c + 1}.${s + 1}`,
          CFItemType: 'Standard',
          conceptKeywords: [clusterName.toLowerCase()],
          educationLevel: '07',
        });
        for (const part of ['a', 'b']) {
          item(standard, part === 'a' ? 1 : 2, {
            fullStatement: `${statement}: part ${part}`,
            humanCodingScheme: `7.${code}.${c + 1}.${s + 1}${part}`,
            CFItemTypeURI: { title: 'Component', identifier: 'c5e1a1f0-type-component', uri: base + 'c5e1a1f0-type-component' },
          });
        }
      });
    });
  });
  associations.push({
    identifier: id(),
    associationType: 'exactMatchOf',
    originNodeURI: { title: '7.PS.1.1', identifier: (items[3] as { identifier: string }).identifier, uri: base + (items[3] as { identifier: string }).identifier },
    destinationNodeURI: { title: 'MS-PS2-2', identifier: 'ngss-ms-ps2-2', uri: 'https://www.nextgenscience.org/pe/ms-ps2-2' },
  });
  return {
    CFDocument: {
      identifier: doc,
      uri: base + doc,
      creator: 'Riverbend State Department of Education',
      title: 'Riverbend Science Standards',
      lastChangeDateTime: '2024-05-01T00:00:00+00:00',
      adoptionStatus: 'Adopted',
    },
    CFItems: items,
    CFAssociations: associations,
    CFDefinitions: { CFItemTypes: [{ identifier: 'c5e1a1f0-type-component', title: 'Component' }] },
  };
}

test('an administrator imports a CASE package at the depths they choose, and a teacher marks an imported competency', async ({ browser }) => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-case-'));
  const file = path.join(dir, 'riverbend-science.json');
  fs.writeFileSync(file, JSON.stringify(sciencePackage(), null, 2));

  const admin = await (await browser.newContext()).newPage();
  const errors = collectErrors(admin);
  await signIn(admin, 'admin@demo.cairn');
  await admin.goto('/admin/frameworks');
  await hydrated(admin);
  const section = admin.getByRole('region', { name: 'Import CASE' });
  await expect(section.getByRole('link', { name: 'download the template' })).toHaveAttribute('href', '/admin/frameworks/case-template.csv');

  // The preview: five levels, their item types, and Cairn's proposal (the level above the
  // leaves are areas, the leaves competencies).
  await section.getByLabel('CASE package (.json) or spreadsheet (.csv)').setInputFiles(file);
  await section.getByRole('button', { name: 'Preview' }).click();
  await expect(admin).toHaveURL(/\/admin\/frameworks\?case=\d+/);
  await hydrated(admin);
  const summary = section.locator('.import-summary');
  await expect(summary).toHaveText(`Preview of Riverbend Science Standards (CASE document c5e1a1f0-0000-4000-8000-000000000001): nothing is written yet.`);
  const depths = section.getByRole('table', { name: 'The package\'s tree, 5 levels deep' });
  const depth = (n: number) => depths.locator(`tr[data-depth="${n}"] td`);
  await expect(depth(1)).toHaveText(['1', '0', 'Grade Level (1)', 'G7 Grade 7', 'Part of the area\'s name']);
  await expect(depth(2)).toHaveText(['2', '0', 'Domain (2)', '7.PS Physical Science; 7.LS Life Science', 'Part of the area\'s name']);
  await expect(depth(4).nth(2)).toHaveText('Standard (8)');
  await expect(depth(4).nth(4)).toHaveText('Areas');
  await expect(depth(5).nth(2)).toHaveText('Component (16)');
  await expect(depth(5).nth(4)).toHaveText('Competencies');
  await expect(section.locator('.case-figures')).toHaveText('Riverbend Science Standards: 8 areas, 16 competencies, 0 indicators, 0 alignments.');
  const results = await new AxeBuilder({ page: admin }).include('.case-import').withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // Domains become areas and standards competencies; components become their indicators.
  await section.getByLabel('Areas are the items at').selectOption({ label: 'Depth 2' });
  await section.getByLabel('Competencies are the items at').selectOption({ label: 'Depth 4' });
  await section.getByRole('button', { name: 'Preview these depths' }).click();
  await expect(section.locator('.case-figures')).toHaveText('Riverbend Science Standards: 2 areas, 8 competencies, 16 indicators, 1 alignment.');
  await expect(depth(2).nth(4)).toHaveText('Areas');
  await expect(depth(3).nth(4)).toHaveText('Part of the competency\'s name');
  await expect(depth(4).nth(4)).toHaveText('Competencies');
  await expect(depth(5).nth(4)).toHaveText('Indicators');

  // The import, followed to the end.
  await hydrated(admin);
  await section.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(summary).toHaveText('Imported into Riverbend Science Standards (a new framework): 8 competencies added, 0 updated, 0 unchanged, 0 retired.', { timeout: 30_000 });
  await expect(admin.locator('#case-progress')).toHaveAttribute('value', '100');
  await expect(admin.locator('table.framework-list').getByRole('row', { name: /Riverbend Science Standards/ })).toContainText('8');

  // Its page: areas named with their parent path, competencies with what CASE said of them.
  await section.getByRole('link', { name: 'Open Riverbend Science Standards' }).click();
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Riverbend Science Standards');
  await expect(admin.getByRole('region', { name: 'Areas' }).getByLabel(/^Name of the area 7\.PS/)).toHaveValue(/Physical Science/);
  const standard = admin.locator('details.competency-editor', { hasText: '7.PS.1.2' });
  await standard.locator('summary').click();
  await expect(standard.locator('.competency-source')).toContainText('Standard');
  await expect(standard.locator('.competency-source')).toContainText('07');

  // A teacher marks a learner on an imported competency in the roster.
  const teacher = await (await browser.newContext()).newPage();
  const teacherErrors = collectErrors(teacher);
  await signIn(teacher, 'teacher@demo.cairn');
  // (Not 7A: the people import test has put twenty thousand learners in it.)
  await teacher.getByRole('link', { name: /^Open the roster of (?!7A$)/ }).first().click();
  await expect(teacher).toHaveURL(/\/groups\/\d+\/roster$/);
  await hydrated(teacher);
  await teacher.getByLabel('Framework').selectOption({ label: 'Riverbend Science Standards' });
  await expect(teacher.getByRole('columnheader', { name: /7\.PS\.1\.1/ })).toBeVisible();
  const row = teacher.locator('tbody tr').first();
  const learner = ((await row.getByRole('rowheader').textContent()) ?? '').trim();
  const cell = row.getByRole('gridcell').first();
  await cell.click();
  await teacher.keyboard.press('3');
  await teacher.keyboard.press('Enter');
  // The cluster between the area and the standard is kept in the competency's name.
  await expect(teacher.getByRole('status')).toHaveText(`Saved 3 for ${learner} on Forces › Describe balanced and unbalanced forces.`);

  expect(errors).toEqual([]);
  expect(teacherErrors).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
});
