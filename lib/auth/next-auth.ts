import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getConfig } from "@/lib/config";
import { DomainError } from "@/lib/errors";
import { signInSchema } from "@/lib/schemas/auth";
import { getAuthSecret } from "./secret";
import { requestInfoFrom } from "./request-info";
import { endAllSessions } from "./sessions";
import { signInWithPassword } from "./sign-in";

const SESSION_MAX_AGE_S = 8 * 60 * 60;

export function authOptions(): NextAuthOptions {
  const secure = getConfig().publicUrl.startsWith("https://");
  return {
    secret: getAuthSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/signin" },
    useSecureCookies: secure,
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const parsed = signInSchema.safeParse(credentials);
          if (!parsed.success) throw new Error("Enter your email and password.");
          const headers = new Headers();
          for (const [key, value] of Object.entries(req.headers ?? {})) {
            if (typeof value === "string") headers.set(key, value);
          }
          try {
            const admin = await signInWithPassword(parsed.data, requestInfoFrom(headers));
            return { id: admin.id, email: admin.email, sessionGeneration: admin.sessionGeneration };
          } catch (error) {
            if (error instanceof DomainError) throw new Error(error.message);
            throw error;
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sessionGeneration = (user as { sessionGeneration?: number }).sessionGeneration;
        }
        return token;
      },
      session({ session, token }) {
        if (session.user && token.sub) {
          Object.assign(session.user, { id: token.sub, sessionGeneration: token.sessionGeneration });
        }
        return session;
      },
    },
    events: {
      // Signing out ends every session of the admin, not only this cookie (a copy of it stops working too).
      async signOut({ token }) {
        if (token?.sub) await endAllSessions(token.sub);
      },
    },
  };
}
