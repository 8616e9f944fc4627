/** A query that cannot be used, with the 1-based character where the problem is. */
export class UserQueryError extends Error {
  readonly position: number;

  constructor(problem: string, position: number) {
    super(`${problem} (at character ${position}).`);
    this.name = "UserQueryError";
    this.position = position;
  }
}
