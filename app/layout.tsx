import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: "Delegate",
  description: "Delegated administration of your users",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request, so that Next.js can put the request's CSP nonce on its scripts
  // (a page prerendered at build time would carry scripts without one, which the policy blocks).
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
