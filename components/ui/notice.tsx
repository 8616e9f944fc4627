/** A confirmation that something worked, announced to screen readers. */
export function Notice({ children }: { children: React.ReactNode }) {
  return (
    <div role="status" className="notice">
      {children}
    </div>
  );
}

/** What a page shows when the admin's role does not allow it (the server refuses it anyway). */
export function Forbidden({ title, message }: { title: string; message: string }) {
  return (
    <>
      <h1>{title}</h1>
      <div role="alert" className="alert">
        {message}
      </div>
    </>
  );
}
