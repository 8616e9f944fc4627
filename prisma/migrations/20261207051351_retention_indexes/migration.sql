-- CreateIndex
CREATE INDEX "hook_executions_created_at_idx" ON "hook_executions"("created_at");

-- CreateIndex
CREATE INDEX "events_created_at_idx" ON "events"("created_at");

