import { openApiDocument } from "@/lib/api/openapi";

/** Public: describes the API, reveals no data. */
export function GET(): Response {
  return Response.json(openApiDocument());
}
