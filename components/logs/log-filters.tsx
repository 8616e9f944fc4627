import { FilterForm } from "@/components/ui/filter-form";
import type { ListAuditInput } from "@/lib/schemas/audit";

export function LogFilters({ values, actions }: { values: ListAuditInput; actions: string[] }) {
  return (
    <FilterForm action="/logs" label="Logs">
      <div className="field">
        <label htmlFor="log-actor">Admin</label>
        <input id="log-actor" name="actor" type="search" defaultValue={values.actor ?? ""} placeholder="Email of who acted" />
      </div>
      <div className="field">
        <label htmlFor="log-action">Action</label>
        <select id="log-action" name="action" defaultValue={values.action ?? ""}>
          <option value="">All actions</option>
          {actions.map((action) => (
            <option key={action}>{action}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="log-result">Result</label>
        <select id="log-result" name="result" defaultValue={values.result ?? ""}>
          <option value="">Any result</option>
          <option value="success">success</option>
          <option value="failure">failure</option>
        </select>
      </div>
      {values.user_id && <input type="hidden" name="user_id" value={values.user_id} />}
      <div className="field">
        <button type="submit">Filter</button>
      </div>
    </FilterForm>
  );
}
