import Link from "next/link";

export default function WebhooksNotFound() {
  return (
    <>
      <h1>Not found</h1>
      <div role="alert" className="alert">
        There is no such endpoint, subscription or delivery: it may have been deleted.
      </div>
      <p>
        <Link href="/webhooks">Back to the webhooks</Link>
      </p>
    </>
  );
}
