"use server";

import { z } from "zod";
import { exportAuditCheckpoint, verifyAuditLog } from "@/lib/audit/verify-audit";
import { verifyAuditSchema } from "@/lib/schemas/audit";
import { adminAction } from "./safe-action";

export const verifyAuditAction = adminAction(verifyAuditSchema, verifyAuditLog);

export const exportAuditCheckpointAction = adminAction(z.object({}), (actor) => exportAuditCheckpoint(actor));
