"use client";

export default function ConsoleError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <>
      <h1>Something went wrong</h1>
      <div role="alert" className="alert">
        The page could not be loaded because of an error on the server. Try again; if it keeps happening, check the
        server log.
      </div>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </>
  );
}
