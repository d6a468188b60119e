// A Server Action's form as the page printed it, to replay from somewhere else: React renders the
// action's id and its bound arguments as hidden fields, so a forged post can carry exactly what the
// real form would, and a refusal proves the check, not a guess at the encoding.
import type { Page } from "playwright-core";

/**
 * The hidden fields of the form on `url` whose submit button is named `button`, by name, as a full
 * page load prints them in the browser profile of `page` (a form the client-side router rendered
 * carries its action in JavaScript instead).
 */
export async function actionFormFields(
  page: Page,
  url: string,
  button: string,
): Promise<Record<string, string>> {
  const copy = await page.context().newPage();
  try {
    await copy.goto(url);
    const form = copy.locator("form", {
      has: copy.getByRole("button", { name: button, exact: true }),
    });
    const inputs = form.locator('input[type="hidden"]');
    await form.waitFor();
    const fields: Record<string, string> = {};
    for (let index = 0; index < (await inputs.count()); index += 1) {
      const input = inputs.nth(index);
      const name = await input.getAttribute("name");
      if (name) fields[name] = await input.inputValue();
    }
    if (!Object.keys(fields).some((name) => name.startsWith("$ACTION_"))) {
      throw new Error("the form carries no Server Action fields: has React changed its encoding?");
    }
    return fields;
  } finally {
    await copy.close();
  }
}

/** An HTML attribute value, escaped: the fields hold JSON with quotes in it. */
function attribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/**
 * An auto-submitting copy of a Server Action's form, as a page on another origin would serve it to a
 * signed-in victim: multipart, as React's own no-JavaScript submission is.
 */
export function forgedActionPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${attribute(name)}" value="${attribute(value)}">`,
    )
    .join("");
  return `<!doctype html><form method="post" enctype="multipart/form-data" action="${attribute(action)}">${inputs}</form>
    <script>document.forms[0].submit()</script>`;
}
