import Link from "next/link";

export default function UserNotFound() {
  return (
    <>
      <h1>User not found</h1>
      <div role="alert" className="alert">
        The user does not exist or was deleted. <Link href="/users">Back to the users</Link>
      </div>
    </>
  );
}
