import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Delegate",
  description: "Delegated administration of your users",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
