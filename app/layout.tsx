import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Providers } from "./providers";
import { UserMenu } from "./user-menu";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Meshlens", template: "%s · Meshlens" },
  description: "See and prove how the services of a Kubernetes + Istio cluster talk to each other, and whether that is safe.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="container site-header-inner">
            <Link href="/" className="brand">
              <svg aria-hidden="true" width="22" height="22" viewBox="0 0 32 32">
                <path d="M9 10 L23 10 L16 22 Z" fill="none" stroke="#7fb2ff" strokeWidth="2.2" />
                <circle cx="9" cy="10" r="3.6" fill="#fff" />
                <circle cx="23" cy="10" r="3.6" fill="#fff" />
                <circle cx="16" cy="22" r="3.6" fill="#fff" />
              </svg>
              Meshlens
            </Link>
            <span className="tagline">Kubernetes + Istio snapshots</span>
            <UserMenu />
          </div>
        </header>
        <Providers>
          <main id="main" tabIndex={-1} className="container page-main">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
