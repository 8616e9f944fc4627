import Link from "next/link";
import { webhooksActor } from "@/components/webhooks/admin";
import { EndpointForm } from "@/components/webhooks/endpoint-form";
import styles from "@/components/webhooks/webhooks.module.css";

export const metadata = { title: "Add endpoint · Webhooks · Delegate" };

export default async function NewEndpointPage() {
  if (!(await webhooksActor())) return null;
  return (
    <>
      <p>
        <Link href="/webhooks">← Webhooks</Link>
      </p>
      <h1>Add endpoint</h1>
      <div className={styles.formWide}>
        <EndpointForm />
      </div>
    </>
  );
}
