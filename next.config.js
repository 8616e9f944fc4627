/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets two builds live side by side (e.g. a developer's and the e2e suite's).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@node-rs/argon2",
    "pg",
    "quickjs-emscripten-core",
    "@jitl/quickjs-wasmfile-release-sync",
  ],
  async headers() {
    return [
      {
        // The Content-Security-Policy (with a per-request nonce), HSTS and the API's Cache-Control are set in proxy.ts.
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
      {
        // Monaco's workers are scripts under /_next/static; a worker obeys its own response's policy.
        source: "/_next/static/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'self'; object-src 'none'; base-uri 'self'" }],
      },
    ];
  },
};

export default nextConfig;
