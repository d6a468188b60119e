// Renders the OpenAPI document as the Markdown page docs/api-reference.md, so the reference people read
// on GitHub is generated from the same schemas as /openapi.json and cannot drift from it.
import type { OpenAPIV3_1 } from "openapi-types";

type Schema = OpenAPIV3_1.SchemaObject | OpenAPIV3_1.ReferenceObject;

const METHODS = ["get", "post"] as const;

function schemaName(reference: string): string {
  return reference.slice(reference.lastIndexOf("/") + 1);
}

function anchor(name: string): string {
  return name.toLowerCase();
}

/** A schema in a few words: its component's name as a link, or its type with constraints. */
function describeType(schema: Schema | undefined): string {
  if (schema === undefined) return "";
  if ("$ref" in schema) {
    const name = schemaName(schema.$ref);
    return `[${name}](#${anchor(name)})`;
  }
  if (schema.oneOf || schema.anyOf) {
    return (schema.oneOf ?? schema.anyOf ?? []).map(describeType).join(" or ");
  }
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(", ");
  if (schema.type === "array") return `array of ${describeType(schema.items)}`;
  const constraints = [
    schema.format,
    schema.minLength !== undefined ? `≥ ${schema.minLength} chars` : undefined,
    schema.maxLength !== undefined ? `≤ ${schema.maxLength} chars` : undefined,
  ].filter((part) => part !== undefined);
  const type = Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any");
  return constraints.length > 0 ? `${type} (${constraints.join(", ")})` : type;
}

function cell(text: string | undefined): string {
  return (text ?? "").replaceAll("|", "\\|").replaceAll("\n", " ");
}

function propertiesTable(schema: OpenAPIV3_1.SchemaObject): string[] {
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const description = "$ref" in property ? "" : property.description;
    return `| \`${name}\` | ${cell(describeType(property))} | ${required.has(name) ? "yes" : ""} | ${cell(description)} |`;
  });
  if (rows.length === 0) return [];
  return ["| member | type | required | meaning |", "| --- | --- | --- | --- |", ...rows];
}

function renderOperation(path: string, method: string, operation: OpenAPIV3_1.OperationObject) {
  const lines = [`### ${method.toUpperCase()} \`${path}\``, "", `**${operation.summary ?? ""}**`];
  if (operation.description) lines.push("", operation.description);
  if (operation.security) {
    const schemes = operation.security.map(
      (requirement) => Object.keys(requirement)[0] ?? "the form's `client_id` / `client_secret`",
    );
    lines.push("", `Client authentication: ${schemes.join(", or ")}.`);
  }
  const parameters = (operation.parameters ?? []).filter(
    (parameter): parameter is OpenAPIV3_1.ParameterObject => !("$ref" in parameter),
  );
  if (parameters.length > 0) {
    lines.push(
      "",
      "| parameter | in | type | required | meaning |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const parameter of parameters) {
      lines.push(
        `| \`${parameter.name}\` | ${parameter.in} | ${cell(describeType(parameter.schema))} | ${parameter.required ? "yes" : ""} | ${cell(parameter.description)} |`,
      );
    }
  }
  const body = operation.requestBody;
  if (body && !("$ref" in body)) {
    for (const [mediaType, media] of Object.entries(body.content)) {
      lines.push("", `Request body (\`${mediaType}\`): ${describeType(media.schema)}`);
    }
  }
  lines.push("", "| status | meaning | body |", "| --- | --- | --- |");
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if ("$ref" in response) continue;
    const schema = response.content?.["application/json"]?.schema;
    lines.push(`| ${status} | ${cell(response.description)} | ${cell(describeType(schema))} |`);
  }
  return lines;
}

export function renderApiReference(document: OpenAPIV3_1.Document): string {
  const server = document.servers?.[0]?.url ?? "";
  const lines = [
    "# API reference: the authorization server",
    "",
    "<!-- Generated from the running server's /openapi.json by `npm run docs:api -w @repo/auth-server`; do not edit by hand. -->",
    "",
    document.info.description ?? "",
    "",
    `The machine-readable document is served at \`${server}/openapi.json\` (OpenAPI ${document.openapi}). The internal API the web app calls is described in [internal-api.md](internal-api.md).`,
    "",
    "## Endpoints",
  ];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method as OpenAPIV3_1.HttpMethods];
      if (operation) lines.push("", ...renderOperation(path, method, operation));
    }
  }
  lines.push("", "## Schemas");
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    lines.push("", `### ${name}`);
    if (schema.description) lines.push("", schema.description);
    if (schema.oneOf) lines.push("", `One of: ${describeType(schema)}.`);
    const table = propertiesTable(schema);
    if (table.length > 0) lines.push("", ...table);
  }
  return `${lines.join("\n")}\n`;
}
