// The admin console's frame. Each page checks the role itself (requireAdmin), with its own path for
// the way back after a sign-in; the navigation shows only to admins.
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { ConsoleNav } from "@/app/_components/console-nav";
import { currentSession } from "@/lib/request-context";

export const metadata: Metadata = { title: { default: "Admin console", template: "%s · Admin" } };

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  return (
    <div className="console">
      {session?.isAdmin ? <ConsoleNav /> : null}
      {children}
    </div>
  );
}
