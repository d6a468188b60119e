"use client";

// The admin console's sections; the current one is marked for screen readers (aria-current).
import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/clients", label: "Clients" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/grants", label: "Grants and tokens" },
  { href: "/admin/keys", label: "Signing keys" },
  { href: "/admin/audit", label: "Audit log" },
  { href: "/admin/scopes", label: "Scopes" },
] as const;

export function ConsoleNav() {
  const pathname = usePathname();
  const current = (href: string) =>
    href === "/admin" ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);
  return (
    <nav className="console-nav" aria-label="Admin console">
      <ul>
        {SECTIONS.map((section) => (
          <li key={section.href}>
            <Link href={section.href} aria-current={current(section.href) ? "page" : undefined}>
              {section.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
