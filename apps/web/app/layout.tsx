import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";

/** The name people see in the header and tab title; a fork renames it here. */
const SITE_NAME = "Financial Sentiment account";

export const metadata: Metadata = {
  title: { default: SITE_NAME, template: `%s · ${SITE_NAME}` },
  // Sign-in and consent pages are reached from apps, never from a search engine.
  robots: { index: false, follow: false },
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Render every page per request: the CSP nonce from proxy.ts exists only at request time.
  await connection();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link href="/">{SITE_NAME}</Link>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
