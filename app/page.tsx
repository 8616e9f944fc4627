import { redirect } from "next/navigation";
import { getSessionActor } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function Home() {
  redirect((await getSessionActor()) ? "/users" : "/signin");
}
