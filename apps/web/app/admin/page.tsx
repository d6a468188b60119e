// The admin console's start page: what each section is for.
import type { Metadata } from "next";
import Link from "next/link";
import { Fragment } from "react";
import { requireAdmin } from "@/lib/console-access";

export const metadata: Metadata = { title: "Overview" };

const SECTIONS = [
  {
    href: "/admin/clients",
    title: "Clients",
    text: "Apps registered here, by an admin, by Dynamic Client Registration or by a metadata document. Create machine clients, rotate secrets, disable or delete.",
  },
  {
    href: "/admin/users",
    title: "Users",
    text: "Accounts that can sign in. Create, disable, reset a password, grant or remove the admin role.",
  },
  {
    href: "/admin/grants",
    title: "Grants and tokens",
    text: "Remembered consents and refresh-token families per person and app. Revoke one or all.",
  },
  {
    href: "/admin/keys",
    title: "Signing keys",
    text: "The keys that sign access tokens. Rotate now; the previous key stays published until its tokens expire.",
  },
  {
    href: "/admin/audit",
    title: "Audit log",
    text: "Sign-ins, consents, tokens, admin changes and the MCP server's tool calls in one timeline.",
  },
  {
    href: "/admin/scopes",
    title: "Scopes",
    text: "Every permission, its risk, and the MCP tools that need it.",
  },
] as const;

export default async function AdminOverviewPage() {
  const session = await requireAdmin("/admin");
  return (
    <section className="card" aria-labelledby="admin-heading">
      <h1 id="admin-heading">Admin console</h1>
      <p className="lead">
        Signed in as <strong>{session.email}</strong>. Every change here is written to the audit log
        under your name.
      </p>
      <dl className="details">
        {SECTIONS.map((section) => (
          <Fragment key={section.href}>
            <dt>
              <Link href={section.href}>{section.title}</Link>
            </dt>
            <dd>{section.text}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}
