// Accessibility check of what a journey shows: axe-core's rules (WCAG 2.x A and AA) on the page or
// on one part of it. Serious and critical violations fail the journey, listed with the elements
// they were found on; minor and moderate ones are printed so they are seen.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export async function expectNoSeriousAxeViolations(page: Page, o: { include?: string; name: string }): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
  if (o.include) builder = builder.include(o.include);
  const { violations } = await builder.analyze();
  const describe = (v: (typeof violations)[number]) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`;
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of violations.filter((x) => !blocking.includes(x))) console.log(`axe (${o.name}): ${describe(v)}`);
  expect(blocking.map(describe), `serious or critical accessibility violations on ${o.name}`).toEqual([]);
}
