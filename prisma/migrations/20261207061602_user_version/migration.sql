-- AlterTable
ALTER TABLE "users" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;


-- Every UPDATE of a user, by any statement, raises its version: the API's ETag and the console's
-- stale-form check compare against it (lib/users/user-version.ts). A trigger rather than application
-- code, so that no write path can forget it.
CREATE FUNCTION users_raise_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END;
$$;

CREATE TRIGGER users_raise_version BEFORE UPDATE ON "users"
  FOR EACH ROW EXECUTE FUNCTION users_raise_version();
