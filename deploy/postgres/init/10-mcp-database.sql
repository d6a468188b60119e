-- The postgres image runs this once, when its data volume is empty: the auth-server's database is
-- POSTGRES_DB (auth); the MCP server keeps its own, so neither server can read the other's tables.
CREATE DATABASE mcp OWNER mcp_oauth;
